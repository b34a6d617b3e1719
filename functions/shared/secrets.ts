import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { messageOf, SecretUnavailableError } from "./errors";
import { redact } from "./log";

/** Reads a secret's string value by name or ARN. */
export type SecretReader = (nameOrArn: string) => Promise<string>;

/**
 * A reader with a per-container cache: a warm Lambda reads each secret once per `ttlMs`, so a
 * burst of alarms does not hammer Secrets Manager, and a rotated secret is picked up later.
 * Every value read is registered for log redaction.
 */
export function createSecretReader(
  client: Pick<SecretsManagerClient, "send">,
  { ttlMs = 5 * 60_000, now = Date.now }: { ttlMs?: number; now?: () => number } = {},
): SecretReader {
  const cache = new Map<string, { value: string; readAt: number }>();
  return async (nameOrArn) => {
    const hit = cache.get(nameOrArn);
    if (hit && now() - hit.readAt < ttlMs) return hit.value;
    let value: string | undefined;
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: nameOrArn }));
      value = out.SecretString;
    } catch (err) {
      throw new SecretUnavailableError(`secret ${nameOrArn} could not be read: ${messageOf(err)}`);
    }
    if (!value) throw new SecretUnavailableError(`secret ${nameOrArn} has no string value`);
    redact(value);
    cache.set(nameOrArn, { value, readAt: now() });
    return value;
  };
}
