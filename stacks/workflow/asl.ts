/**
 * The subset of the Amazon States Language (JSONPath query language) the remediation workflow
 * uses, as plain types: the builder returns data, so tests read it as JSON and the stack
 * serialises it with `JSON.stringify`.
 */

/** Any JSON value (what `Result`, `Parameters` and payload templates may hold). */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** A payload template: keys ending in `.$` hold a path or an intrinsic function call. */
export type PayloadTemplate = { readonly [key: string]: JsonValue };

/** One `Retry` entry. */
export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
}

/** One `Catch` entry. */
export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
}

/** A Choice rule without `Next` (used inside `And`/`Or`/`Not`). */
export type ChoiceCondition =
  | { readonly And: readonly ChoiceCondition[] }
  | { readonly Or: readonly ChoiceCondition[] }
  | { readonly Not: ChoiceCondition }
  | ({ readonly Variable: string } & ComparisonOperator);

/** The comparison operators of a data-test expression (exactly one per rule). */
export type ComparisonOperator =
  | { readonly IsPresent: boolean }
  | { readonly IsString: boolean }
  | { readonly IsNumeric: boolean }
  | { readonly IsBoolean: boolean }
  | { readonly IsTimestamp: boolean }
  | { readonly StringEquals: string }
  | { readonly StringMatches: string }
  | { readonly BooleanEquals: boolean }
  | { readonly NumericLessThan: number }
  | { readonly NumericGreaterThan: number }
  | { readonly TimestampGreaterThanPath: string };

/** A top-level Choice rule. */
export type ChoiceRule = ChoiceCondition & { readonly Next: string };

interface Flow {
  readonly Comment?: string;
  readonly Next?: string;
  readonly End?: true;
}

export interface TaskState extends Flow {
  readonly Type: "Task";
  readonly Resource: string;
  readonly Parameters: PayloadTemplate;
  readonly ResultSelector?: PayloadTemplate;
  readonly ResultPath?: string | null;
  readonly TimeoutSeconds: number;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
}

export interface PassState extends Flow {
  readonly Type: "Pass";
  readonly InputPath?: string;
  readonly Parameters?: PayloadTemplate;
  readonly Result?: JsonValue;
  readonly ResultPath?: string | null;
}

export interface WaitState extends Flow {
  readonly Type: "Wait";
  readonly SecondsPath: string;
}

export interface ChoiceState {
  readonly Type: "Choice";
  readonly Comment?: string;
  readonly Choices: readonly ChoiceRule[];
  readonly Default: string;
}

export interface SucceedState {
  readonly Type: "Succeed";
  readonly Comment?: string;
  readonly OutputPath?: string;
}

export interface FailState {
  readonly Type: "Fail";
  readonly Comment?: string;
  readonly Error: string;
  readonly Cause: string;
}

export type AslState = TaskState | PassState | WaitState | ChoiceState | SucceedState | FailState;

/** A whole state machine definition. */
export interface AslDefinition {
  readonly Comment: string;
  readonly QueryLanguage: "JSONPath";
  readonly StartAt: string;
  readonly TimeoutSeconds: number;
  readonly States: { readonly [name: string]: AslState };
}
