/**
 * Every AWS call of the on-call commands goes through {@link awsCall}, which names the IAM
 * action and the resource, so a failure reads as what the operator can do about it: a refused
 * action names the statement of the operator policy (README "On call") that grants it, a
 * throttled one says the SDK already retried, a missing resource asks whether the stack is
 * deployed there. The SDK's own retries (standard mode, `AWS_MAX_ATTEMPTS`) happen first.
 */
import { statementFor } from "./iam";

/** What a failed call was. */
export type AwsFailureKind = "access-denied" | "throttled" | "credentials" | "not-found" | "failed";

/** The call being made: for the messages. */
export interface AwsAction {
  /** The IAM action, e.g. `dynamodb:PutItem`. */
  readonly action: string;
  /** What it acts on: a table name, a state machine ARN, an alarm name. */
  readonly resource: string;
  /** The region (and account) it was sent to, as the commands name it. */
  readonly where: string;
}

/** An AWS call that failed after the SDK's retries; the message says what to do. */
export class OpsAwsError extends Error {
  constructor(
    readonly kind: AwsFailureKind,
    readonly call: AwsAction,
    /** AWS's error code (`AccessDeniedException`), or the SDK's error name. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "OpsAwsError";
  }
}

const ACCESS_DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "UnauthorizedAccess",
  "AuthorizationError",
]);
const THROTTLED = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceededException",
  "LimitExceededException",
  "SlowDown",
]);
const CREDENTIALS = new Set([
  "CredentialsProviderError",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "MissingAuthenticationToken",
]);
const NOT_FOUND = new Set([
  "ResourceNotFoundException",
  "ResourceNotFound",
  "StateMachineDoesNotExist",
  "ExecutionDoesNotExist",
]);

interface SdkErrorFields {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

/** The failure as the operator should read it. */
export function describeAwsFailure(error: unknown, call: AwsAction): OpsAwsError {
  // Credentials are fetched inside a call: a refused AssumeRole is already worded as itself.
  if (error instanceof OpsAwsError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as SdkErrorFields;
  const code = e.name && e.name !== "Error" ? e.name : (e.code ?? "Error");
  const said = `${code}: ${e.message ?? String(error)}`;
  const at = `${call.action} on ${call.resource} (${call.where})`;
  const attempts = e.$metadata?.attempts;

  if (ACCESS_DENIED.has(code) || (e.$metadata?.httpStatusCode === 403 && !CREDENTIALS.has(code))) {
    const statement = statementFor(call.action);
    const grant = statement
      ? `the operator policy's statement "${statement}" grants it (README "On call", "IAM for operators")`
      : `allow ${call.action} on it`;
    return new OpsAwsError("access-denied", call, code, `${at} was refused (${said}); ${grant}`);
  }
  if (THROTTLED.has(code)) {
    const tries =
      attempts === undefined ? "after the SDK's retries" : `on all ${attempts} attempts the SDK made`;
    return new OpsAwsError(
      "throttled",
      call,
      code,
      `${at} was throttled by AWS ${tries} (${said}); wait a minute and run the command again (AWS_MAX_ATTEMPTS sets how often the SDK tries)`,
    );
  }
  if (CREDENTIALS.has(code)) {
    return new OpsAwsError(
      "credentials",
      call,
      code,
      `${at}: no usable AWS credentials (${said}); sign in as for any AWS CLI command (AWS_PROFILE, aws sso login, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)`,
    );
  }
  if (NOT_FOUND.has(code)) {
    return new OpsAwsError(
      "not-found",
      call,
      code,
      `${at}: not found (${said}); is first-line deployed there with this configuration (same stackName, region and account)?`,
    );
  }
  return new OpsAwsError("failed", call, code, `${at} failed (${said})`);
}

/** Runs one SDK call; a failure becomes an {@link OpsAwsError} naming the call. */
export async function awsCall<T>(call: AwsAction, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw describeAwsFailure(error, call);
  }
}

/**
 * The pages of a paged call, in order, each one {@link awsCall}: `send` gets the token the
 * previous page ended with (undefined for the first) and `next` reads it from a page; there is
 * no further page after one without it. A caller that has read enough stops iterating, and no
 * further page is asked for.
 */
export async function* awsPages<P, K>(
  call: AwsAction,
  send: (token: K | undefined) => Promise<P>,
  next: (page: P) => K | undefined,
): AsyncGenerator<P, void, undefined> {
  let token: K | undefined;
  do {
    const page = await awsCall(call, () => send(token));
    yield page;
    token = next(page);
  } while (token);
}
