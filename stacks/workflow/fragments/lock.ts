/**
 * At most one remediation per instance at a time (DESIGN §3.8): a conditional write takes the
 * lock item `<instance id>` with an expiry equal to the machine's timeout, so a lock left by an
 * aborted execution never blocks later alarms; only our own lock is ever released.
 */
import { type Fragment, fragment, NEXT } from "../fragment";
import { STATE } from "../states";
import { LOCK_KEY, type Tasks } from "../tasks";
import { LAMBDA_TRANSIENT_RETRY } from "../timeouts";

/**
 * The lock item's attributes (DESIGN §3.8): who holds it, when it was taken and when it stops
 * counting, and the last restart (kept across executions for the cooldown). The operator
 * commands read them (`npm run status`).
 */
export const LOCK_ATTRIBUTES = {
  lockedBy: "lockedBy",
  lockedAt: "lockedAt",
  lockExpiresAt: "lockExpiresAt",
  lastRestartAt: "lastRestartAt",
} as const;
const { lockedBy, lockedAt, lockExpiresAt, lastRestartAt } = LOCK_ATTRIBUTES;

const CONDITIONAL_CHECK_FAILED = "DynamoDB.ConditionalCheckFailedException";
const ME = { ":me": { "S.$": "$$.Execution.Id" } };

/** Plans the lock's expiry and the cooldown, then takes the lock; `held` when another execution has it. */
export function takeLock(t: Tasks, held: string): Fragment {
  return fragment({
    [STATE.plan]: t.lambda(
      "restart-instance",
      {
        action: "plan",
        "now.$": "$$.State.EnteredTime",
        lockSeconds: t.props.timeoutSeconds,
        "cooldownMinutes.$": "$.instance.restart.cooldownMinutes",
      },
      {
        Comment:
          "JSONPath has no time arithmetic: lock expiry = now + machine timeout, cooldown start = now - cooldown.",
        ResultSelector: {
          "lockExpiresAt.$": "$.Payload.lockExpiresAt",
          "cooldownSince.$": "$.Payload.cooldownSince",
        },
        ResultPath: "$.plan",
        Retry: [LAMBDA_TRANSIENT_RETRY],
        Next: STATE.acquire,
      },
    ),
    [STATE.acquire]: t.table(
      "updateItem",
      {
        Key: LOCK_KEY,
        UpdateExpression: `SET ${lockedBy} = :me, ${lockExpiresAt} = :expiresAt, ${lockedAt} = :now`,
        // ISO-8601 UTC strings compare in time order, so an expired lock (left by an aborted or
        // timed-out execution) is free; `lockedBy = :me` makes a retried write idempotent.
        ConditionExpression: `attribute_not_exists(${lockExpiresAt}) OR ${lockExpiresAt} < :now OR ${lockedBy} = :me`,
        ExpressionAttributeValues: {
          ...ME,
          ":expiresAt": { "S.$": "$.plan.lockExpiresAt" },
          ":now": { "S.$": "$$.State.EnteredTime" },
        },
        ReturnValues: "ALL_NEW",
      },
      {
        Comment: "Conditional UpdateItem, never PutItem: the item keeps lastRestartAt across executions.",
        ResultSelector: { "item.$": "$.Attributes" },
        ResultPath: "$.lock",
        Catch: [{ ErrorEquals: [CONDITIONAL_CHECK_FAILED], ResultPath: null, Next: STATE.alreadyRunning }],
        Next: NEXT,
      },
    ),
    [STATE.alreadyRunning]: {
      Type: "Pass",
      Comment: "Another execution holds the lock: no restart, no message, and its lock is left alone.",
      Result: "already-running",
      ResultPath: "$.report.outcome",
      Next: held,
    },
  });
}

/** Writes the restart time on our lock item, before the restart call (it counts for the cooldown even if its answer is lost). */
export function recordRestartTime(t: Tasks, failed: string): Fragment {
  return fragment({
    [STATE.recordRestart]: t.table(
      "updateItem",
      {
        Key: LOCK_KEY,
        UpdateExpression: `SET ${lastRestartAt} = :now`,
        ConditionExpression: `${lockedBy} = :me`,
        ExpressionAttributeValues: { ...ME, ":now": { "S.$": "$$.State.EnteredTime" } },
      },
      {
        Comment:
          "Written before the restart call, so even a restart whose answer got lost counts for the cooldown.",
        ResultPath: null,
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.restartError", Next: failed }],
        Next: NEXT,
      },
    ),
  });
}

/** Releases our own lock (every path that took it comes through here). */
export function releaseLock(t: Tasks): Fragment {
  return fragment({
    [STATE.release]: t.table(
      "updateItem",
      {
        Key: LOCK_KEY,
        UpdateExpression: `REMOVE ${lockedBy}, ${lockExpiresAt}, ${lockedAt}`,
        ConditionExpression: `${lockedBy} = :me`,
        ExpressionAttributeValues: ME,
      },
      {
        Comment: "Only our own lock: if it expired and another execution took it, theirs stays.",
        ResultPath: null,
        Catch: [{ ErrorEquals: [CONDITIONAL_CHECK_FAILED], ResultPath: null, Next: NEXT }],
        Next: NEXT,
      },
    ),
  });
}
