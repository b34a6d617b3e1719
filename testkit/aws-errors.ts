/**
 * Errors shaped exactly as the AWS SDK v3 throws them, for aws-sdk-client-mock's `rejects`: the
 * service's own ServiceException class, `name` = AWS's error code, `$fault`, and `$metadata` with
 * the HTTP status and the attempt count the SDK's retry layer records. Handlers word their
 * reasons from these fields, so a test error must carry them as the real SDK does.
 */

const REQUEST_ID = "00000000-0000-4000-8000-000000000000";

/** Options every SDK ServiceException subclass takes. */
interface ServiceExceptionOptions {
  readonly name: string;
  readonly message: string;
  readonly $fault: "client" | "server";
  readonly $metadata: {
    readonly httpStatusCode: number;
    readonly attempts: number;
    readonly requestId: string;
  };
}

export interface AwsErrorShape {
  /** @default 400 (5xx makes the fault "server") */
  readonly httpStatusCode?: number;
  /** How many attempts the SDK made before giving up. @default 1 */
  readonly attempts?: number;
}

/**
 * An error AWS answered with a code the client's model does not list (AccessDeniedException,
 * Throttling, InternalFailure, UnauthorizedOperation, ...), as the client deserializes it: an
 * instance of its ServiceException class, e.g. `awsError(Route53ServiceException, "Throttling", "Rate exceeded")`.
 */
export function awsError<E extends Error>(
  ServiceException: new (options: ServiceExceptionOptions) => E,
  name: string,
  message: string,
  { httpStatusCode = 400, attempts = 1 }: AwsErrorShape = {},
): E {
  return new ServiceException({
    name,
    message,
    $fault: httpStatusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode, attempts, requestId: REQUEST_ID },
  });
}

/**
 * An error the client's model lists (DecryptionFailure, NoSuchHealthCheck,
 * ResourceNotFoundException, ...), as the client deserializes it: an instance of that class,
 * which sets its own name and fault.
 */
export function modeledAwsError<E extends Error>(
  Modeled: new (options: { message: string; $metadata: ServiceExceptionOptions["$metadata"] }) => E,
  message: string,
  { httpStatusCode = 400, attempts = 1 }: AwsErrorShape = {},
): E {
  return new Modeled({
    message,
    $metadata: { httpStatusCode, attempts, requestId: REQUEST_ID },
  });
}
