import { EC2Client } from "@aws-sdk/client-ec2";
import { tcpCheck } from "../../contract/checks/tcp";
import { defineHandler } from "../shared/handler";
import { checkEventParser } from "../shared/input";
import { runTcpCheck } from "./check";

// Once per container: warm invocations reuse the client's connections.
const ec2 = new EC2Client({});

const parse = checkEventParser(tcpCheck);

/** Lambda entry of the TCP check (DESIGN §3). */
export const handler = defineHandler({
  name: tcpCheck.functionName,
  parse,
  run: (input) => runTcpCheck(input, { ec2 }),
});
