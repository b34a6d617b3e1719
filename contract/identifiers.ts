/**
 * Identifiers and addresses that appear both in the configuration and in the functions' input:
 * each pattern and each field once.
 */
import { isIP } from "node:net";
import { type Field, text } from "./fields";

/** EC2 instance id, e.g. i-0123456789abcdef0. */
export const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
export const instanceIdField = text({
  pattern: INSTANCE_ID,
  what: "an EC2 instance id (i- followed by 8 or 17 hex digits)",
});

/** AWS region name, e.g. eu-west-1. */
export const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
export const regionField = text({ pattern: REGION, what: "an AWS region name (e.g. eu-west-1)" });

/** Route 53 health check ids are lower-case UUIDs. */
export const HEALTH_CHECK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const healthCheckIdField = text({
  pattern: HEALTH_CHECK_ID,
  what: "a Route 53 health check id (a lower-case UUID like abcdef01-2345-6789-abcd-ef0123456789)",
});

/** A pinned host-key fingerprint as OpenSSH prints it: `SHA256:` + unpadded base64 of 32 bytes. */
export const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
export const fingerprintField = text({
  pattern: FINGERPRINT,
  what: 'an OpenSSH SHA-256 host key fingerprint ("SHA256:" + 43 base64 characters, as `ssh-keygen -lf` prints it)',
});

/** DNS labels: letters, digits and inner dashes, so nothing can be read as a command-line option. */
const DNS_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** True for a DNS name or an IPv4/IPv6 literal: what a check may dial. */
export function isHost(value: string): boolean {
  return isIP(value) !== 0 || DNS_NAME.test(value);
}
export const hostField = text({ test: isHost, what: "a host name or IP address", maxLength: 253 });

/** TCP port. */
export const PORT_MAX = 65_535;

/** Login names: POSIX-ish, plus `@` for directory-joined hosts (admin@corp). */
export const USER = /^[A-Za-z0-9_.][A-Za-z0-9_.@-]{0,63}$/;
export const userField = text({ pattern: USER, what: "a login name (letters, digits, _ . @ -)" });

/** A Secrets Manager secret name (AWS's characters and length). */
export const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/**
 * A complete Secrets Manager secret ARN: AWS appends `-` and six random characters to the name.
 * A partial ARN (without them) does not work with GetSecretValue from another region and fails
 * IAM matching, so only complete ones are accepted.
 */
export const SECRET_ARN =
  /^arn:aws:secretsmanager:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):secret:[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6}$/;

/** The region a secret ARN lives in, or undefined for a name. */
export function secretRegion(nameOrArn: string): string | undefined {
  return SECRET_ARN.exec(nameOrArn)?.[1];
}

function isSecretRef(value: string): boolean {
  return value.startsWith("arn:") ? SECRET_ARN.test(value) : SECRET_NAME.test(value);
}
export const secretField: Field<string> = text({
  test: isSecretRef,
  what: "a Secrets Manager secret name, or a complete secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters AWS appended>; copy it from the console or `aws secretsmanager describe-secret`)",
});

/** The problem with `https://user:pass@host/...`, worded without the value (it holds the secret). */
export const URL_CREDENTIALS_PROBLEM =
  "the URL has a user name or password in it: a secret in the configuration lands in Terraform config and state, plans and the workflow's execution history; give the URL without credentials";

/** URL_CREDENTIALS_PROBLEM when `value` parses as a URL with a user name or password in it. */
export function urlCredentialsProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.username !== "" || url.password !== "" ? URL_CREDENTIALS_PROBLEM : undefined;
}

/** True for an absolute http(s) URL with a host and without a user or password in it. */
export function isPlainHttpUrl(value: string, protocols: readonly string[] = ["http:", "https:"]): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    protocols.includes(url.protocol) && url.hostname !== "" && url.username === "" && url.password === ""
  );
}
export const httpUrlField = text({
  refuse: urlCredentialsProblem,
  test: (value) => isPlainHttpUrl(value),
  what: "an absolute http:// or https:// URL without a user or password (credentials in a URL would land in Terraform state)",
});
