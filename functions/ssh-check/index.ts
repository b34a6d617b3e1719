import { EC2Client } from "@aws-sdk/client-ec2";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { CheckResult } from "../shared/contracts";
import { createLogger } from "../shared/log";
import { createSecretReader } from "../shared/secrets";
import { runSshCheck } from "./check";
import { parseSshCheckEvent } from "./input";

// Once per container: warm invocations reuse connections and the secret cache.
const ec2 = new EC2Client({});
const readSecret = createSecretReader(new SecretsManagerClient({}));

/**
 * Lambda entry point of the SSH check (DESIGN §3). Throws InvalidInput for a malformed event and
 * SecretUnavailable for an unreadable key secret; every other outcome is a CheckResult.
 */
export async function handler(event: unknown): Promise<CheckResult> {
  const input = parseSshCheckEvent(event);
  const log = createLogger({ region: input.region, instanceId: input.instanceId, check: "ssh" });
  const result = await runSshCheck(input, { ec2, readSecret });
  log.info("ssh check finished", {
    passed: result.passed,
    reason: result.reason,
    durationMs: result.durationMs,
  });
  return result;
}
