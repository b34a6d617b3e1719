/**
 * The checks (DESIGN §3): one after another in registry order, stopping at the first that does
 * not pass. One chain of states serves both runs: a run's entry says which run it is
 * (`$.current.run`) and its exits copy the run into `runs.first` or `runs.second`.
 */
import { ALL_CHECKS, CHECK_NAMES, type CheckName } from "../../../contract/checks";
import type { AnyCheck } from "../../../contract/checks/check";
import { CHECK_RESULT_STATUSES } from "../../../contract/workflow";
import type { FunctionName } from "../../function-catalog";
import { type Fragment, fragment, isPresent, not } from "../fragment";
import { checkStates, type Run, runKey, runStates } from "../states";
import type { Tasks } from "../tasks";
import { LAMBDA_TRANSIENT_RETRY, TRANSIENT_LAMBDA_ERRORS } from "../timeouts";

/** Where a run goes when every configured check passed, one failed, or one could not ask. */
export interface RunExits {
  readonly passed: string;
  readonly failed: string;
  readonly unavailable: string;
}

/** The shared chain's ends, which route back to the run that entered it. */
const ENDS = {
  passed: "Checks passed",
  failed: "Checks failed",
  unavailable: "Checks could not run",
} as const;

/** A run's entry (every check starts as not-run) and its three exits. */
export function run(n: Run, exits: RunExits): Fragment {
  const s = runStates(n);
  const save = (next: string) => ({
    Type: "Pass" as const,
    InputPath: "$.current.checks",
    ResultPath: `$.report.runs.${runKey(n)}`,
    Next: next,
  });
  return fragment({
    [s.start]: {
      Type: "Pass",
      Comment: "Every check starts as not-run; each one reached overwrites its entry.",
      Result: {
        run: runKey(n),
        checks: Object.fromEntries(
          CHECK_NAMES.map((c) => [c, { status: "not-run", reason: "an earlier check did not pass" }]),
        ),
      },
      ResultPath: "$.current",
      Next: checkStates(ALL_CHECKS[0] as AnyCheck).configured,
    },
    [s.passed]: save(exits.passed),
    [s.failed]: save(exits.failed),
    [s.unavailable]: save(exits.unavailable),
  });
}

function oneCheck(t: Tasks, check: AnyCheck, next: string): Fragment {
  const s = checkStates(check);
  const slot = `$.current.checks.${check.name as CheckName}`;
  const out = "$.check.output";
  return fragment({
    [s.configured]: {
      Type: "Choice",
      Choices: [{ ...isPresent(`$.instance.${check.name}`), Next: s.task }],
      Default: s.skipped,
    },
    [s.skipped]: {
      Type: "Pass",
      Result: { status: "skipped", reason: "not configured" },
      ResultPath: slot,
      Next: next,
    },
    [s.task]: t.lambda(
      check.functionName as FunctionName,
      {
        "instanceId.$": "$.instance.instanceId",
        "region.$": "$.instance.region",
        "settings.$": `$.instance.${check.name}`,
      },
      {
        ResultSelector: { "output.$": "$.Payload" },
        ResultPath: "$.check",
        Retry: [LAMBDA_TRANSIENT_RETRY],
        Catch: [
          { ErrorEquals: TRANSIENT_LAMBDA_ERRORS, ResultPath: "$.check", Next: s.couldNotRun },
          { ErrorEquals: ["States.ALL"], ResultPath: "$.check", Next: s.errored },
        ],
        Next: s.result,
      },
    ),
    [s.result]: {
      Type: "Choice",
      Comment: "Only a well-formed result counts; anything else is a failed check, never a passed one.",
      Choices: [
        {
          Or: [`${out}.status`, `${out}.reason`, `${out}.durationMs`].map((path) => not(isPresent(path))),
          Next: s.unusable,
        },
        {
          Or: [
            not({ Variable: `${out}.status`, IsString: true }),
            not({ Variable: `${out}.reason`, IsString: true }),
            not({ Variable: `${out}.durationMs`, IsNumeric: true }),
          ],
          Next: s.unusable,
        },
        {
          And: CHECK_RESULT_STATUSES.map((status) =>
            not({ Variable: `${out}.status`, StringEquals: status }),
          ),
          Next: s.unusable,
        },
      ],
      Default: s.recorded,
    },
    [s.recorded]: {
      Type: "Pass",
      Parameters: {
        "status.$": `${out}.status`,
        "reason.$": `${out}.reason`,
        "durationMs.$": `${out}.durationMs`,
      },
      ResultPath: slot,
      Next: s.verdict,
    },
    [s.unusable]: {
      Type: "Pass",
      Result: { status: "failed", reason: "check returned unusable output" },
      ResultPath: slot,
      Next: s.verdict,
    },
    [s.errored]: {
      Type: "Pass",
      Comment: "The function threw or timed out: a failed check, never a passed one.",
      Parameters: {
        status: "failed",
        "reason.$": "States.Format('check did not complete: {}', $.check.Error)",
      },
      ResultPath: slot,
      Next: s.verdict,
    },
    [s.couldNotRun]: {
      Type: "Pass",
      Comment: "Lambda itself kept failing: not evidence against the instance, so no restart.",
      Parameters: { status: "unavailable", "reason.$": "States.Format('Lambda: {}', $.check.Error)" },
      ResultPath: slot,
      Next: s.verdict,
    },
    [s.verdict]: {
      Type: "Choice",
      Choices: [
        { Variable: `${slot}.status`, StringEquals: "passed", Next: next },
        { Variable: `${slot}.status`, StringEquals: "unavailable", Next: ENDS.unavailable },
      ],
      Default: ENDS.failed,
    },
  });
}

/** Every check in registry order, then the ends that route back to the run in progress. */
export function checks(t: Tasks): Fragment {
  const parts = ALL_CHECKS.map((check, i) => {
    const following = ALL_CHECKS[i + 1];
    return oneCheck(t, check, following ? checkStates(following).configured : ENDS.passed);
  });
  const back = (end: keyof RunExits) => ({
    Type: "Choice" as const,
    Choices: [{ Variable: "$.current.run", StringEquals: "first", Next: runStates(1)[end] }],
    Default: runStates(2)[end],
  });
  const states = Object.assign({}, ...parts.map((p) => p.states), {
    [ENDS.passed]: back("passed"),
    [ENDS.failed]: back("failed"),
    [ENDS.unavailable]: back("unavailable"),
  });
  return { start: checkStates(ALL_CHECKS[0] as AnyCheck).configured, states };
}
