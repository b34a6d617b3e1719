import { Route53Client } from "@aws-sdk/client-route-53";
import type { CheckResult } from "../shared/contracts";
import { InvalidInputError } from "../shared/errors";
import { createLogger } from "../shared/log";
import { runRoute53Check } from "./check";
import { parseRoute53CheckEvent } from "./input";

const FN = "route53-check";
// Route 53 is a global service: the SDK resolves its one endpoint from any region, so the
// default resolution (AWS_REGION of the function, AWS_ENDPOINT_URL_ROUTE_53) is all it needs.
const client = new Route53Client({});

/** Lambda entry: validate the event, run the check, log one line with the result. */
export async function handler(event: unknown): Promise<CheckResult> {
  let input: ReturnType<typeof parseRoute53CheckEvent>;
  try {
    input = parseRoute53CheckEvent(event);
  } catch (err) {
    if (err instanceof InvalidInputError) {
      createLogger({ fn: FN }).error("invalid input", { problems: err.problems });
    }
    throw err;
  }
  const log = createLogger({ fn: FN, region: input.region, instanceId: input.instanceId });
  const result = await runRoute53Check(input.settings, { client });
  log.info("route53 check finished", { ...result });
  return result;
}
