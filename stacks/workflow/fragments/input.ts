/**
 * Validate, prepare: a malformed input (an execution started by hand) ends FAILED with a named
 * error before any lock, restart or message (DESIGN §3). The rules come from the contract's
 * fields, the same ones the config and the functions use.
 */
import { ALL_CHECKS, CHECKS } from "../../../contract/checks";
import { entry, type Field, type FieldShape } from "../../../contract/fields";
import { instanceIdField, regionField } from "../../../contract/identifiers";
import { CHAT_EVENTS } from "../../../contract/notifications";
import { RESTART_INPUT } from "../../../contract/restart";
import type { ChoiceCondition } from "../asl";
import { type Fragment, fragment, isPresent, NEXT, not } from "../fragment";
import { STATE } from "../states";

/** The Error of the Fail state a malformed input ends in. */
export const INVALID_INPUT_ERROR = "FirstLine.InvalidInput";

/** The input fields the workflow itself reads, each with its contract field. */
const FIELDS: readonly (readonly [path: string, field: Field<unknown>])[] = [
  ["$.instance.instanceId", instanceIdField],
  ["$.instance.region", regionField],
  ...Object.entries(RESTART_INPUT).map(([key, field]) => [`$.instance.restart.${key}`, field] as const),
];
/** Present objects the workflow hands on (their contents are checked by the functions that read them). */
const OBJECTS = ["$.instance.notifications", "$.instance.notifications.chatOn", "$.alarm.name"];

function wrongType(path: string, shape: FieldShape): ChoiceCondition | undefined {
  switch (shape.kind) {
    case "text":
    case "oneOf":
      return not({ Variable: path, IsString: true });
    case "whole":
    case "number":
      return not({ Variable: path, IsNumeric: true });
    case "flag":
      return not({ Variable: path, IsBoolean: true });
    default:
      return undefined;
  }
}

/**
 * A present check block whose required fields are missing or of the wrong type: its function
 * would refuse it (InvalidInput), which counts as a failed check, so it must end here instead.
 * Type tests run only on present fields (Choice rules do not short-circuit a missing path).
 */
function malformedCheck(check: (typeof ALL_CHECKS)[number]): ChoiceCondition[] {
  const block = `$.instance.${check.name}`;
  const fields = Object.entries(check.input).map(([key, rule]) => ({
    path: `${block}.${key}`,
    ...entry(rule),
  }));
  const required = fields.filter((f) => !f.optional);
  const guard = isPresent(block);
  return [
    ...(required.length > 0 ? [{ And: [guard, { Or: required.map((f) => not(isPresent(f.path))) }] }] : []),
    ...fields.flatMap((f) => {
      const wrong = wrongType(f.path, f.field.shape);
      return wrong === undefined ? [] : [{ And: [guard, isPresent(f.path), wrong] }];
    }),
  ];
}

function outOfRange(path: string, shape: FieldShape): ChoiceCondition[] {
  switch (shape.kind) {
    case "whole":
    case "number":
      return [
        { Variable: path, NumericLessThan: shape.min },
        { Variable: path, NumericGreaterThan: shape.max },
      ];
    case "oneOf":
      return [{ And: shape.values.map((value) => not({ Variable: path, StringEquals: value })) }];
    default:
      return [];
  }
}

/** `States.Format` prints a fractional number with a dot: how a Choice can tell 90 from 90.5. */
const WHOLE_FIELDS = FIELDS.filter(([, field]) => field.shape.kind === "whole").map(([path]) => path);
const wholeKey = (path: string) => path.split(".").pop() ?? path;

export function validateInput(): Fragment {
  return fragment({
    [STATE.validate]: {
      Type: "Choice",
      Comment: "A malformed input ends here, before any lock, restart or message.",
      // Rules run in order and the first match wins: each test only sees present fields of the right type.
      Choices: [
        {
          Or: [...FIELDS.map(([path]) => path), ...OBJECTS].map((path) => not(isPresent(path))),
          Next: STATE.invalidInput,
        },
        {
          Or: [
            ...FIELDS.flatMap(([path, field]) => wrongType(path, field.shape) ?? []),
            not({ Variable: "$.alarm.name", IsString: true }),
          ],
          Next: STATE.invalidInput,
        },
        { Or: ALL_CHECKS.flatMap(malformedCheck), Next: STATE.invalidInput },
        {
          Or: [
            not({ Variable: "$.instance.instanceId", StringMatches: "i-*" }),
            ...FIELDS.flatMap(([path, field]) => outOfRange(path, field.shape)),
          ],
          Next: STATE.invalidInput,
        },
        { And: CHECKS.map((check) => not(isPresent(`$.instance.${check.name}`))), Next: STATE.invalidInput },
      ],
      Default: STATE.prepare,
    },
    [STATE.prepare]: {
      Type: "Pass",
      Comment:
        "The execution document: instance (settings), report (the output), context (for messages), what chat hears, and scratch slots each state overwrites whole.",
      Parameters: {
        "instance.$": "$.instance",
        "startedAt.$": "$$.State.EnteredTime",
        report: { "instanceId.$": "$.instance.instanceId", "region.$": "$.instance.region", runs: {} },
        context: {
          "alarmName.$": "$.alarm.name",
          "executionArn.$": "$$.Execution.Id",
          "notifications.$": "$.instance.notifications",
        },
        tell: Object.fromEntries(
          CHAT_EVENTS.map((event) => [
            `${event}.$`,
            `States.ArrayContains($.instance.notifications.chatOn, '${event}')`,
          ]),
        ),
        whole: Object.fromEntries(
          WHOLE_FIELDS.map((path) => [`${wholeKey(path)}.$`, `States.Format('{}', ${path})`]),
        ),
        delivery: {},
      },
      Next: STATE.wholeNumbers,
    },
    [STATE.wholeNumbers]: {
      Type: "Choice",
      Comment: "Wait states' SecondsPath needs whole numbers: a fraction would fail after the lock is taken.",
      Choices: [
        {
          Or: WHOLE_FIELDS.map((path) => ({ Variable: `$.whole.${wholeKey(path)}`, StringMatches: "*.*" })),
          Next: STATE.invalidInput,
        },
      ],
      Default: NEXT,
    },
  });
}

export function rejectInvalidInput(): Fragment {
  const needs = [
    ...FIELDS.map(([path, field]) => `${path.slice(2)} (${field.what})`),
    "instance.notifications with chatOn",
    "alarm.name",
    `at least one of ${CHECKS.map((check) => `instance.${check.name}`).join(", ")}, each with its resolved settings`,
  ];
  return fragment({
    [STATE.invalidInput]: {
      Type: "Fail",
      Error: INVALID_INPUT_ERROR,
      Cause: `The input needs ${needs.join("; ")}.`,
    },
  });
}
