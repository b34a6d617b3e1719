import { EC2Client } from "@aws-sdk/client-ec2";
import { sshCheck } from "../../contract/checks/ssh";
import { defineHandler } from "../shared/handler";
import { checkEventParser } from "../shared/input";
import { createSecretReader, secretsManagerClients } from "../shared/secrets";
import { runSshCheck } from "./check";

// Once per container: warm invocations reuse connections and the secret cache; a key secret in
// another region gets its own client, built on first use.
const ec2 = new EC2Client({});
const readSecret = createSecretReader(secretsManagerClients());

const parse = checkEventParser(sshCheck);

/**
 * Lambda entry of the SSH check (DESIGN §3): `unavailable` when Secrets Manager or
 * DescribeInstances fails, `failed` for what the instance itself does.
 */
export const handler = defineHandler({
  name: sshCheck.functionName,
  parse,
  run: (input) => runSshCheck(input, { ec2, readSecret }),
  summarize: ({ status, reason, durationMs }) => ({ status, reason, durationMs }),
});
