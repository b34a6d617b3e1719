import type { CheckName, NotificationEvent, RestartEvent } from "../../contract/workflow";
import { parseNotificationEvent } from "../../functions/shared/message";
import type { FunctionName } from "../../stacks/function-catalog";
import {
  buildDefinition,
  machineTimeoutSeconds,
  NOTIFICATION_FAILED_ERROR,
  taskTimeoutSeconds,
} from "../../stacks/workflow";
import {
  BACK_ONLINE,
  checkResult,
  FakeLockTable,
  FUNCTION_NAMES_AS_DEPLOYED,
  instanceSettings,
  type LambdaHandler,
  namedError,
  type RunResult,
  runWorkflow,
  workflowInput,
} from "../../testkit/workflow-harness";

const TIMEOUT = machineTimeoutSeconds([]);
const definition = buildDefinition({
  functionNames: FUNCTION_NAMES_AS_DEPLOYED,
  lockTableName: new FakeLockTable().tableName,
  timeoutSeconds: TIMEOUT,
});
const INSTANCE = "i-0123456789abcdef0";
const CHECK_FN: Record<CheckName, FunctionName> = {
  url: "url-check",
  route53: "route53-check",
  ssh: "ssh-check",
};

/** A check that fails on its first call (run 1) and passes afterwards (run 2). */
function failsOnce(check: CheckName, reason = `${check} down`): LambdaHandler {
  let calls = 0;
  return () => (calls++ === 0 ? checkResult(check, "failed", reason, 40) : checkResult(check, "passed", "ok", 8));
}

function notification(run: RunResult, fn: "notify-chat" | "escalate"): NotificationEvent {
  const calls = run.callsTo(fn);
  expect(calls).toHaveLength(1);
  return calls[0]?.payload as NotificationEvent;
}

const restarts = (run: RunResult) =>
  run.callsTo("restart-instance").filter((c) => (c.payload as { action: string }).action !== "plan");
const restartActions = (run: RunResult) => restarts(run).map((c) => (c.payload as RestartEvent).action);
const released = (run: RunResult) => run.lockTable.get(INSTANCE)?.lockedBy === undefined;

describe("workflow: run 1 healthy", () => {
  it("ends healthy when every check passes, tells nobody and restarts nothing", async () => {
    const run = await runWorkflow({ definition, input: workflowInput() });

    expect(run.status).toBe("SUCCEEDED");
    expect(run.output).toEqual({
      outcome: "healthy",
      instanceId: INSTANCE,
      region: "eu-west-1",
      runs: {
        first: {
          url: { status: "passed", reason: "ok", durationMs: 12 },
          route53: { status: "passed", reason: "ok", durationMs: 12 },
          ssh: { status: "passed", reason: "ok", durationMs: 12 },
        },
      },
    });
    expect(run.calls.map((c) => c.fn)).toEqual([
      "restart-instance",
      "url-check",
      "route53-check",
      "ssh-check",
    ]);
    expect(restarts(run)).toEqual([]);
    expect(run.polls).toBe(0);
    expect(released(run)).toBe(true);
  });

  it("sends each check its own settings as a CheckEvent", async () => {
    const settings = instanceSettings();
    const run = await runWorkflow({ definition, input: workflowInput(settings) });

    expect(run.callsTo("route53-check")[0]?.payload).toEqual({
      instanceId: INSTANCE,
      region: "eu-west-1",
      settings: settings.route53,
    });
    expect(run.callsTo("ssh-check")[0]?.payload).toEqual({
      instanceId: INSTANCE,
      region: "eu-west-1",
      settings: settings.ssh,
    });
  });

  it("reports unconfigured checks as skipped and never calls them", async () => {
    const run = await runWorkflow({
      definition,
      input: workflowInput(instanceSettings({ route53: undefined, ssh: undefined })),
    });

    expect(run.output?.outcome).toBe("healthy");
    expect(run.output?.runs?.first).toEqual({
      url: { status: "passed", reason: "ok", durationMs: 12 },
      route53: { status: "skipped", reason: "not configured" },
      ssh: { status: "skipped", reason: "not configured" },
    });
    expect(run.callsTo("route53-check")).toEqual([]);
    expect(run.callsTo("ssh-check")).toEqual([]);
  });

  it("retries a transient Lambda error and then uses the check's answer", async () => {
    let calls = 0;
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lambdas: {
        "url-check": () => {
          calls += 1;
          if (calls === 1) throw namedError("Lambda.ServiceException");
          return checkResult("url");
        },
      },
    });

    expect(run.output?.outcome).toBe("healthy");
    expect(run.callsTo("url-check")).toHaveLength(2);
  });
});

describe("workflow: restart and recover", () => {
  it.each(["url", "route53", "ssh"] as const)(
    "recovers when the %s check fails, the reboot brings the instance back and run 2 passes",
    async (failing) => {
      const run = await runWorkflow({
        definition,
        input: workflowInput(),
        lambdas: { [CHECK_FN[failing]]: failsOnce(failing) },
        ec2Statuses: [{ state: "running", instanceStatus: "initializing", systemStatus: "ok" }, BACK_ONLINE],
      });

      expect(run.status).toBe("SUCCEEDED");
      expect(run.output?.outcome).toBe("recovered");
      expect(run.output?.reason).toBeUndefined();
      const order = ["url", "route53", "ssh"] as const;
      const at = order.indexOf(failing);
      expect(run.output?.runs?.first).toEqual(
        Object.fromEntries(
          order.map((c, i) => [
            c,
            i < at
              ? { status: "passed", reason: "ok", durationMs: 12 }
              : i === at
                ? { status: "failed", reason: `${failing} down`, durationMs: 40 }
                : { status: "not-run", reason: "an earlier check failed" },
          ]),
        ),
      );
      expect(Object.values(run.output?.runs?.second ?? {}).map((o) => o.status)).toEqual([
        "passed",
        "passed",
        "passed",
      ]);
      expect(restartActions(run)).toEqual(["reboot"]);
      expect(restarts(run)[0]?.payload).toEqual({
        instanceId: INSTANCE,
        region: "eu-west-1",
        action: "reboot",
      });
      expect(run.polls).toBe(2);
      expect(run.callsTo("escalate")).toEqual([]);
      expect(released(run)).toBe(true);
    },
  );

  it("tells Slack with a NotificationEvent the notifiers accept, timing the restart to the first ok poll", async () => {
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lambdas: { "url-check": failsOnce("url") },
      ec2Statuses: [{ state: "running", instanceStatus: "impaired", systemStatus: "ok" }, BACK_ONLINE],
    });
    const event = notification(run, "notify-chat");

    expect(event).toEqual({
      instanceId: INSTANCE,
      region: "eu-west-1",
      alarmName: `first-line-eu-west-1-cpu-${INSTANCE}`,
      executionArn: run.executionArn,
      outcome: "recovered",
      runs: run.output?.runs,
      restart: run.output?.restart,
      notifications: instanceSettings().notifications,
    });
    expect(parseNotificationEvent(event)).toEqual(event);
    const restart = run.output?.restart;
    expect(restart?.method).toBe("reboot");
    expect(Date.parse(restart?.backOnlineAt ?? "")).toBeGreaterThan(Date.parse(restart?.requestedAt ?? ""));
  });

  it("waits the settle time after the reboot before polling", async () => {
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lambdas: { "url-check": failsOnce("url") },
    });
    const index = (name: string) => run.states.indexOf(name);

    expect(index("Reboot instance")).toBeGreaterThan(-1);
    expect(index("Wait for settle")).toBe(index("Reboot instance") + 1);
    expect(index("Poll instance status")).toBeGreaterThan(index("Wait for settle"));
  });

  it("records the restart time in the lock item, where the next alarm's cooldown finds it", async () => {
    const table = new FakeLockTable();
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lockTable: table,
      lambdas: { "url-check": failsOnce("url") },
    });

    expect(table.get(INSTANCE)).toEqual({ instanceId: INSTANCE, lastRestartAt: expect.any(String) });
    expect(Date.parse(table.get(INSTANCE)?.lastRestartAt ?? "")).toBeLessThanOrEqual(
      Date.parse(run.output?.restart?.requestedAt ?? ""),
    );
  });

  it("stops, polls until stopped, starts, then polls until back for a stop-start instance", async () => {
    const settings = instanceSettings({ restart: { ...instanceSettings().restart, method: "stop-start" } });
    const run = await runWorkflow({
      definition,
      input: workflowInput(settings),
      lambdas: { "ssh-check": failsOnce("ssh") },
      ec2Statuses: [
        { state: "stopping" },
        { state: "stopped" },
        { state: "pending" },
        { state: "running", instanceStatus: "initializing", systemStatus: "initializing" },
        BACK_ONLINE,
      ],
    });
    const at = (name: string) => run.states.indexOf(name);

    expect(run.output?.outcome).toBe("recovered");
    expect(restartActions(run)).toEqual(["stop", "start"]);
    expect(run.polls).toBe(5);
    expect(run.states.filter((s) => s === "Poll until stopped")).toHaveLength(2);
    expect(run.states.filter((s) => s === "Poll instance status")).toHaveLength(3);
    expect(at("Stop instance")).toBeLessThan(at("Poll until stopped"));
    expect(at("Start instance")).toBeGreaterThan(at("Stopped?"));
    expect(at("Wait for settle")).toBeGreaterThan(at("Start instance"));
    expect(run.output?.restart?.method).toBe("stop-start");
  });

  it("retries a throttled restart and never repeats an accepted one", async () => {
    let calls = 0;
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lambdas: {
        "url-check": failsOnce("url"),
        "restart-instance": (event) => {
          const e = event as { action: string; now: string; lockSeconds: number; cooldownMinutes: number };
          if (e.action === "plan")
            return { lockExpiresAt: "2030-01-01T01:00:00.000Z", cooldownSince: "2029-12-31T23:30:00.000Z" };
          calls += 1;
          if (calls <= 2) throw namedError("RestartThrottled", "EC2 throttled the reboot");
          return { instanceId: INSTANCE, action: e.action, accepted: true };
        },
      },
    });

    expect(run.output?.outcome).toBe("recovered");
    expect(restartActions(run)).toEqual(["reboot", "reboot", "reboot"]);
  });
});

describe("workflow: checks that do not answer properly count as failed", () => {
  it("counts a check that throws as failed and restarts", async () => {
    let calls = 0;
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lambdas: {
        "route53-check": () => {
          if (calls++ === 0) throw new TypeError("Cannot read properties of undefined");
          return checkResult("route53");
        },
      },
    });

    expect(run.output?.runs?.first.route53).toEqual({
      status: "failed",
      reason: "check did not complete: TypeError",
    });
    expect(run.output?.runs?.first.ssh.status).toBe("not-run");
    expect(run.callsTo("route53-check")).toHaveLength(2);
    expect(restartActions(run)).toEqual(["reboot"]);
    expect(run.output?.outcome).toBe("recovered");
  });

  it("counts a check that outlives its task timeout as failed (States.Timeout)", async () => {
    const quick = buildDefinition({
      functionNames: FUNCTION_NAMES_AS_DEPLOYED,
      lockTableName: new FakeLockTable().tableName,
      timeoutSeconds: TIMEOUT,
      taskTimeoutSeconds: { ...taskTimeoutSeconds([]), "url-check": 1 },
    });
    let calls = 0;
    const run = await runWorkflow({
      definition: quick,
      input: workflowInput(),
      lambdas: {
        "url-check": () => (calls++ === 0 ? new Promise<never>(() => undefined) : checkResult("url")),
      },
    });

    expect(run.output?.runs?.first.url).toEqual({
      status: "failed",
      reason: "check did not complete: States.Timeout",
    });
    expect(run.callsTo("url-check")).toHaveLength(2);
    expect(restartActions(run)).toEqual(["reboot"]);
  });

  it.each([
    ["a string", "ok"],
    ["null", null],
    ["passed as a string", { passed: "true", reason: "ok", durationMs: 1 }],
    ["no reason", { status: "passed", durationMs: 1 }],
    ["no duration", { status: "passed", reason: "ok" }],
    ["an array", [true]],
  ])("counts garbage output (%s) as failed, never as passed", async (_label, garbage) => {
    let calls = 0;
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lambdas: { "url-check": () => (calls++ === 0 ? garbage : checkResult("url")) },
    });

    expect(run.output?.runs?.first.url).toEqual({
      status: "failed",
      reason: "check returned unusable output",
    });
    expect(restartActions(run)).toEqual(["reboot"]);
  });

  it("escalates check-unavailable without restarting when Lambda throttling outlasts the retries", async () => {
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lambdas: {
        "url-check": () => {
          throw namedError("Lambda.TooManyRequestsException", "Rate exceeded");
        },
      },
    });

    expect(run.output?.outcome).toBe("escalated");
    expect(run.output?.reason).toBe("check-unavailable");
    expect(run.callsTo("url-check")).toHaveLength(4);
    expect(run.output?.runs?.first.url).toEqual({
      status: "failed",
      reason: "check could not run: Lambda.TooManyRequestsException",
    });
    expect(restarts(run)).toEqual([]);
    expect(run.polls).toBe(0);
    expect(notification(run, "escalate").reason).toBe("check-unavailable");
    expect(run.callsTo("notify-chat")).toEqual([]);
    expect(released(run)).toBe(true);
  });
});

describe("workflow: escalations", () => {
  it("escalates checks-failed-after-restart when run 2 fails too, with later checks not-run", async () => {
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lambdas: { "url-check": () => checkResult("url", "failed", "HTTP 503", 30) },
    });
    const event = notification(run, "escalate");

    expect(run.output?.outcome).toBe("escalated");
    expect(run.output?.reason).toBe("checks-failed-after-restart");
    expect(run.output?.runs?.second).toEqual({
      url: { status: "failed", reason: "HTTP 503", durationMs: 30 },
      route53: { status: "not-run", reason: "an earlier check failed" },
      ssh: { status: "not-run", reason: "an earlier check failed" },
    });
    expect(restartActions(run)).toEqual(["reboot"]);
    expect(event).toMatchObject({
      outcome: "escalated",
      reason: "checks-failed-after-restart",
      executionArn: run.executionArn,
      runs: run.output?.runs,
      restart: { method: "reboot" },
    });
    expect(parseNotificationEvent(event)).toEqual(event);
    expect(run.callsTo("notify-chat")).toEqual([]);
    expect(released(run)).toBe(true);
  });

  it("escalates restart-failed when EC2 rejects the reboot, without retrying it or running the checks again", async () => {
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lambdas: {
        "url-check": failsOnce("url"),
        "restart-instance": (event) => {
          const e = event as { action: string };
          if (e.action === "plan")
            return { lockExpiresAt: "2030-01-01T01:00:00.000Z", cooldownSince: "2029-12-31T23:30:00.000Z" };
          throw namedError("RestartRejected", "IncorrectInstanceState");
        },
      },
    });
    const event = notification(run, "escalate");

    expect(run.output?.outcome).toBe("escalated");
    expect(run.output?.reason).toBe("restart-failed");
    expect(restartActions(run)).toEqual(["reboot"]);
    expect(run.callsTo("url-check")).toHaveLength(1);
    expect(run.output?.runs?.second).toBeUndefined();
    expect(run.polls).toBe(0);
    expect(event.reason).toBe("restart-failed");
    expect(event.restart).toBeUndefined();
    expect(parseNotificationEvent(event)).toEqual(event);
    expect(released(run)).toBe(true);
  });

  it("escalates not-back-in-time after exactly maxPolls polls", async () => {
    const settings = instanceSettings({
      restart: { ...instanceSettings().restart, maxPolls: 4, maxWaitSeconds: 60 },
    });
    const run = await runWorkflow({
      definition,
      input: workflowInput(settings),
      lambdas: { "url-check": failsOnce("url") },
      ec2Statuses: [{ state: "running", instanceStatus: "impaired", systemStatus: "ok" }],
    });
    const event = notification(run, "escalate");

    expect(run.output?.outcome).toBe("escalated");
    expect(run.output?.reason).toBe("not-back-in-time");
    expect(run.polls).toBe(4);
    expect(run.states.filter((s) => s === "Wait before status poll")).toHaveLength(3);
    expect(run.callsTo("url-check")).toHaveLength(1);
    expect(event.restart).toEqual({ method: "reboot", requestedAt: expect.any(String) });
    expect(released(run)).toBe(true);
  });

  it("escalates not-back-in-time when a stop-start instance never reaches stopped, without starting it", async () => {
    const settings = instanceSettings({
      restart: { ...instanceSettings().restart, method: "stop-start", maxPolls: 3, maxWaitSeconds: 45 },
    });
    const run = await runWorkflow({
      definition,
      input: workflowInput(settings),
      lambdas: { "url-check": failsOnce("url") },
      ec2Statuses: [{ state: "stopping" }],
    });

    expect(run.output?.reason).toBe("not-back-in-time");
    expect(run.polls).toBe(3);
    expect(restartActions(run)).toEqual(["stop"]);
  });

  it("counts a failing poll as a poll that did not see the instance back", async () => {
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lambdas: { "url-check": failsOnce("url") },
      ec2Statuses: [{ error: "Ec2.RequestLimitExceeded" }, BACK_ONLINE],
    });

    expect(run.output?.outcome).toBe("recovered");
    expect(run.polls).toBe(2);
  });
});

describe("workflow: notifiers down", () => {
  it("fails the execution after Slack retries run out, having released the lock", async () => {
    const table = new FakeLockTable();
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lockTable: table,
      lambdas: {
        "url-check": failsOnce("url"),
        "notify-chat": () => {
          throw namedError("DeliveryFailed", "Slack answered 503");
        },
      },
    });

    expect(run.status).toBe("FAILED");
    expect(run.error).toBe(NOTIFICATION_FAILED_ERROR);
    expect(run.callsTo("notify-chat")).toHaveLength(4);
    expect(run.callsTo("escalate")).toEqual([]);
    expect(run.states.slice(-3)).toEqual(["Release lock", "Notification delivered?", "Notification failed"]);
    expect(table.get(INSTANCE)).toEqual({ instanceId: INSTANCE, lastRestartAt: expect.any(String) });
  });

  it("does not retry a notifier that refuses its input", async () => {
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lambdas: {
        "url-check": failsOnce("url"),
        "notify-chat": () => {
          throw namedError("InvalidInput", "invalid input: runs: missing");
        },
      },
    });

    expect(run.status).toBe("FAILED");
    expect(run.callsTo("notify-chat")).toHaveLength(1);
    expect(released(run)).toBe(true);
  });

  it("fails the execution when OpsGenie stays down, having released the lock", async () => {
    const run = await runWorkflow({
      definition,
      input: workflowInput(),
      lambdas: {
        "url-check": () => checkResult("url", "failed", "HTTP 500"),
        "escalate": () => {
          throw namedError("DeliveryFailed", "OpsGenie answered 500");
        },
      },
    });

    expect(run.status).toBe("FAILED");
    expect(run.error).toBe(NOTIFICATION_FAILED_ERROR);
    expect(run.callsTo("escalate")).toHaveLength(4);
    expect(released(run)).toBe(true);
  });
});
