import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DEPENDENCIES } from "../../contract/workflow";
import { describeAwsError, errorName } from "./error-text";
import { SecretUnavailableError } from "./errors";
import { redact } from "./log";

/** Reads a secret's string value by name or ARN. */
export type SecretReader = (nameOrArn: string) => Promise<string>;

/** The Secrets Manager client for a region; `undefined` is the function's own region. */
export type SecretsClientFor = (region: string | undefined) => Pick<SecretsManagerClient, "send">;

/** A secret ARN: `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`. */
const SECRET_ARN = /^arn:[a-z-]+:secretsmanager:([a-z0-9-]+):\d{12}:secret:/;

/**
 * The region a secret is read in (DESIGN §4): an ARN's own region, which may differ from the
 * function's; `undefined` for a name, which resolves in the function's own region.
 */
export function secretRegion(nameOrArn: string): string | undefined {
  return SECRET_ARN.exec(nameOrArn)?.[1];
}

/**
 * One Secrets Manager client per region, each built on first use and kept for the container's
 * life. A secret ARN in another region must be read through a client of that region: the
 * function's own regional endpoint answers ResourceNotFound for it. Clients use the default
 * credential and endpoint resolution (so `AWS_ENDPOINT_URL_SECRETS_MANAGER` works), with the
 * region set only for an ARN's region.
 */
export function secretsManagerClients(
  create: (region: string | undefined) => Pick<SecretsManagerClient, "send"> = (region) =>
    new SecretsManagerClient(region === undefined ? {} : { region }),
): SecretsClientFor {
  const clients = new Map<string, Pick<SecretsManagerClient, "send">>();
  return (region) => {
    const key = region ?? "";
    let client = clients.get(key);
    if (client === undefined) {
      client = create(region);
      clients.set(key, client);
    }
    return client;
  };
}

/** What an operator does about the errors Secrets Manager answers most, by error name. */
const FIXES: Readonly<Record<string, string>> = {
  AccessDeniedException:
    "the function's role needs secretsmanager:GetSecretValue on it (and the secret's resource policy must allow it)",
  DecryptionFailure: "the function's role needs kms:Decrypt on the secret's KMS key (kms.secretsKeyArns)",
  ResourceNotFoundException: "create it, or fix the name or ARN in the configuration",
  InvalidRequestException: "the secret may be scheduled for deletion; restore it",
};

/**
 * A reader with a per-container cache: a warm Lambda reads each secret once per `ttlMs`, so a
 * burst of alarms does not hammer Secrets Manager, and a rotated secret is picked up later.
 * Every value read is registered for log redaction. Any failure throws
 * {@link SecretUnavailableError} whose message starts with "Secrets Manager" (DESIGN §3.6), names
 * the secret and its region and says why by the AWS error's name, never its value.
 */
export function createSecretReader(
  clientFor: SecretsClientFor,
  { ttlMs = 5 * 60_000, now = Date.now }: { ttlMs?: number; now?: () => number } = {},
): SecretReader {
  const cache = new Map<string, { value: string; readAt: number }>();
  return async (nameOrArn) => {
    const hit = cache.get(nameOrArn);
    if (hit && now() - hit.readAt < ttlMs) return hit.value;
    const region = secretRegion(nameOrArn);
    const which = `secret ${nameOrArn}${region === undefined ? "" : ` in ${region}`}`;
    let value: string | undefined;
    try {
      const out = await clientFor(region).send(new GetSecretValueCommand({ SecretId: nameOrArn }));
      value = out.SecretString;
    } catch (err) {
      const fix = FIXES[errorName(err)];
      throw new SecretUnavailableError(
        `${DEPENDENCIES.secretsManager}: ${which} could not be read: ${describeAwsError(err)}${fix ? `; ${fix}` : ""}`,
      );
    }
    if (!value) {
      throw new SecretUnavailableError(
        `${DEPENDENCIES.secretsManager}: ${which} has no string value; store the value as a plain string`,
      );
    }
    redact(value);
    cache.set(nameOrArn, { value, readAt: now() });
    return value;
  };
}
