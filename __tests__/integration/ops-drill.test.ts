/**
 * `npm run drill` against a deployed first-line on the loopback stand-in: SetAlarmState on the
 * instance's CPU alarm (the name the construct gives it), which "EventBridge" turns into a real
 * run of the synthesized workflow; `--wait` finds that execution and follows it to its outcome.
 */
import { type DrillArgs, drill } from "../../scripts/lib/ops/drill";
import { parseConfig } from "../../stacks/config";
import { cpuAlarmName } from "../../stacks/naming";
import { awsError, ok } from "../../testkit/aws-stand-in";
import { type FirstLineAws, useFirstLineAws } from "../../testkit/first-line-aws";
import { EXAMPLE_CONFIG as config, EXAMPLE_INSTANCES, OPERATOR } from "../../testkit/ops-example";
import { operatorVerdicts } from "../../testkit/ops-iam";
import { type InProcessOptions, runOpsInProcess, runOpsScript, virtualClock } from "../../testkit/ops-runner";
import { committedExample } from "../../testkit/synth";
import { failsOnce, namedError } from "../../testkit/workflow-harness";

jest.setTimeout(120_000);

const REGION = "eu-west-1";
const { eu: EU, usB: US_B } = EXAMPLE_INSTANCES;
const ALARM = cpuAlarmName("first-line", REGION, EU);

/** How executions behave per instance; tests set it. */
let behaviour: Record<string, Parameters<FirstLineAws["run"]>[2]> = {};
let aws: FirstLineAws;
const deployed = useFirstLineAws(
  { config, behaviour: (id) => behaviour[id] ?? {}, startDelayMs: 300 },
  (a) => {
    for (const r of config.regions)
      for (const i of r.instances)
        a.setAlarmState(r.key, cpuAlarmName("first-line", r.name, i.settings.instanceId), "OK");
    a.table(REGION).deleteItem({
      TableName: "first-line-eu-west-1-locks",
      Key: { instanceId: { S: `pause#${EU}` } },
    });
  },
);
beforeAll(() => {
  aws = deployed();
});
beforeEach(() => {
  behaviour = {};
});

/** The drill command in this process, for eu-west-1's instance unless `args` say otherwise. */
const drillHere = (args: Partial<DrillArgs> = {}, options: Partial<InProcessOptions> = {}) =>
  runOpsInProcess("drill", drill, { region: REGION, instance: EU, ...args }, { config, ...options });
/** --wait, asking often so the tests need not wait the default 5 s between polls. */
const WAIT = { wait: true, "poll-seconds": "0.1" } as const;

describe("drill", () => {
  it("sets the instance's CPU alarm to ALARM, says how to follow it, and a real remediation runs", async () => {
    const run = await runOpsScript("drill", ["--region", REGION, "--instance", EU], aws.env());

    expect(run.code).toBe(0);
    expect(run.out).toBe(
      [
        `set ${ALARM} to ALARM in ${REGION} (a drill): EventBridge now starts first-line-eu-west-1-remediation for ${EU}`,
        "follow it:",
        `  npm run history -- --region ${REGION} --instance ${EU} --since 15m`,
        "  https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/statemachines/view/arn:aws:states:eu-west-1:123456789012:stateMachine:first-line-eu-west-1-remediation",
        "the alarm goes back to its real state at its next evaluation (every 300 s).",
        "",
      ].join("\n"),
    );
    const [set] = aws.standIn.callsTo("monitoring", "SetAlarmState");
    expect(set?.body).toEqual({
      AlarmName: ALARM,
      StateValue: "ALARM",
      StateReason: expect.stringMatching(new RegExp(`^first-line drill by ${OPERATOR} at \\d{4}-`)),
    });
    await aws.idle();
    const execution = aws.region(REGION).executions.at(-1);
    expect(JSON.parse(execution?.input ?? "{}")).toMatchObject({
      instance: { instanceId: EU },
      alarm: { name: ALARM },
    });
    expect(JSON.parse(execution?.output ?? "{}")).toMatchObject({ outcome: "healthy" });
  });

  it("--wait follows the execution it started to its outcome, each state on stderr (the real script)", async () => {
    behaviour[EU] = { lambdas: { "url-check": failsOnce("url") } };
    // An earlier execution of the same instance must not be taken for the drill's.
    await aws.run(REGION, EU);

    const run = await runOpsScript(
      "drill",
      ["--region", REGION, "--instance", EU, "--wait", "--poll-seconds", "0.2"],
      aws.env(),
    );

    expect(run.code).toBe(0);
    const drilled = aws.region(REGION).executions.at(-1);
    expect(run.err).toContain("drill: waiting for EventBridge to start the execution (up to 5 min 0 s)\n");
    expect(run.err).toContain(`drill: started ${drilled?.name} after `);
    const states = [...run.err.matchAll(/^drill: \+\d+ s (.*)$/gm)].map((m) => m[1]);
    expect(states).toEqual(
      drilled?.events.flatMap((e) => (e.name && e.type !== "ChoiceStateEntered" ? [e.name] : [])),
    );
    expect(states).not.toContain("Paused?");
    expect(states).toEqual(
      expect.arrayContaining(["Read pause", "Acquire lock", "Reboot instance", "Recovered"]),
    );
    expect(run.err).toMatch(/drill: SUCCEEDED, outcome recovered after \d+ s\n$/);
    const lines = run.out.trimEnd().split("\n");
    expect(lines.at(-2)).toMatch(/^STARTED \(UTC\) +REGION +INSTANCE +OUTCOME +REASON +RESTART +EXECUTION$/);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^\\S+ \\S+Z +${REGION} +${EU} +recovered +- +\\d+ s +https://.*${drilled?.name}$`),
    );
  });

  it("--wait exits 2 when the execution fails (chat unreachable)", async () => {
    behaviour[EU] = {
      lambdas: {
        "url-check": failsOnce("url"),
        "notify-chat": () => {
          throw namedError("FirstLine.ChatFailed", "Slack answered 500");
        },
      },
    };

    const run = await drillHere(WAIT);

    expect(run.code).toBe(2);
    expect(run.out).toContain("FAILED (FirstLine.NotificationFailed)");
    expect(run.err).toMatch(/drill: FAILED after \d+ s\n$/);
  });

  it("--wait gives up after 5 minutes when no execution starts, naming the rule and the dead-letter queue", async () => {
    // CloudWatch accepts the state, but nothing starts (a rule disabled by hand, say).
    aws.standIn.fail("monitoring", "SetAlarmState", ok({}));

    const run = await drillHere({ wait: true }, { clock: virtualClock() });

    expect(run.code).toBe(2);
    expect(run.err).toContain(
      `drill: no execution for ${ALARM} after 5 min 5 s: check the rule first-line-eu-west-1-${EU}-alarm and the dead-letter queue first-line-eu-west-1-dlq (the dashboard first-line-eu-west-1-first-line shows its depth)`,
    );
  });

  it("warns that a paused instance's execution will end paused", async () => {
    aws.table(REGION).seed(`pause#${EU}`, {
      pausedUntil: new Date(Date.now() + 3600_000).toISOString(),
      reason: "r",
      pausedBy: "p",
    });

    const run = await drillHere(WAIT);

    expect(run.code).toBe(0);
    expect(run.err).toContain(`note: ${EU} is paused until `);
    expect(run.err).toContain(
      `the execution will end "paused" (npm run resume -- --region ${REGION} --instance ${EU} lifts it)`,
    );
    expect(run.err).toContain("outcome paused");
  });

  it("refuses when the alarm is already in ALARM (no state change, nothing would start), without setting it", async () => {
    aws.setAlarmState(REGION, ALARM, "ALARM");

    const run = await runOpsScript("drill", ["--region", REGION, "--instance", EU], aws.env());

    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      new RegExp(`^drill: ${ALARM} is already in ALARM since .*: setting ALARM again is no state change`),
    );
    expect(aws.standIn.callsTo("monitoring", "SetAlarmState")).toEqual([]);
  });

  it("refuses an instance whose rule is disabled by the configuration, before any AWS call", async () => {
    const raw = committedExample() as { regions: Record<string, { enabled?: boolean }> };
    (raw.regions["us-east-1"] as { enabled?: boolean }).enabled = false;

    const run = await drillHere({ region: "us-east-1", instance: US_B }, { config: parseConfig(raw) });

    expect(run).toEqual({
      code: 1,
      out: "",
      err: `drill: the alarm rule of ${US_B} in us-east-1 is disabled (enabled: false in the configuration), so an alarm starts nothing; set enabled to true (or remove it), deploy, then drill\n`,
    });
    expect(aws.standIn.calls).toEqual([]);
  });

  it("names the missing permission when SetAlarmState is denied (exit 3)", async () => {
    aws.standIn.fail(
      "monitoring",
      "SetAlarmState",
      awsError(
        403,
        "AccessDenied",
        `User: ${OPERATOR} is not authorized to perform: cloudwatch:SetAlarmState`,
      ),
    );

    const run = await runOpsScript("drill", ["--region", REGION, "--instance", EU], aws.env());

    expect(run.code).toBe(3);
    expect(run.err).toBe(
      `drill: cloudwatch:SetAlarmState on ${ALARM} (${REGION}) was refused (AccessDenied: User: ${OPERATOR} is not authorized to perform: cloudwatch:SetAlarmState); the operator policy's statement "FirstLineDrill" grants it (README "On call", "IAM for operators")\n`,
    );
  });

  it("says the alarm does not exist when the stack is not deployed there", async () => {
    aws.standIn.fail("monitoring", "DescribeAlarms", ok({ MetricAlarms: [], CompositeAlarms: [] }));

    const run = await drillHere();

    expect(run.code).toBe(3);
    expect(run.err).toContain(
      `the CPU alarm ${ALARM} does not exist in ${REGION}; is first-line deployed there`,
    );
    expect(aws.standIn.callsTo("monitoring", "SetAlarmState")).toEqual([]);
  });

  it("refuses an unknown instance, listing the region's", async () => {
    const run = await drillHere({ region: "us-east-1" });

    expect(run).toMatchObject({
      code: 1,
      err: `drill: unknown instance "${EU}" in us-east-1 (it is configured in eu-west-1); choose one of:\n  i-0a1b2c3d4e5f60718\n  ${US_B}\n`,
    });
  });

  it("calls only what the README's operator policy allows", async () => {
    await drillHere(WAIT);

    const verdicts = await operatorVerdicts(aws.standIn.calls, aws.standIn, config.stackName);

    expect(verdicts.filter((v) => !v.endsWith(": Allowed"))).toEqual([]);
    expect(new Set(verdicts.map((v) => v.split(" ")[0]))).toEqual(
      new Set([
        "cloudwatch:DescribeAlarms",
        "cloudwatch:SetAlarmState",
        "dynamodb:GetItem",
        "states:ListExecutions",
        "states:DescribeExecution",
        "states:GetExecutionHistory",
      ]),
    );
  });
});
