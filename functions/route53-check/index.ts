import { Route53Client } from "@aws-sdk/client-route-53";
import { route53Check } from "../../contract/checks/route53";
import { defineHandler } from "../shared/handler";
import { checkEventParser } from "../shared/input";
import { runRoute53Check } from "./check";

// Route 53 is a global service: the SDK resolves its one endpoint from any region, so the
// default resolution (AWS_REGION of the function, AWS_ENDPOINT_URL_ROUTE_53) is all it needs.
const client = new Route53Client({});

const parse = checkEventParser(route53Check);

/** Lambda entry of the Route 53 check (DESIGN §3); Route 53's own errors are `unavailable`. */
export const handler = defineHandler({
  name: route53Check.functionName,
  parse,
  run: (input) => runRoute53Check(input.settings, { client }),
});
