/**
 * `npm run status` and `npm run history` against a deployed first-line on the loopback stand-in:
 * the executions are real runs of the synthesized workflow (healthy, recovered after a restart,
 * escalated, paused, failed), listed with ListExecutions/DescribeExecution through real SDK
 * calls; tables and --json as printed by the real scripts; AWS errors per region.
 */
import { history, historyTable } from "../../scripts/lib/ops/history";
import { status } from "../../scripts/lib/ops/status";
import { denyAlways, failAlways } from "../../testkit/aws-faults";
import { type FirstLineAws, type StoredExecution, useFirstLineAws } from "../../testkit/first-line-aws";
import { EXAMPLE_CONFIG as config, EXAMPLE_INSTANCES } from "../../testkit/ops-example";
import { operatorVerdicts } from "../../testkit/ops-iam";
import { runOpsInProcess, runOpsScript } from "../../testkit/ops-runner";
import { checkResult, failsOnce, namedError } from "../../testkit/workflow-harness";

jest.setTimeout(120_000);

const { eu: EU, usA: US_A, usB: US_B, au: AU } = EXAMPLE_INSTANCES;
const HOUR = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms);

let aws: FirstLineAws;
const runs: Record<string, StoredExecution> = {};
const deployed = useFirstLineAws({ config });

beforeAll(async () => {
  aws = deployed();
  runs.old = await aws.run("eu-west-1", EU, { at: ago(3 * 24 * HOUR) });
  runs.recovered = await aws.run("eu-west-1", EU, {
    at: ago(5 * HOUR),
    lambdas: { "url-check": failsOnce("url") },
  });
  runs.escalated = await aws.run("us-east-1", US_B, {
    at: ago(4 * HOUR),
    lambdas: { "ssh-check": () => checkResult("ssh", "failed", "connection refused", 15) },
    ec2Statuses: [{ state: "stopped" }, { state: "running", instanceStatus: "ok", systemStatus: "ok" }],
  });
  runs.failed = await aws.run("us-east-1", US_A, {
    at: ago(3 * HOUR),
    lambdas: {
      "url-check": failsOnce("url"),
      "notify-chat": () => {
        throw namedError("FirstLine.ChatFailed", "Slack answered 500");
      },
    },
    ec2Statuses: [{ state: "stopped" }, { state: "running", instanceStatus: "ok", systemStatus: "ok" }],
  });
  aws.table("us-east-1").seed(`pause#${US_A}`, {
    pausedUntil: new Date(Date.now() + HOUR).toISOString(),
    reason: "db migration",
    pausedBy: "alice",
  });
  runs.paused = await aws.run("us-east-1", US_A, { at: ago(HOUR) });
  aws
    .table("ap-southeast-2")
    .seed(`pause#${AU}`, { pausedUntil: ago(HOUR).toISOString(), reason: "done", pausedBy: "bob" });
  aws.table("ap-southeast-2").seed(AU, {
    lockedBy:
      "arn:aws:states:ap-southeast-2:123456789012:execution:first-line-ap-southeast-2-remediation:running-1",
    lockedAt: ago(60_000).toISOString(),
    lockExpiresAt: new Date(Date.now() + HOUR).toISOString(),
  });
});
const outputOf = (e: StoredExecution | undefined) => JSON.parse(e?.output ?? "{}") as Record<string, unknown>;

describe("the seeded executions are what the workflow really does", () => {
  it("ended as intended", () => {
    expect(outputOf(runs.old).outcome).toBe("healthy");
    expect(outputOf(runs.recovered).outcome).toBe("recovered");
    expect(outputOf(runs.escalated)).toMatchObject({
      outcome: "escalated",
      reason: "checks-failed-after-restart",
    });
    expect(runs.failed?.status).toBe("FAILED");
    expect(outputOf(runs.paused).outcome).toBe("paused");
  });
});

describe("history", () => {
  interface Row {
    region: string;
    instanceId?: string;
    executionArn: string;
    status: string;
    outcome?: string;
    reason?: string;
    restartSeconds?: number;
    pausedBy?: string;
    error?: string;
    consoleUrl: string;
  }

  it("--json lists the last 24 hours across regions, newest first, with outcome, reason, restart and console link", async () => {
    const run = await runOpsScript("history", ["--json"], aws.env());

    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.out) as { since: string; executions: Row[]; errors: unknown[] };
    expect(Date.now() - Date.parse(parsed.since)).toBeGreaterThanOrEqual(24 * HOUR);
    expect(parsed.errors).toEqual([]);
    expect(parsed.executions.map((r) => [r.region, r.instanceId, r.status, r.outcome, r.reason])).toEqual([
      ["us-east-1", US_A, "SUCCEEDED", "paused", "db migration"],
      ["us-east-1", US_A, "FAILED", undefined, "FirstLine.NotificationFailed"],
      ["us-east-1", US_B, "SUCCEEDED", "escalated", "checks-failed-after-restart"],
      ["eu-west-1", EU, "SUCCEEDED", "recovered", undefined],
    ]);
    const recovered = parsed.executions[3];
    const report = outputOf(runs.recovered) as { restart: { requestedAt: string; backOnlineAt: string } };
    expect(recovered?.restartSeconds).toBe(
      Math.round((Date.parse(report.restart.backOnlineAt) - Date.parse(report.restart.requestedAt)) / 1000),
    );
    expect(recovered?.restartSeconds).toBeGreaterThan(0);
    expect(recovered?.executionArn).toBe(runs.recovered?.executionArn);
    expect(recovered?.consoleUrl).toBe(
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${runs.recovered?.executionArn}`,
    );
    expect(parsed.executions[0]?.pausedBy).toBe("alice");
  });

  it("prints a table: one line per execution, the columns aligned", async () => {
    const run = await runOpsScript("history", ["--region", "us-east-1"], aws.env());

    expect(run).toMatchObject({ code: 0, err: "" });
    const lines = run.out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^STARTED \(UTC\) +REGION +INSTANCE +OUTCOME +REASON +RESTART +EXECUTION$/);
    expect(lines).toHaveLength(4);
    const column = (name: string) => lines[0]?.indexOf(name) ?? -1;
    const cell = (line: string, name: string) => line.slice(column(name)).split(/\s{2,}/)[0];
    expect(lines.slice(1).map((l) => [cell(l, "INSTANCE"), cell(l, "OUTCOME"), cell(l, "REASON")])).toEqual([
      [US_A, "paused", '"db migration" (alice)'],
      [US_A, "FAILED (FirstLine.NotificationFailed)", "-"],
      [US_B, "escalated", "checks-failed-after-restart"],
    ]);
    expect(lines[3]?.endsWith(runs.escalated?.executionArn ?? "?")).toBe(true);
  });

  it("--since reaches further back; --instance narrows", async () => {
    const run = await runOpsInProcess(
      "history",
      history,
      { since: "7d", instance: EU, json: true },
      { config },
    );

    const rows = (JSON.parse(run.out) as { executions: Row[] }).executions;
    expect(rows.map((r) => r.executionArn)).toEqual([runs.recovered?.executionArn, runs.old?.executionArn]);
  });

  it("says so when there is nothing in the window", async () => {
    const run = await runOpsInProcess("history", history, { region: "ap-southeast-2" }, { config });

    expect(run.out).toMatch(/^no executions since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(ap-southeast-2\)\n$/);
  });

  it("refuses an unknown instance, listing the known ones", async () => {
    const run = await runOpsScript("history", ["--instance", "i-00000000"], aws.env());

    expect(run.code).toBe(1);
    expect(run.err).toBe(
      `history: unknown instance "i-00000000"; choose one of:\n  ${AU}\n  ${EU}\n  ${US_A}\n  ${US_B}\n`,
    );
  });

  it("shows the regions that answered and names the one AWS refused (exit 3)", async () => {
    denyAlways(aws.standIn, "states", "DescribeExecution", { region: "us-east-1" });

    const run = await runOpsScript("history", ["--json"], aws.env());

    expect(run.code).toBe(3);
    const parsed = JSON.parse(run.out) as {
      executions: Row[];
      errors: { region: string; message: string }[];
    };
    expect(parsed.executions.map((r) => r.region)).toEqual(["eu-west-1"]);
    expect(parsed.errors).toEqual([
      {
        region: "us-east-1",
        message: expect.stringContaining(
          "states:DescribeExecution on arn:aws:states:us-east-1:123456789012:execution:first-line-us-east-1-remediation:",
        ),
      },
    ]);
    expect(run.err).toContain(`the operator policy's statement "FirstLineExecutionDetails" grants it`);
  });

  it("reports throttling of ListExecutions after the SDK's retries", async () => {
    failAlways(aws.standIn, "states", "ListExecutions", {
      code: "ThrottlingException",
      message: "Rate exceeded",
    });
    process.env.AWS_MAX_ATTEMPTS = "2";

    const run = await runOpsInProcess("history", history, { region: "eu-west-1" }, { config });

    expect(run.code).toBe(3);
    expect(run.err).toBe(
      "history: states:ListExecutions on arn:aws:states:eu-west-1:123456789012:stateMachine:first-line-eu-west-1-remediation (eu-west-1) was throttled by AWS on all 2 attempts the SDK made (ThrottlingException: Rate exceeded); wait a minute and run the command again (AWS_MAX_ATTEMPTS sets how often the SDK tries)\n",
    );
    expect(aws.standIn.callsTo("states", "ListExecutions")).toHaveLength(2);
  });
});

describe("status", () => {
  interface InstanceRow {
    region: string;
    instanceId: string;
    configured: boolean;
    enabled?: boolean;
    pause?: { pausedUntil: string; reason?: string; pausedBy?: string; live: boolean };
    lock?: { lockedBy?: string };
    lastRestartAt?: string;
    lastExecution?: { executionArn: string; outcome?: string; status: string };
  }

  it("--json: per region and instance the pause (live or expired), a live lock, the last restart and the last execution", async () => {
    const run = await runOpsScript("status", ["--json"], aws.env());

    expect(run.code).toBe(0);
    const rows = (JSON.parse(run.out) as { instances: InstanceRow[] }).instances;
    const by = Object.fromEntries(rows.map((r) => [r.instanceId, r]));
    expect(rows.map((r) => [r.region, r.instanceId, r.configured, r.enabled])).toEqual([
      ["ap-southeast-2", AU, true, true],
      ["eu-west-1", EU, true, true],
      ["us-east-1", US_A, true, true],
      ["us-east-1", US_B, true, true],
    ]);
    expect(by[US_A]?.pause).toEqual({
      pausedUntil: expect.any(String),
      reason: "db migration",
      pausedBy: "alice",
      live: true,
    });
    expect(by[AU]?.pause).toMatchObject({ reason: "done", live: false });
    expect(by[AU]?.lock?.lockedBy).toContain("running-1");
    expect(by[EU]?.lock).toBeUndefined();
    // The lock item's lastRestartAt, written by the workflow's own restarts.
    expect(by[EU]?.lastRestartAt).toBe(aws.table("eu-west-1").get(EU)?.lastRestartAt);
    expect(by[US_B]?.lastRestartAt).toBe(aws.table("us-east-1").get(US_B)?.lastRestartAt);
    expect(by[EU]?.lastExecution).toMatchObject({
      executionArn: runs.recovered?.executionArn,
      outcome: "recovered",
    });
    expect(by[US_A]?.lastExecution).toMatchObject({
      executionArn: runs.paused?.executionArn,
      outcome: "paused",
    });
    expect(by[US_B]?.lastExecution).toMatchObject({ outcome: "escalated" });
    expect(by[AU]?.lastExecution).toBeUndefined();
  });

  it("prints a table", async () => {
    const run = await runOpsScript("status", ["--region", "us-east-1"], aws.env());

    expect(run).toMatchObject({ code: 0, err: "" });
    const lines = run.out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^REGION +INSTANCE +RULE +PAUSE +LOCK +LAST RESTART +LAST EXECUTION$/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^us-east-1 +${US_A} +on +until \\S+ \\S+Z \\(in .*\\) by alice: "db migration" +- +\\S+ \\S+Z \\(.* ago\\) +paused \\("db migration"\\), `,
      ),
    );
    expect(lines[2]).toMatch(
      new RegExp(`^us-east-1 +${US_B} +on +- +- +.* ago\\) +escalated \\(checks-failed-after-restart\\), `),
    );
  });

  it("shows an expired pause as ignored and a live lock by execution name", async () => {
    const run = await runOpsInProcess("status", status, { region: "ap-southeast-2" }, { config });

    expect(run.out).toContain("expired ");
    expect(run.out).toContain("(ignored; resume removes it)");
    expect(run.out).toContain("held by running-1 since");
    expect(run.out).toContain("none in the last 100 executions");
  });

  it("lists items of an instance no longer configured", async () => {
    aws.table("eu-west-1").seed("i-0deadbeefdeadbeef", { lastRestartAt: "2030-01-01T00:00:00.000Z" });

    const run = await runOpsInProcess("status", status, { region: "eu-west-1", json: true }, { config });

    const rows = (JSON.parse(run.out) as { instances: InstanceRow[] }).instances;
    expect(rows.map((r) => [r.instanceId, r.configured])).toEqual([
      [EU, true],
      ["i-0deadbeefdeadbeef", false],
    ]);
    aws.table("eu-west-1").deleteItem({
      TableName: "first-line-eu-west-1-locks",
      Key: { instanceId: { S: "i-0deadbeefdeadbeef" } },
    });
  });

  it("names the region AWS refused and still shows the others (exit 3)", async () => {
    denyAlways(aws.standIn, "dynamodb", "Scan", { region: "eu-west-1" });

    const run = await runOpsInProcess("status", status, {}, { config });

    expect(run.code).toBe(3);
    expect(run.out).not.toContain("eu-west-1");
    expect(run.out).toContain(US_A);
    expect(run.err).toBe(
      `status: dynamodb:Scan on first-line-eu-west-1-locks (eu-west-1) was refused (AccessDeniedException: not authorized to perform: dynamodb:Scan); the operator policy's statement "FirstLinePauses" grants it (README "On call", "IAM for operators")\n`,
    );
  });

  it("refuses an unknown instance and an unknown region", async () => {
    const instance = await runOpsInProcess(
      "status",
      status,
      { region: "eu-west-1", instance: US_A },
      { config },
    );
    const region = await runOpsInProcess("status", status, { region: "mars-north-1" }, { config });

    expect(instance).toMatchObject({
      code: 1,
      err: `status: unknown instance "${US_A}" in eu-west-1; choose one of:\n  ${EU}\n`,
    });
    expect(region).toMatchObject({
      code: 1,
      err: expect.stringContaining('status: unknown region "mars-north-1"'),
    });
  });
});

describe("both", () => {
  it("call only what the README's operator policy allows", async () => {
    await runOpsInProcess("status", status, {}, { config });
    await runOpsInProcess("history", history, { since: "7d" }, { config });

    const verdicts = await operatorVerdicts(aws.standIn.calls, aws.standIn, config.stackName);

    expect(verdicts.length).toBeGreaterThan(5);
    expect(verdicts.filter((v) => !v.endsWith(": Allowed"))).toEqual([]);
    expect(new Set(verdicts.map((v) => v.split(" ")[0]))).toEqual(
      new Set(["dynamodb:Scan", "states:ListExecutions", "states:DescribeExecution"]),
    );
  });

  it("historyTable adds an account column only with accounts", () => {
    const row = {
      account: "prod",
      region: "eu-west-1",
      name: "n",
      executionArn: "arn",
      status: "RUNNING",
      startedAt: "2030-01-01T00:00:00.000Z",
      consoleUrl: "url",
    };
    expect(historyTable([row]).split("\n")[1]).toMatch(
      /^2030-01-01 00:00:00Z +prod +eu-west-1 +- +running +- +- +url$/,
    );
  });
});
