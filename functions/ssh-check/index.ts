import { EC2Client } from "@aws-sdk/client-ec2";
import type { CheckResult } from "../shared/contracts";
import { createLogger } from "../shared/log";
import { createSecretReader, secretsManagerClients } from "../shared/secrets";
import { runSshCheck } from "./check";
import { parseSshCheckEvent } from "./input";

// Once per container: warm invocations reuse connections and the secret cache; a key secret in
// another region gets its own client, built on first use.
const ec2 = new EC2Client({});
const readSecret = createSecretReader(secretsManagerClients());

/**
 * Lambda entry point of the SSH check (DESIGN §3). Throws InvalidInput for a malformed event;
 * every other outcome is a CheckResult (`unavailable` when Secrets Manager or DescribeInstances
 * fails).
 */
export async function handler(event: unknown): Promise<CheckResult> {
  const input = parseSshCheckEvent(event);
  const log = createLogger({ region: input.region, instanceId: input.instanceId, check: "ssh" });
  const result = await runSshCheck(input, { ec2, readSecret });
  log.info("ssh check finished", {
    status: result.status,
    passed: result.passed,
    reason: result.reason,
    durationMs: result.durationMs,
  });
  return result;
}
