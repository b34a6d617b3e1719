import type { ElapsedEvent, PlanEvent } from "../../contract/workflow";
import { elapsedSeconds, planWindows } from "../../functions/restart-instance/restart";
import { INVALID_INPUT_ERROR, machineTimeoutSeconds } from "../../stacks/workflow";
import {
  CLOCK_START,
  checkResult,
  FakeLockTable,
  failsOnce,
  INSTANCE_ID as INSTANCE,
  instanceSettings,
  type RunResult,
  remediate,
  restartCalls,
  workflowInput,
} from "../../testkit/workflow-harness";

const TIMEOUT = machineTimeoutSeconds([]);
const OTHER_EXECUTION =
  "arn:aws:states:eu-west-1:123456789012:execution:first-line-eu-west-1-remediation:other";
const minutes = (n: number) => new Date(Date.parse(CLOCK_START) + n * 60_000).toISOString();

const restarts = restartCalls;
/** A lock table holding the item an earlier execution left for the instance. */
const tableWith = (item: Record<string, string>) => {
  const table = new FakeLockTable();
  table.seed(INSTANCE, item);
  return table;
};

describe("workflow lock", () => {
  it("holds a lock that expires one machine timeout after it was taken, and removes it at the end", async () => {
    const table = new FakeLockTable();
    let heldDuringCheck: Record<string, string> | undefined;
    const run = await remediate({
      lockTable: table,
      lambdas: {
        "url-check": () => {
          heldDuringCheck = table.get(INSTANCE);
          return checkResult("url");
        },
      },
    });

    const plan = run.callsTo("restart-instance")[0]?.payload as PlanEvent | undefined;
    const plannedAt = plan?.now ?? "";
    expect(heldDuringCheck).toEqual({
      instanceId: INSTANCE,
      lockedBy: run.executionArn,
      lockedAt: expect.any(String),
      lockExpiresAt: new Date(Date.parse(plannedAt) + TIMEOUT * 1000).toISOString(),
    });
    expect(table.get(INSTANCE)).toEqual({ instanceId: INSTANCE });
    expect(table.writes.map((w) => [w.update.split(" ")[0], w.applied])).toEqual([
      ["SET", true],
      ["REMOVE", true],
    ]);
  });

  it("answers already-running to an alarm that fires while a remediation holds the lock: one restart in total", async () => {
    const table = new FakeLockTable();
    let second: RunResult | undefined;
    let lockWhileSecondRan: Record<string, string> | undefined;
    const first = await remediate({
      lockTable: table,
      executionName: "first",
      lambdas: {
        "url-check": failsOnce("url"),
        "restart-instance": async (event) => {
          const e = event as { action: string };
          if (e.action === "plan") return planWindows(event as PlanEvent);
          if (e.action === "elapsed") return elapsedSeconds(event as ElapsedEvent);
          // The alarm fires again while the first execution is restarting the instance.
          second = await remediate({ lockTable: table, executionName: "second" });
          lockWhileSecondRan = table.get(INSTANCE);
          return { instanceId: INSTANCE, action: e.action, accepted: true };
        },
      },
    });

    expect(second?.status).toBe("SUCCEEDED");
    expect(second?.output).toEqual({
      outcome: "already-running",
      instanceId: INSTANCE,
      region: "eu-west-1",
      runs: {},
    });
    expect(second?.calls.map((c) => c.fn)).toEqual(["restart-instance"]);
    expect(lockWhileSecondRan?.lockedBy).toBe(first.executionArn);
    expect(first.output?.outcome).toBe("recovered");
    expect(restarts(first)).toHaveLength(1);
    expect(table.get(INSTANCE)?.lockedBy).toBeUndefined();
  });

  it("leaves a live lock of another execution untouched", async () => {
    const held = { lockedBy: OTHER_EXECUTION, lockExpiresAt: minutes(30), lockedAt: minutes(-5) };
    const table = tableWith(held);

    const run = await remediate({ lockTable: table });

    expect(run.output?.outcome).toBe("already-running");
    expect(table.get(INSTANCE)).toEqual({ instanceId: INSTANCE, ...held });
    expect(table.writes.map((w) => w.applied)).toEqual([false]);
  });

  it("ignores a stale lock left by an aborted execution and remediates", async () => {
    const table = tableWith({
      lockedBy: OTHER_EXECUTION,
      lockExpiresAt: minutes(-1),
      lockedAt: minutes(-43),
    });

    const run = await remediate({ lockTable: table, lambdas: { "url-check": failsOnce("url") } });

    expect(run.output?.outcome).toBe("recovered");
    expect(restarts(run)).toHaveLength(1);
    expect(table.get(INSTANCE)).toEqual({ instanceId: INSTANCE, lastRestartAt: expect.any(String) });
  });

  it("never restarts or releases when another execution has taken the lock over meanwhile", async () => {
    const table = new FakeLockTable();
    const theirs = { lockedBy: OTHER_EXECUTION, lockExpiresAt: minutes(40), lockedAt: minutes(1) };
    const run = await remediate({
      lockTable: table,
      lambdas: {
        "url-check": () => {
          // As if this execution had outlived its lock and another alarm's execution took it.
          table.seed(INSTANCE, theirs);
          return checkResult("url", "failed", "HTTP 502");
        },
      },
    });

    expect(run.output?.outcome).toBe("escalated");
    expect(run.output?.reason).toBe("restart-failed");
    expect(restarts(run)).toEqual([]);
    expect(table.get(INSTANCE)).toEqual({ instanceId: INSTANCE, ...theirs });
  });

  it("escalates cooldown instead of restarting again within the cooldown", async () => {
    const table = tableWith({ lastRestartAt: minutes(-10) });

    const run = await remediate({
      lockTable: table,
      lambdas: { "route53-check": () => checkResult("route53", "failed", "0 of 3 checkers healthy") },
    });

    expect(run.output?.outcome).toBe("escalated");
    expect(run.output?.reason).toBe("cooldown");
    expect(restarts(run)).toEqual([]);
    expect(run.polls).toBe(0);
    const alert = run.callsTo("escalate");
    expect(alert).toHaveLength(1);
    expect(alert[0]?.payload).toMatchObject({
      event: "escalated",
      report: { outcome: "escalated", reason: "cooldown" },
    });
    expect(table.get(INSTANCE)).toEqual({ instanceId: INSTANCE, lastRestartAt: minutes(-10) });
  });

  it("restarts again once the previous restart is older than the cooldown", async () => {
    const table = tableWith({ lastRestartAt: minutes(-31) });

    const run = await remediate({ lockTable: table, lambdas: { "url-check": failsOnce("url") } });

    expect(run.output?.outcome).toBe("recovered");
    expect(restarts(run)).toHaveLength(1);
    expect(Date.parse(table.get(INSTANCE)?.lastRestartAt ?? "")).toBeGreaterThanOrEqual(
      Date.parse(CLOCK_START),
    );
  });

  it("uses the instance's own cooldown setting", async () => {
    const settings = instanceSettings({ restart: { ...instanceSettings().restart, cooldownMinutes: 5 } });

    const run = await remediate({
      input: workflowInput(settings),
      lockTable: tableWith({ lastRestartAt: minutes(-10) }),
      lambdas: { "url-check": failsOnce("url") },
    });

    expect(run.output?.outcome).toBe("recovered");
    expect(run.callsTo("restart-instance")[0]?.payload).toMatchObject({ action: "plan", cooldownMinutes: 5 });
  });
});

describe("fake lock table (the test double the lock tests rely on)", () => {
  const update = (table: FakeLockTable, condition: string, values: Record<string, string>) =>
    table.updateItem({
      TableName: table.tableName,
      Key: { instanceId: { S: INSTANCE } },
      UpdateExpression: "SET lockedBy = :me",
      ConditionExpression: condition,
      ExpressionAttributeValues: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { S: v }])),
      ReturnValues: "ALL_NEW",
    });

  it("treats a comparison with a missing attribute as false, as DynamoDB does", () => {
    const table = new FakeLockTable();

    expect(() => update(table, "lockExpiresAt < :now", { ":me": "a", ":now": CLOCK_START })).toThrow(
      expect.objectContaining({ name: "DynamoDB.ConditionalCheckFailedException" }),
    );
    expect(table.get(INSTANCE)).toBeUndefined();
  });

  it("compares ISO instants as strings and applies the update only when the condition holds", () => {
    const table = new FakeLockTable();
    table.seed(INSTANCE, { lockExpiresAt: minutes(-1) });

    const result = update(table, "attribute_not_exists(lockExpiresAt) OR lockExpiresAt < :now", {
      ":me": "a",
      ":now": CLOCK_START,
    });

    expect(result.Attributes).toEqual({
      instanceId: { S: INSTANCE },
      lockExpiresAt: { S: minutes(-1) },
      lockedBy: { S: "a" },
    });
  });

  it("refuses an expression it does not understand instead of guessing", () => {
    expect(() => update(new FakeLockTable(), "begins_with(lockedBy, :me)", { ":me": "a" })).toThrow(
      /unsupported condition/,
    );
  });
});

describe("workflow input validation", () => {
  const good = workflowInput();
  const withInstance = (patch: Record<string, unknown>) => ({
    ...good,
    instance: { ...good.instance, ...patch },
  });
  const withRestart = (patch: Record<string, unknown>) =>
    withInstance({ restart: { ...good.instance.restart, ...patch } });
  const { instanceId: _id, ...noInstanceId } = good.instance;
  const { url: _u, route53: _r, ssh: _s, tcp: _t, ...noChecks } = good.instance;
  const { notifications: _n, ...noNotifications } = good.instance;

  it.each([
    ["an empty object", {}],
    ["the raw alarm event", { source: "aws.cloudwatch", detail: { alarmName: "x" } }],
    ["no instance id", { ...good, instance: noInstanceId }],
    ["a numeric instance id", withInstance({ instanceId: 42 })],
    ["an instance id that is not i-...", withInstance({ instanceId: "vol-0123" })],
    ["no region", withInstance({ region: null })],
    ["no check configured", { ...good, instance: noChecks }],
    ["no notification settings", { ...good, instance: noNotifications }],
    ["a settle time given as text", withRestart({ settleSeconds: "90" })],
    ["a poll budget of zero", withRestart({ maxPolls: 0 })],
    ["a negative cooldown", withRestart({ cooldownMinutes: -1 })],
    ["an unknown restart method", withRestart({ method: "terminate" })],
    ["no alarm name", { instance: good.instance }],
    [
      "an SSH check without its host keys",
      withInstance({ ssh: { ...good.instance.ssh, hostKeySha256: undefined } }),
    ],
    ["a TCP port given as text", withInstance({ tcp: { ...good.instance.tcp, port: "5432" } })],
  ])("fails with %s before any lock, call or message", async (_label, input) => {
    const table = new FakeLockTable();

    const run = await remediate({ input, lockTable: table });

    expect(run.status).toBe("FAILED");
    expect(run.error).toBe(INVALID_INPUT_ERROR);
    expect(run.cause).toContain("instance.instanceId");
    expect(run.calls).toEqual([]);
    expect(table.writes).toEqual([]);
    expect(run.states).toEqual(["Validate input", "Reject invalid input"]);
  });

  it.each([
    ["a fractional settle time", { settleSeconds: 90.5 }],
    ["a fractional poll interval", { pollSeconds: 15.25 }],
  ])(
    "fails with %s (Wait states need whole seconds) before any lock, call or message",
    async (_label, patch) => {
      const table = new FakeLockTable();

      const run = await remediate({ input: withRestart(patch), lockTable: table });

      expect(run.status).toBe("FAILED");
      expect(run.error).toBe(INVALID_INPUT_ERROR);
      expect(run.calls).toEqual([]);
      expect(table.writes).toEqual([]);
      expect(run.states).toEqual(["Validate input", "Prepare", "Whole numbers?", "Reject invalid input"]);
    },
  );
});
