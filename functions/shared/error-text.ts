/**
 * Reason texts for thrown things, built from error codes and names only, never from the
 * runtime's own message wording. Messages change between Node majors (Node 24 appends "try
 * running Node.js with --use-system-ca" to certificate errors) and can quote whatever the failed
 * call was given (a URL with a token in it); codes and AWS error names are stable, and the texts
 * here are what reaches chat, the pager and the workflow output.
 */

/**
 * A string property of a thrown value. Duck-typed rather than `instanceof Error`: errors made by
 * Node's internals, undici or the AWS SDK may come from another realm (a test sandbox, a bundle).
 */
export function errorField(err: unknown, key: "code" | "name"): string | undefined {
  if (typeof err !== "object" || err === null || !(key in err)) return undefined;
  const value = (err as Record<string, unknown>)[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The error's code, looking through the wrappers that hide it: fetch throws "fetch failed" with
 * the socket error as `cause`, and a connection to a host with several addresses fails with an
 * AggregateError whose `errors` carry the codes.
 */
export function errorCode(err: unknown, depth = 0): string | undefined {
  const own = errorField(err, "code");
  if (own !== undefined || depth > 3 || typeof err !== "object" || err === null) return own;
  const { cause, errors } = err as { cause?: unknown; errors?: unknown };
  return (
    (cause === undefined ? undefined : errorCode(cause, depth + 1)) ??
    (Array.isArray(errors) ? errorCode(errors[0], depth + 1) : undefined)
  );
}

/** The error's name, e.g. "AccessDeniedException"; "Error" when it has none. */
export function errorName(err: unknown): string {
  return errorField(err, "name") ?? "Error";
}

/**
 * OpenSSL's certificate verification codes (as Node reports them in `err.code`) with OpenSSL's
 * own wording, fixed here so the runtime's additions never reach a message.
 */
const CERTIFICATE_TEXT: Readonly<Record<string, string>> = {
  UNABLE_TO_GET_ISSUER_CERT: "unable to get issuer certificate",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "unable to get local issuer certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "unable to verify the first certificate",
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: "unable to decrypt certificate's signature",
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: "unable to decode issuer public key",
  CERT_SIGNATURE_FAILURE: "certificate signature failure",
  CERT_NOT_YET_VALID: "certificate is not yet valid",
  CERT_HAS_EXPIRED: "certificate has expired",
  ERROR_IN_CERT_NOT_BEFORE_FIELD: "format error in certificate's notBefore field",
  ERROR_IN_CERT_NOT_AFTER_FIELD: "format error in certificate's notAfter field",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed certificate in certificate chain",
  CERT_CHAIN_TOO_LONG: "certificate chain too long",
  CERT_REVOKED: "certificate revoked",
  INVALID_CA: "invalid CA certificate",
  PATH_LENGTH_EXCEEDED: "path length constraint exceeded",
  INVALID_PURPOSE: "unsupported certificate purpose",
  CERT_UNTRUSTED: "certificate not trusted",
  CERT_REJECTED: "certificate rejected",
  HOSTNAME_MISMATCH: "hostname mismatch",
};

/** Who was being talked to, for the wording of network errors. */
export interface Peer {
  /** Host and port as dialled, e.g. "eu.example.com:8443". */
  readonly address: string;
  /** The host name alone (DNS errors are about the name, not the port). */
  readonly hostname: string;
}

/**
 * A fixed text for a network, TLS or HTTP-parser failure, or undefined when the error carries no
 * code this knows (the caller then names the code or the error's name).
 */
export function describeNetworkError(err: unknown, peer: Peer): string | undefined {
  const code = errorCode(err);
  if (code === undefined) return undefined;
  switch (code) {
    case "ECONNREFUSED":
      return `connection refused by ${peer.address}`;
    case "ECONNRESET":
    case "EPIPE":
    case "UND_ERR_SOCKET":
      return `connection reset by ${peer.address}`;
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return `connection to ${peer.address} timed out`;
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return `${peer.address} did not answer in time`;
    case "ENOTFOUND":
      return `DNS lookup failed for ${peer.hostname}`;
    case "EAI_AGAIN":
      return `DNS lookup failed for ${peer.hostname} (temporary failure)`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${peer.hostname} is unreachable`;
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `TLS error: certificate is not valid for ${peer.hostname}`;
  }
  const certificate = CERTIFICATE_TEXT[code];
  if (certificate !== undefined) return `TLS error: ${certificate}`;
  if (code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_") || code === "EPROTO") {
    return `TLS error: handshake with ${peer.address} failed (${code})`;
  }
  if (code.startsWith("HPE_")) return `invalid HTTP response from ${peer.address} (${code})`;
  return undefined;
}

/**
 * AWS's names for "slow down": the retry classification of the AWS SDK (`@smithy/core` retry,
 * THROTTLING_ERROR_CODES), the list the SDK itself backs off on.
 */
export const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
]);

/** The caller may not do this. */
const ACCESS_DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"]);

/** The caller's credentials themselves were refused. */
const CREDENTIALS_REJECTED = new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "AuthFailure",
]);

/** What the AWS SDK attaches to the errors it throws (service and transport errors alike). */
interface SdkMetadata {
  readonly httpStatusCode?: number;
  readonly attempts?: number;
}

function metadataOf(err: unknown): SdkMetadata {
  if (typeof err !== "object" || err === null || !("$metadata" in err)) return {};
  const metadata = (err as { $metadata?: unknown }).$metadata;
  return typeof metadata === "object" && metadata !== null ? (metadata as SdkMetadata) : {};
}

/**
 * A fixed text for an error an AWS SDK call threw, e.g. "access denied (AccessDeniedException)"
 * or "throttled (Throttling) after 3 attempts". Names the error and, for retried calls, how many
 * attempts the SDK made; never quotes the message (a transport error's message is the runtime's
 * wording, and a service message can be long and vary).
 */
export function describeAwsError(err: unknown): string {
  const name = errorName(err);
  const { httpStatusCode: status, attempts } = metadataOf(err);
  const after = typeof attempts === "number" && attempts > 1 ? ` after ${attempts} attempts` : "";
  const code = errorCode(err);
  let text: string;
  if (THROTTLING_ERROR_NAMES.has(name) || status === 429) text = `throttled (${name})`;
  else if (ACCESS_DENIED.has(name)) text = `access denied (${name})`;
  else if (CREDENTIALS_REJECTED.has(name)) text = `credentials rejected (${name})`;
  else if (name === "DecryptionFailure" || name.startsWith("KMS")) text = `KMS could not decrypt (${name})`;
  else if (name === "CredentialsProviderError")
    text = "no AWS credentials available (CredentialsProviderError)";
  else if (name === "TimeoutError") text = "no answer in time (TimeoutError)";
  else if (name.endsWith("NotFound") || name.endsWith("NotFoundException") || name.startsWith("NoSuch")) {
    text = `not found (${name})`;
  } else if (typeof status === "number" && status >= 500) text = `service error (${name}, HTTP ${status})`;
  else if (typeof status === "number") text = `request rejected (${name}, HTTP ${status})`;
  else if (code !== undefined) {
    const network = describeNetworkError(err, { address: "the endpoint", hostname: "the endpoint" });
    text = network ?? `request failed (${code})`;
  } else text = `request failed (${name})`;
  return `${text}${after}`;
}
