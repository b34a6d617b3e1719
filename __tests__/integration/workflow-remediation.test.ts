import { CHECKS, type CheckName } from "../../contract/checks";
import type { ChatEvent } from "../../contract/notifications";
import type { NotificationEvent, RestartEvent } from "../../contract/workflow";
import { parseNotificationEvent } from "../../functions/shared/message";
import type { FunctionName } from "../../stacks/function-catalog";
import {
  buildDefinition,
  METRICS,
  machineTimeoutSeconds,
  NOTIFICATION_FAILED_ERROR,
  RECORD_STATES,
  STATE,
  taskTimeoutSeconds,
} from "../../stacks/workflow";
import {
  BACK_ONLINE,
  CLOCK_START,
  checkResult,
  FakeLockTable,
  FUNCTION_NAMES_AS_DEPLOYED,
  failsOnce,
  firstCallThen,
  IMPAIRED,
  INITIALIZING,
  INSTANCE_ID as INSTANCE,
  instanceSettings,
  type LambdaHandler,
  namedError,
  PENDING,
  type RunResult,
  remediate,
  restartCalls,
  STOPPED,
  STOPPING,
  throwing,
  workflowInput,
} from "../../testkit/workflow-harness";

const ORDER = CHECKS.map((c) => c.name);
const CHECK_FN = Object.fromEntries(CHECKS.map((c) => [c.name, c.functionName])) as Record<
  CheckName,
  FunctionName
>;
const NOT_RUN = { status: "not-run", reason: "an earlier check did not pass" };
const PASSED = { status: "passed", reason: "ok", durationMs: 12 };

/** The one call of `fn` for `event` (chat hears several events per execution). */
function notification(run: RunResult, fn: "notify-chat" | "escalate", event?: ChatEvent): NotificationEvent {
  const calls = run
    .callsTo(fn)
    .filter((c) => event === undefined || (c.payload as NotificationEvent).event === event);
  expect(calls).toHaveLength(1);
  return calls[0]?.payload as NotificationEvent;
}

const chatEvents = (run: RunResult) =>
  run.callsTo("notify-chat").map((c) => (c.payload as NotificationEvent).event);
const restarts = restartCalls;
const restartActions = (run: RunResult) => restarts(run).map((c) => (c.payload as RestartEvent).action);
const released = (run: RunResult) => run.lockTable.get(INSTANCE)?.lockedBy === undefined;
const metric = (run: RunResult, name: string) =>
  run.metrics.flatMap((m) => m.data).find((d) => d.name === name);

/** notify-chat failing with the Lambda error `error` for the events `fails` picks, delivering the rest. */
const chatFailing =
  (fails: (event: ChatEvent) => boolean, error: string, message: string): LambdaHandler =>
  (event) => {
    if (fails((event as NotificationEvent).event)) throw namedError(error, message);
    return { delivered: true, target: "slack", statusCode: 200 };
  };

/** restart-instance with a fixed lock plan and restart time; `restart` answers each restart action. */
const restartInstance =
  (restart: (action: string) => unknown): LambdaHandler =>
  (event) => {
    const { action } = event as { action: string };
    if (action === "plan")
      return { lockExpiresAt: "2030-01-01T01:00:00.000Z", cooldownSince: "2029-12-31T23:30:00.000Z" };
    if (action === "elapsed") return { seconds: 42 };
    return restart(action);
  };

/** The URL fails in run 1; after the reboot the instance is impaired once, then back. */
const urlBackAfterImpaired = () =>
  remediate({ lambdas: { "url-check": failsOnce("url") }, ec2Statuses: [IMPAIRED, BACK_ONLINE] });

describe("workflow: run 1 healthy", () => {
  it("ends healthy when every check passes, tells nobody, restarts nothing and counts the execution", async () => {
    const run = await remediate();

    expect(run.status).toBe("SUCCEEDED");
    expect(run.output).toEqual({
      outcome: "healthy",
      instanceId: INSTANCE,
      region: "eu-west-1",
      runs: { first: Object.fromEntries(ORDER.map((c) => [c, PASSED])) },
    });
    expect(run.calls.map((c) => c.fn)).toEqual(["restart-instance", ...ORDER.map((c) => CHECK_FN[c])]);
    expect(restarts(run)).toEqual([]);
    expect(run.polls).toBe(0);
    expect(released(run)).toBe(true);
    expect(run.metrics).toEqual([
      {
        namespace: METRICS.namespace,
        data: [
          {
            name: "Executions",
            value: 1,
            unit: "Count",
            dimensions: { region: "eu-west-1", instance: INSTANCE, outcome: "healthy" },
          },
          {
            name: "Restarts",
            value: 0,
            unit: "Count",
            dimensions: { region: "eu-west-1", instance: INSTANCE, outcome: "healthy" },
          },
        ],
      },
    ]);
  });

  it("sends each check its own settings as a CheckEvent", async () => {
    const settings = instanceSettings();
    const run = await remediate({ input: workflowInput(settings) });

    for (const check of ORDER) {
      expect(run.callsTo(CHECK_FN[check])[0]?.payload).toEqual({
        instanceId: INSTANCE,
        region: "eu-west-1",
        settings: settings[check],
      });
    }
  });

  it("reports unconfigured checks as skipped and never calls them", async () => {
    const run = await remediate({
      input: workflowInput(instanceSettings({ route53: undefined, ssh: undefined, tcp: undefined })),
    });

    expect(run.output?.outcome).toBe("healthy");
    expect(run.output?.runs?.first).toEqual({
      url: PASSED,
      route53: { status: "skipped", reason: "not configured" },
      ssh: { status: "skipped", reason: "not configured" },
      tcp: { status: "skipped", reason: "not configured" },
    });
    expect(run.callsTo("route53-check")).toEqual([]);
    expect(run.callsTo("ssh-check")).toEqual([]);
    expect(run.callsTo("tcp-check")).toEqual([]);
  });

  it("retries a transient Lambda error and then uses the check's answer", async () => {
    const run = await remediate({
      lambdas: { "url-check": firstCallThen(throwing("Lambda.ServiceException"), () => checkResult("url")) },
    });

    expect(run.output?.outcome).toBe("healthy");
    expect(run.callsTo("url-check")).toHaveLength(2);
  });
});

describe("workflow: restart and recover", () => {
  it.each(ORDER)(
    "recovers when the %s check fails, the reboot brings the instance back and run 2 passes",
    async (failing) => {
      const run = await remediate({
        lambdas: { [CHECK_FN[failing]]: failsOnce(failing) },
        ec2Statuses: [INITIALIZING, BACK_ONLINE],
      });

      expect(run.status).toBe("SUCCEEDED");
      expect(run.output?.outcome).toBe("recovered");
      expect(run.output?.reason).toBeUndefined();
      const at = ORDER.indexOf(failing);
      expect(run.output?.runs?.first).toEqual(
        Object.fromEntries(
          ORDER.map((c, i) => [
            c,
            i < at
              ? PASSED
              : i === at
                ? { status: "failed", reason: `${failing} down`, durationMs: 40 }
                : NOT_RUN,
          ]),
        ),
      );
      expect(Object.values(run.output?.runs?.second ?? {}).map((o) => o.status)).toEqual(
        ORDER.map(() => "passed"),
      );
      expect(restartActions(run)).toEqual(["reboot"]);
      expect(restarts(run)[0]?.payload).toEqual({
        instanceId: INSTANCE,
        region: "eu-west-1",
        action: "reboot",
      });
      expect(run.polls).toBe(2);
      expect(run.callsTo("escalate")).toEqual([]);
      expect(chatEvents(run)).toEqual(["restarting", "recovered"]);
      expect(released(run)).toBe(true);
    },
  );

  it("tells chat with NotificationEvents the notifiers accept: restarting before the restart, recovered after", async () => {
    const run = await urlBackAfterImpaired();
    const restarting = notification(run, "notify-chat", "restarting");
    const recovered = notification(run, "notify-chat", "recovered");
    const context = {
      alarmName: `first-line-eu-west-1-cpu-${INSTANCE}`,
      executionArn: run.executionArn,
      notifications: instanceSettings().notifications,
    };

    expect(restarting).toEqual({
      event: "restarting",
      report: { instanceId: INSTANCE, region: "eu-west-1", runs: { first: run.output?.runs?.first } },
      context,
    });
    expect(recovered).toEqual({ event: "recovered", report: run.output, context });
    expect(parseNotificationEvent(restarting)).toEqual(restarting);
    expect(parseNotificationEvent(recovered)).toEqual(recovered);
    const restart = run.output?.restart;
    expect(restart?.method).toBe("reboot");
    expect(Date.parse(restart?.backOnlineAt ?? "")).toBeGreaterThan(Date.parse(restart?.requestedAt ?? ""));
    expect(run.states.indexOf("Notify chat: restarting")).toBeLessThan(run.states.indexOf(STATE.reboot));
  });

  it("counts the restart and how long it took in the outcome metrics", async () => {
    const run = await urlBackAfterImpaired();
    const { requestedAt = "", backOnlineAt = "" } = run.output?.restart ?? {};

    expect(metric(run, "Executions")).toMatchObject({ value: 1, dimensions: { outcome: "recovered" } });
    expect(metric(run, "Restarts")).toMatchObject({ value: 1 });
    expect(metric(run, "RestartSeconds")).toMatchObject({
      value: Math.round((Date.parse(backOnlineAt) - Date.parse(requestedAt)) / 1000),
      unit: "Seconds",
    });
  });

  it("waits the settle time after the reboot before polling", async () => {
    const run = await remediate({ lambdas: { "url-check": failsOnce("url") } });
    const index = (name: string) => run.states.indexOf(name);

    expect(index("Reboot instance")).toBeGreaterThan(-1);
    expect(index("Wait for settle")).toBe(index("Reboot instance") + 1);
    expect(index("Poll instance status")).toBeGreaterThan(index("Wait for settle"));
  });

  it("records the restart time in the lock item, where the next alarm's cooldown finds it", async () => {
    const table = new FakeLockTable();
    const run = await remediate({ lockTable: table, lambdas: { "url-check": failsOnce("url") } });

    expect(table.get(INSTANCE)).toEqual({ instanceId: INSTANCE, lastRestartAt: expect.any(String) });
    expect(Date.parse(table.get(INSTANCE)?.lastRestartAt ?? "")).toBeLessThanOrEqual(
      Date.parse(run.output?.restart?.requestedAt ?? ""),
    );
  });

  it("stops, polls until stopped, starts, then polls until back for a stop-start instance", async () => {
    const settings = instanceSettings({ restart: { ...instanceSettings().restart, method: "stop-start" } });
    const run = await remediate({
      input: workflowInput(settings),
      lambdas: { "ssh-check": failsOnce("ssh") },
      ec2Statuses: [
        STOPPING,
        STOPPED,
        PENDING,
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
    const run = await remediate({
      lambdas: {
        "url-check": failsOnce("url"),
        "restart-instance": restartInstance((action) => {
          calls += 1;
          if (calls <= 2) throw namedError("RestartThrottled", "EC2 throttled the reboot");
          return { instanceId: INSTANCE, action, accepted: true };
        }),
      },
    });

    expect(run.output?.outcome).toBe("recovered");
    expect(restartActions(run)).toEqual(["reboot", "reboot", "reboot"]);
  });

  it("restarts and recovers even when the restarting notice cannot be delivered (best effort)", async () => {
    const run = await remediate({
      lambdas: {
        "url-check": failsOnce("url"),
        "notify-chat": chatFailing((e) => e === "restarting", "DeliveryFailed", "chat 503"),
      },
    });

    expect(run.status).toBe("SUCCEEDED");
    expect(run.output?.outcome).toBe("recovered");
    expect(restartActions(run)).toEqual(["reboot"]);
    // Not retried beyond Lambda's own errors: one attempt, then on with the restart.
    expect(chatEvents(run)).toEqual(["restarting", "recovered"]);
  });
});

describe("workflow: checks that do not answer properly count as failed", () => {
  it("counts a check that throws as failed and restarts", async () => {
    const run = await remediate({
      lambdas: {
        "route53-check": firstCallThen(
          () => {
            throw new TypeError("Cannot read properties of undefined");
          },
          () => checkResult("route53"),
        ),
      },
    });

    expect(run.output?.runs?.first?.route53).toEqual({
      status: "failed",
      reason: "check did not complete: TypeError",
    });
    expect(run.output?.runs?.first?.ssh.status).toBe("not-run");
    expect(run.callsTo("route53-check")).toHaveLength(2);
    expect(restartActions(run)).toEqual(["reboot"]);
    expect(run.output?.outcome).toBe("recovered");
  });

  it("counts a check that outlives its task timeout as failed (States.Timeout)", async () => {
    const quick = buildDefinition({
      functionNames: FUNCTION_NAMES_AS_DEPLOYED,
      lockTableName: new FakeLockTable().tableName,
      timeoutSeconds: machineTimeoutSeconds([]),
      taskTimeoutSeconds: { ...taskTimeoutSeconds([]), "url-check": 1 },
    });
    const run = await remediate({
      definition: quick,
      lambdas: {
        "url-check": firstCallThen(
          () => new Promise<never>(() => undefined),
          () => checkResult("url"),
        ),
      },
    });

    expect(run.output?.runs?.first?.url).toEqual({
      status: "failed",
      reason: "check did not complete: States.Timeout",
    });
    expect(run.callsTo("url-check")).toHaveLength(2);
    expect(restartActions(run)).toEqual(["reboot"]);
  });

  it.each([
    ["a string", "ok"],
    ["null", null],
    ["the first release's passed flag", { passed: true, reason: "ok", durationMs: 1 }],
    ["an unknown status", { status: "great", reason: "ok", durationMs: 1 }],
    ["no reason", { status: "passed", durationMs: 1 }],
    ["no duration", { status: "passed", reason: "ok" }],
    ["an array", [true]],
  ])("counts garbage output (%s) as failed, never as passed", async (_label, garbage) => {
    const run = await remediate({
      lambdas: {
        "url-check": firstCallThen(
          () => garbage,
          () => checkResult("url"),
        ),
      },
    });

    expect(run.output?.runs?.first?.url).toEqual({
      status: "failed",
      reason: "check returned unusable output",
    });
    expect(restartActions(run)).toEqual(["reboot"]);
  });
});

describe("workflow: a check that could not ask never restarts the instance (DESIGN §3.6)", () => {
  it.each([
    "Lambda.TooManyRequestsException",
    "Lambda.ServiceException",
    "Lambda.ResourceNotReadyException",
    "Lambda.EC2ThrottledException",
    "Lambda.ENILimitReachedException",
    "Lambda.SubnetIPAddressLimitReachedException",
  ])("escalates check-unavailable without restarting when Lambda keeps answering %s", async (error) => {
    const run = await remediate({ lambdas: { "ssh-check": throwing(error, "not now") } });

    expect(run.status).toBe("SUCCEEDED");
    expect(run.output).toMatchObject({ outcome: "escalated", reason: "check-unavailable" });
    expect(run.callsTo("ssh-check")).toHaveLength(4);
    expect(run.output?.runs?.first?.ssh).toEqual({ status: "unavailable", reason: `Lambda: ${error}` });
    expect(run.output?.runs?.first?.tcp).toEqual(NOT_RUN);
    expect(restarts(run)).toEqual([]);
    expect(run.polls).toBe(0);
    expect(notification(run, "escalate").report.reason).toBe("check-unavailable");
    expect(chatEvents(run)).toEqual(["escalated"]);
    expect(released(run)).toBe(true);
  });

  it.each([
    ["route53", "Route 53 API: GetHealthCheckStatus of abc failed: throttled (Throttling) after 3 attempts"],
    ["ssh", "Secrets Manager: secret first-line/ssh-key in eu-west-1 could not be read: access denied"],
    ["tcp", "EC2 DescribeInstances: lookup of i-0123456789abcdef0 failed: throttled (RequestLimitExceeded)"],
  ] as const)(
    "escalates check-unavailable without restarting when the %s check could not ask",
    async (check, reason) => {
      const run = await remediate({
        lambdas: { [CHECK_FN[check]]: () => checkResult(check, "unavailable", reason, 900) },
      });

      expect(run.output).toMatchObject({ outcome: "escalated", reason: "check-unavailable" });
      expect(run.output?.runs?.first?.[check]).toEqual({ status: "unavailable", reason, durationMs: 900 });
      expect(restarts(run)).toEqual([]);
      expect(run.lockTable.get(INSTANCE)?.lastRestartAt).toBeUndefined();
    },
  );

  it("escalates check-unavailable after the restart when a check could not ask in run 2", async () => {
    const run = await remediate({
      lambdas: {
        "url-check": firstCallThen(
          () => checkResult("url", "failed", "HTTP 503"),
          () => checkResult("url", "unavailable", "Lambda: Lambda.ServiceException"),
        ),
      },
    });

    expect(run.output).toMatchObject({ outcome: "escalated", reason: "check-unavailable" });
    expect(run.output?.runs?.second?.url.status).toBe("unavailable");
    expect(restartActions(run)).toEqual(["reboot"]);
  });
});

describe("workflow: escalations", () => {
  it("escalates checks-failed-after-restart when run 2 fails too, paging first and telling chat second", async () => {
    const run = await remediate({
      lambdas: { "url-check": () => checkResult("url", "failed", "HTTP 503", 30) },
    });
    const event = notification(run, "escalate");

    expect(run.output?.outcome).toBe("escalated");
    expect(run.output?.reason).toBe("checks-failed-after-restart");
    expect(run.output?.runs?.second).toEqual({
      url: { status: "failed", reason: "HTTP 503", durationMs: 30 },
      route53: NOT_RUN,
      ssh: NOT_RUN,
      tcp: NOT_RUN,
    });
    expect(restartActions(run)).toEqual(["reboot"]);
    expect(event).toMatchObject({
      event: "escalated",
      report: {
        outcome: "escalated",
        reason: "checks-failed-after-restart",
        runs: run.output?.runs,
        restart: { method: "reboot" },
      },
      context: { executionArn: run.executionArn },
    });
    expect(parseNotificationEvent(event)).toEqual(event);
    const order = run.calls.filter((c) => c.fn === "escalate" || c.fn === "notify-chat").map((c) => c.state);
    expect(order).toEqual(["Notify chat: restarting", STATE.page, "Notify chat: escalated"]);
    expect(released(run)).toBe(true);
  });

  it("escalates restart-failed when EC2 rejects the reboot, without retrying it or running the checks again", async () => {
    const run = await remediate({
      lambdas: {
        "url-check": failsOnce("url"),
        "restart-instance": restartInstance(throwing("RestartRejected", "IncorrectInstanceState")),
      },
    });
    const event = notification(run, "escalate");

    expect(run.output?.outcome).toBe("escalated");
    expect(run.output?.reason).toBe("restart-failed");
    expect(restartActions(run)).toEqual(["reboot"]);
    expect(run.callsTo("url-check")).toHaveLength(1);
    expect(run.output?.runs?.second).toBeUndefined();
    expect(run.polls).toBe(0);
    expect(event.report.reason).toBe("restart-failed");
    expect(event.report.restart).toBeUndefined();
    expect(parseNotificationEvent(event)).toEqual(event);
    expect(metric(run, "Restarts")).toMatchObject({ value: 0 });
    expect(released(run)).toBe(true);
  });

  it("escalates not-back-in-time after exactly maxPolls polls", async () => {
    const settings = instanceSettings({
      restart: { ...instanceSettings().restart, maxPolls: 4, maxWaitSeconds: 60 },
    });
    const run = await remediate({
      input: workflowInput(settings),
      lambdas: { "url-check": failsOnce("url") },
      ec2Statuses: [IMPAIRED],
    });
    const event = notification(run, "escalate");

    expect(run.output?.outcome).toBe("escalated");
    expect(run.output?.reason).toBe("not-back-in-time");
    expect(run.polls).toBe(4);
    expect(run.states.filter((s) => s === "Wait before status poll")).toHaveLength(3);
    expect(run.callsTo("url-check")).toHaveLength(1);
    expect(event.report.restart).toEqual({ method: "reboot", requestedAt: expect.any(String) });
    expect(metric(run, "Restarts")).toMatchObject({ value: 1 });
    expect(metric(run, "RestartSeconds")).toBeUndefined();
    expect(released(run)).toBe(true);
  });

  it("escalates not-back-in-time when a stop-start instance never reaches stopped, without starting it", async () => {
    const settings = instanceSettings({
      restart: { ...instanceSettings().restart, method: "stop-start", maxPolls: 3, maxWaitSeconds: 45 },
    });
    const run = await remediate({
      input: workflowInput(settings),
      lambdas: { "url-check": failsOnce("url") },
      ec2Statuses: [STOPPING],
    });

    expect(run.output?.reason).toBe("not-back-in-time");
    expect(run.polls).toBe(3);
    expect(restartActions(run)).toEqual(["stop"]);
  });

  it("counts a failing poll as a poll that did not see the instance back", async () => {
    const run = await remediate({
      lambdas: { "url-check": failsOnce("url") },
      ec2Statuses: [{ error: "Ec2.RequestLimitExceeded" }, BACK_ONLINE],
    });

    expect(run.output?.outcome).toBe("recovered");
    expect(run.polls).toBe(2);
  });
});

describe("workflow: who chat tells (notifications.chatOn)", () => {
  const withChatOn = (chatOn: ChatEvent[]) =>
    workflowInput(instanceSettings({ notifications: { ...instanceSettings().notifications, chatOn } }));

  it("tells chat only of recoveries for a configuration still on the first release's keys", async () => {
    const recovered = await remediate({
      input: withChatOn(["recovered"]),
      lambdas: { "url-check": failsOnce("url") },
    });
    const escalated = await remediate({
      input: withChatOn(["recovered"]),
      lambdas: { "url-check": () => checkResult("url", "failed", "HTTP 503") },
    });

    expect(chatEvents(recovered)).toEqual(["recovered"]);
    expect(chatEvents(escalated)).toEqual([]);
    expect(escalated.callsTo("escalate")).toHaveLength(1);
  });

  it("tells chat nothing when chatOn is empty, and still pages", async () => {
    const run = await remediate({
      input: withChatOn([]),
      lambdas: { "url-check": () => checkResult("url", "failed", "HTTP 503") },
    });

    expect(chatEvents(run)).toEqual([]);
    expect(run.callsTo("escalate")).toHaveLength(1);
    expect(run.status).toBe("SUCCEEDED");
  });
});

describe("workflow: paused (DESIGN §3.10)", () => {
  const inMinutes = (n: number) => new Date(Date.parse(CLOCK_START) + n * 60_000).toISOString();
  /** A lock table holding the instance's pause item, as `pause` or an operator by hand wrote it. */
  const pausedTable = (item: Record<string, string>) => {
    const table = new FakeLockTable();
    table.seed(`pause#${INSTANCE}`, item);
    return table;
  };

  it("ends paused during a live pause: no lock, no check, no restart, chat not told by default", async () => {
    const table = pausedTable({ pausedUntil: inMinutes(120), reason: "kernel upgrade", pausedBy: "alice" });

    const run = await remediate({
      lockTable: table,
      lambdas: { "url-check": () => checkResult("url", "failed", "HTTP 503") },
    });

    expect(run.status).toBe("SUCCEEDED");
    expect(run.output).toEqual({
      outcome: "paused",
      instanceId: INSTANCE,
      region: "eu-west-1",
      runs: {},
      pause: { pausedUntil: inMinutes(120), reason: "kernel upgrade", pausedBy: "alice" },
    });
    expect(run.calls).toEqual([]);
    expect(table.writes).toEqual([]);
    expect(table.get(INSTANCE)).toBeUndefined();
    expect(metric(run, "Executions")).toMatchObject({ dimensions: { outcome: "paused" } });
  });

  it("tells chat of the pause when chatOn includes paused, and a failing notice changes nothing", async () => {
    const table = pausedTable({ pausedUntil: inMinutes(5), reason: "maintenance", pausedBy: "bob" });
    const settings = instanceSettings({
      notifications: { ...instanceSettings().notifications, chatOn: ["paused", "recovered"] },
    });

    const run = await remediate({
      input: workflowInput(settings),
      lockTable: table,
      lambdas: { "notify-chat": throwing("DeliveryFailed", "chat 503") },
    });

    expect(run.status).toBe("SUCCEEDED");
    expect(run.output?.outcome).toBe("paused");
    expect(chatEvents(run)).toEqual(["paused"]);
    expect(parseNotificationEvent(notification(run, "notify-chat", "paused")).report.pause?.reason).toBe(
      "maintenance",
    );
  });

  it("honours a pause written by hand without reason or author", async () => {
    const run = await remediate({ lockTable: pausedTable({ pausedUntil: inMinutes(30) }) });

    expect(run.output).toMatchObject({ outcome: "paused", pause: { pausedUntil: inMinutes(30) } });
    expect(run.calls).toEqual([]);
  });

  it.each([
    ["an expired pause", { pausedUntil: inMinutes(-1), reason: "done", pausedBy: "alice" }],
    ["a pause whose expiry is not a time", { pausedUntil: "tomorrow", reason: "?", pausedBy: "alice" }],
  ])("ignores %s and remediates", async (_label, item) => {
    const table = pausedTable(item);

    const run = await remediate({ lockTable: table, lambdas: { "url-check": failsOnce("url") } });

    expect(run.output?.outcome).toBe("recovered");
    expect(restartActions(run)).toEqual(["reboot"]);
    // Lock writes never touch the pause item.
    expect(table.get(`pause#${INSTANCE}`)).toEqual({ instanceId: `pause#${INSTANCE}`, ...item });
  });
});

describe("workflow: notifiers down", () => {
  it("fails the execution after chat retries run out, having released the lock", async () => {
    const table = new FakeLockTable();
    const run = await remediate({
      lockTable: table,
      lambdas: {
        "url-check": failsOnce("url"),
        "notify-chat": chatFailing((e) => e !== "restarting", "DeliveryFailed", "Slack answered 503"),
      },
    });

    expect(run.status).toBe("FAILED");
    expect(run.error).toBe(NOTIFICATION_FAILED_ERROR);
    expect(chatEvents(run)).toEqual(["restarting", "recovered", "recovered", "recovered", "recovered"]);
    expect(run.callsTo("escalate")).toEqual([]);
    expect(run.states.slice(-3)).toEqual([RECORD_STATES.back, STATE.delivered, STATE.notificationFailed]);
    expect(table.get(INSTANCE)).toEqual({ instanceId: INSTANCE, lastRestartAt: expect.any(String) });
  });

  it.each(["InvalidInput", "DeliveryRejected"])(
    "does not retry a notifier that answers %s",
    async (error) => {
      const run = await remediate({
        lambdas: {
          "url-check": failsOnce("url"),
          "notify-chat": chatFailing((e) => e !== "restarting", error, "refused"),
        },
      });

      expect(run.status).toBe("FAILED");
      expect(chatEvents(run)).toEqual(["restarting", "recovered"]);
      expect(released(run)).toBe(true);
    },
  );

  it("still tells chat when the pager stays down, then fails the execution", async () => {
    const run = await remediate({
      lambdas: {
        "url-check": () => checkResult("url", "failed", "HTTP 500"),
        escalate: throwing("DeliveryFailed", "OpsGenie answered 500"),
      },
    });

    expect(run.status).toBe("FAILED");
    expect(run.error).toBe(NOTIFICATION_FAILED_ERROR);
    expect(run.callsTo("escalate")).toHaveLength(4);
    expect(chatEvents(run)).toEqual(["restarting", "escalated"]);
    expect(released(run)).toBe(true);
  });

  it("never lets a failing metrics write change the outcome", async () => {
    const run = await remediate({ metricsError: "CloudWatch.ThrottlingException" });

    expect(run.status).toBe("SUCCEEDED");
    expect(run.output?.outcome).toBe("healthy");
    expect(run.metrics).toEqual([]);
  });
});
