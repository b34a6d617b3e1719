/**
 * One rule for addresses the configuration names (the URL check's address, the pager's API URL,
 * an operator subscription), shared by the config schema and the handlers' input checks so both
 * refuse the same values (DESIGN §4 "Whatever validates runs").
 */

/** The problem with `https://user:pass@host/...`, worded without the value (it holds the secret). */
export const URL_CREDENTIALS_PROBLEM =
  "the URL has a user name or password in it: a secret in the configuration lands in Terraform config and state, plans and the workflow's execution history; give the URL without credentials";

/** True when `address` parses as a URL with a user name or password in it. */
export function hasUrlCredentials(address: string): boolean {
  if (!URL.canParse(address)) return false;
  const url = new URL(address);
  return url.username !== "" || url.password !== "";
}
