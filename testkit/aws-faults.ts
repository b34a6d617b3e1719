/**
 * Faults set on the stand-in as what AWS does to an operator: an error that every call of an
 * operation gets, so the SDK's own retries do not get past it, in every region or only one.
 * They last until the stand-in's faults are cleared (useFirstLineAws does after each test).
 */
import { type AwsStandIn, awsError } from "./aws-stand-in";

export interface FaultOptions {
  /** Only the calls sent to this region. @default every region */
  readonly region?: string;
  /** The HTTP status of the error. @default 400 (how the JSON protocols answer most errors) */
  readonly status?: number;
}

/**
 * Every call of `service` `operation` (the stand-in's names: "dynamodb" "GetItem", "monitoring"
 * "SetAlarmState") answers the AWS error `code` with `message`.
 */
export function failAlways(
  standIn: AwsStandIn,
  service: string,
  operation: string,
  error: { readonly code: string; readonly message: string },
  options: FaultOptions = {},
): void {
  const { region } = options;
  standIn.fail(
    service,
    operation,
    awsError(options.status ?? 400, error.code, error.message),
    Number.POSITIVE_INFINITY,
    region === undefined ? undefined : (call) => call.region === region,
  );
}

/**
 * Every call of `service` `operation` is refused as IAM refuses it: `AccessDeniedException`,
 * "not authorized to perform: <service>:<operation>".
 */
export function denyAlways(
  standIn: AwsStandIn,
  service: string,
  operation: string,
  options: FaultOptions = {},
): void {
  const message = `not authorized to perform: ${service}:${operation}`;
  failAlways(standIn, service, operation, { code: "AccessDeniedException", message }, options);
}
