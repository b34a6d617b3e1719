/**
 * Paused (DESIGN §3.10): an operator's `pause#<instance id>` item in the lock table with a
 * `pausedUntil` still ahead ends the execution `paused` before any lock, check or restart. An
 * expired or malformed pause is ignored. Lock writes never touch the pause item.
 */
import { type Fragment, fragment, NEXT } from "../fragment";
import { STATE } from "../states";
import type { Tasks } from "../tasks";

/** Prefix of a pause item's key; the rest is the instance id. */
export const PAUSE_KEY_PREFIX = "pause#";

const UNTIL = "$.pause.Item.pausedUntil.S";

/** The report of a paused execution: written whole, as nothing else is in it yet. */
function pausedReport(pause: Record<string, string>) {
  return {
    "instanceId.$": "$.report.instanceId",
    "region.$": "$.report.region",
    runs: {},
    outcome: "paused",
    pause,
  };
}

/** Reads the pause; goes on (NEXT) when there is none in force, else records it and goes to `afterPaused`. */
export function pauseGate(t: Tasks, afterPaused: string): Fragment {
  return fragment({
    [STATE.readPause]: t.table(
      "getItem",
      {
        Key: { instanceId: { "S.$": `States.Format('${PAUSE_KEY_PREFIX}{}', $.instance.instanceId)` } },
        ConsistentRead: true,
      },
      {
        Comment: "A pause set a moment ago must hold: read it consistently.",
        ResultPath: "$.pause",
        Next: STATE.paused,
      },
    ),
    [STATE.paused]: {
      Type: "Choice",
      Choices: [
        { Not: { Variable: UNTIL, IsPresent: true }, Next: NEXT },
        { Not: { Variable: UNTIL, IsTimestamp: true }, Next: NEXT },
        {
          And: [
            { Variable: UNTIL, TimestampGreaterThanPath: "$.startedAt" },
            { Variable: "$.pause.Item.reason.S", IsPresent: true },
            { Variable: "$.pause.Item.pausedBy.S", IsPresent: true },
          ],
          Next: STATE.pausedOutcome,
        },
        { Variable: UNTIL, TimestampGreaterThanPath: "$.startedAt", Next: STATE.pausedWithoutReason },
      ],
      Default: NEXT,
    },
    [STATE.pausedOutcome]: {
      Type: "Pass",
      Comment: "No lock, no check, no restart.",
      Parameters: pausedReport({
        "pausedUntil.$": UNTIL,
        "reason.$": "$.pause.Item.reason.S",
        "pausedBy.$": "$.pause.Item.pausedBy.S",
      }),
      ResultPath: "$.report",
      Next: afterPaused,
    },
    [STATE.pausedWithoutReason]: {
      Type: "Pass",
      Comment: "A pause written by hand without reason or author still holds.",
      Parameters: pausedReport({ "pausedUntil.$": UNTIL }),
      ResultPath: "$.report",
      Next: afterPaused,
    },
  });
}
