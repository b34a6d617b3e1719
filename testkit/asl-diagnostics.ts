/**
 * Step Functions' `ValidateStateMachineDefinition`, answered offline: asl-validator checks the
 * definition text and its findings come back in the API's own shape, so a client (the AWS
 * provider during `terraform plan`, an SDK call in a test) sees what the service would say.
 */

/** One finding, as `ValidateStateMachineDefinition` returns it. */
export interface AslDiagnostic {
  readonly severity: "ERROR" | "WARNING";
  /** The service's codes, which asl-validator shares (e.g. `SCHEMA_VALIDATION_FAILED`). */
  readonly code: string;
  readonly message: string;
  readonly location?: string;
}

/** The API's output shape. */
export interface AslValidation {
  readonly result: "OK" | "FAIL";
  readonly diagnostics: readonly AslDiagnostic[];
  readonly truncated: boolean;
}

/** What a caller may ask for (the API's request fields). */
export interface AslValidationRequest {
  readonly definition: string;
  /** `ERROR` (the API's default) returns errors only; `WARNING` returns both. */
  readonly severity?: "ERROR" | "WARNING";
  /** At most this many diagnostics, the rest cut and `truncated` set. @default 100 (the API's) */
  readonly maxResults?: number;
}

interface AslValidatorError {
  readonly "Error code": string;
  readonly Message: string;
}
// asl-validator ships no type declarations; this is the part of its API used here.
type AslValidator = (
  definition: unknown,
  options: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errors: readonly AslValidatorError[] };
const aslValidator = require("asl-validator") as AslValidator;

const DEFAULT_MAX_RESULTS = 100;

/** Validates a definition's text and answers as the service does. */
export function validateStateMachineDefinition(request: AslValidationRequest): AslValidation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.definition);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail([{ severity: "ERROR", code: "INVALID_JSON_DESCRIPTION", message: reason }], request);
  }
  // The validator writes QueryLanguage into the object it checks; it has its own parse.
  const { errors } = aslValidator(parsed, { checkPaths: true, checkArn: true });
  const diagnostics = errors.map(
    (error): AslDiagnostic => ({ severity: "ERROR", code: error["Error code"], message: error.Message }),
  );
  return diagnostics.length === 0
    ? { result: "OK", diagnostics: [], truncated: false }
    : fail(diagnostics, request);
}

function fail(diagnostics: readonly AslDiagnostic[], request: AslValidationRequest): AslValidation {
  const wanted =
    request.severity === "WARNING" ? diagnostics : diagnostics.filter((d) => d.severity === "ERROR");
  const max = request.maxResults && request.maxResults > 0 ? request.maxResults : DEFAULT_MAX_RESULTS;
  return { result: "FAIL", diagnostics: wanted.slice(0, max), truncated: wanted.length > max };
}
