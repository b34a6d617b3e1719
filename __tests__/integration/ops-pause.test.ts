/**
 * `npm run pause` / `npm run resume` against a deployed first-line on the loopback stand-in (real
 * SDK calls through AWS_ENDPOINT_URL_*), and the done-when test: a pause written by the real
 * pause script is honoured by the synthesized workflow, which reads it from the same table.
 */

import { pause, resume } from "../../scripts/lib/ops/pause";
import { METRICS } from "../../stacks/workflow";
import { denyAlways, failAlways } from "../../testkit/aws-faults";
import { type FirstLineAws, useFirstLineAws } from "../../testkit/first-line-aws";
import { EXAMPLE_CONFIG as config, EXAMPLE_INSTANCES, OPERATOR } from "../../testkit/ops-example";
import { operatorVerdicts } from "../../testkit/ops-iam";
import { runOpsInProcess, runOpsScript, virtualClock } from "../../testkit/ops-runner";

jest.setTimeout(120_000);

const REGION = "eu-west-1";
const INSTANCE = EXAMPLE_INSTANCES.eu;
const TABLE = "first-line-eu-west-1-locks";
const PAUSE_KEY = `pause#${INSTANCE}`;
const target = ["--region", REGION, "--instance", INSTANCE];

let aws: FirstLineAws;
const deployed = useFirstLineAws({ config }, (a) => {
  for (const key of [PAUSE_KEY, INSTANCE])
    a.table(REGION).deleteItem({ TableName: TABLE, Key: { instanceId: { S: key } } });
});
beforeAll(() => {
  aws = deployed();
});

/** The pause command in this process, for eu-west-1's instance. */
const pauseHere = (args: { for?: string; reason?: string; by?: string } = {}) =>
  runOpsInProcess(
    "pause",
    pause,
    { region: REGION, instance: INSTANCE, for: "2h", reason: "r", ...args },
    { config },
  );

const restarts = (execution: Awaited<ReturnType<FirstLineAws["run"]>>) =>
  execution.result?.metrics.flatMap((m) => m.data).find((d) => d.name === METRICS.restarts)?.value;

describe("done when: a pause set by the command is honoured by the synthesized workflow", () => {
  it("pause (the real script) -> the next alarm ends paused, no lock, no check, zero restarts; resume -> the next one proceeds", async () => {
    const paused = await runOpsScript(
      "pause",
      [...target, "--for", "2h", "--reason", "kernel upgrade"],
      aws.env(),
    );

    expect(paused).toMatchObject({
      code: 0,
      out: expect.stringContaining(`paused first-line for ${INSTANCE} in ${REGION} for 2h`),
    });
    // What the workflow will read is what the command wrote, through DynamoDB PutItem.
    const item = aws.table(REGION).get(PAUSE_KEY);
    expect(item).toEqual({
      instanceId: PAUSE_KEY,
      pausedUntil: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      reason: "kernel upgrade",
      pausedBy: OPERATOR,
    });
    const until = Date.parse(item?.pausedUntil ?? "");
    expect(until - Date.now()).toBeGreaterThan(2 * 3600_000 - 120_000);
    expect(until - Date.now()).toBeLessThanOrEqual(2 * 3600_000);

    const during = await aws.run(REGION, INSTANCE);
    expect(during.status).toBe("SUCCEEDED");
    expect(JSON.parse(during.output ?? "{}")).toMatchObject({
      outcome: "paused",
      instanceId: INSTANCE,
      pause: { pausedUntil: item?.pausedUntil, reason: "kernel upgrade", pausedBy: OPERATOR },
    });
    expect(during.result?.calls.map((c) => c.fn)).toEqual([]);
    expect(during.result?.lockTable.writes.filter((w) => w.key === INSTANCE)).toEqual([]);
    expect(aws.table(REGION).get(INSTANCE)).toBeUndefined();
    expect(restarts(during)).toBe(0);

    const resumed = await runOpsScript("resume", target, aws.env());
    expect(resumed).toMatchObject({ code: 0, out: expect.stringContaining("resumed first-line for") });
    expect(aws.table(REGION).get(PAUSE_KEY)).toBeUndefined();

    const after = await aws.run(REGION, INSTANCE);
    expect(JSON.parse(after.output ?? "{}")).toMatchObject({ outcome: "healthy" });
    expect(after.result?.lockTable.writes.filter((w) => w.key === INSTANCE).map((w) => w.applied)).toEqual([
      true,
      true,
    ]);
  });

  it("a pause the command wrote with a clock in the past has expired: the workflow ignores it", async () => {
    const clock = virtualClock(new Date(Date.now() - 3 * 3600_000));
    const run = await runOpsInProcess(
      "pause",
      pause,
      { region: REGION, instance: INSTANCE, for: "1h", reason: "yesterday's window" },
      { config, clock },
    );
    expect(run.code).toBe(0);

    const execution = await aws.run(REGION, INSTANCE);
    expect(JSON.parse(execution.output ?? "{}")).toMatchObject({ outcome: "healthy" });
  });
});

describe("pause", () => {
  it("records --by instead of the caller, and says what it replaced", async () => {
    await pauseHere({ for: "30m", reason: "first" });

    const second = await pauseHere({ for: "1d", reason: "second", by: "alice" });

    expect(second.code).toBe(0);
    expect(aws.table(REGION).get(PAUSE_KEY)).toMatchObject({ reason: "second", pausedBy: "alice" });
    expect(second.err).toContain(`note: this replaces the pause until`);
    expect(second.err).toContain(`by ${OPERATOR}: "first"`);
    expect(second.err).toContain(`undo with: npm run resume -- --region ${REGION} --instance ${INSTANCE}`);
  });

  it("notes a remediation running now: the pause holds the next alarm, not that one", async () => {
    aws.table(REGION).seed(INSTANCE, {
      lockedBy: "arn:aws:states:eu-west-1:123456789012:execution:first-line-eu-west-1-remediation:abc",
      lockedAt: new Date().toISOString(),
      lockExpiresAt: new Date(Date.now() + 600_000).toISOString(),
    });

    const run = await pauseHere({ reason: "x" });

    expect(run.err).toContain(
      "a remediation is running now (lock held by arn:aws:states:eu-west-1:123456789012:execution:first-line-eu-west-1-remediation:abc)",
    );
  });

  it.each([
    [["--for", "2w"], '--for "2w" is not a duration such as 30m, 2h, 1d or 1h30m'],
    [["--for", "8d"], "--for 8d is out of range"],
    [["--for", "0m"], "--for 0m is out of range"],
    [["--for", "2h", "--reason", "   "], "--reason must say why"],
  ])("refuses %j before any AWS call", async (args, message) => {
    const run = await runOpsScript("pause", [...target, "--reason", "r", ...args], aws.env());

    expect(run.code).toBe(1);
    expect(run.err).toContain(message);
    expect(aws.standIn.calls).toEqual([]);
  });

  it("refuses an unknown instance, listing the region's instances, and one configured elsewhere says where", async () => {
    const run = await runOpsScript(
      "pause",
      ["--region", "us-east-1", "--instance", "i-0123456789abcdef1", "--for", "1h", "--reason", "r"],
      aws.env(),
    );

    expect(run.code).toBe(1);
    expect(run.err).toBe(
      'pause: unknown instance "i-0123456789abcdef1" in us-east-1 (it is configured in ap-southeast-2); choose one of:\n  i-0a1b2c3d4e5f60718\n  i-0fedcba9876543210\n',
    );
    expect(aws.standIn.calls).toEqual([]);
  });

  it("refuses an unknown region, listing the configured ones", async () => {
    const run = await runOpsScript("resume", ["--region", "eu-west-2", "--instance", INSTANCE], aws.env());

    expect(run.code).toBe(1);
    expect(run.err).toBe(
      'resume: unknown region "eu-west-2"; choose one of:\n  ap-southeast-2\n  eu-west-1\n  us-east-1\n',
    );
  });

  it("names the missing permission when AWS denies the write, and writes nothing", async () => {
    failAlways(aws.standIn, "dynamodb", "PutItem", {
      code: "AccessDeniedException",
      message: `User: ${OPERATOR} is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/${TABLE} because no identity-based policy allows the dynamodb:PutItem action`,
    });

    const run = await runOpsScript("pause", [...target, "--for", "2h", "--reason", "r"], aws.env());

    expect(run.code).toBe(3);
    expect(run.out).toBe("");
    expect(run.err).toMatch(
      /^pause: dynamodb:PutItem on first-line-eu-west-1-locks \(eu-west-1\) was refused \(AccessDeniedException: User: .* is not authorized to perform: dynamodb:PutItem .*\); the operator policy's statement "FirstLinePauses" grants it \(README "On call", "IAM for operators"\)\n$/,
    );
    expect(aws.table(REGION).get(PAUSE_KEY)).toBeUndefined();
  });

  it("reports throttling after the SDK's own retries, and writes nothing", async () => {
    failAlways(aws.standIn, "dynamodb", "PutItem", {
      code: "ThrottlingException",
      message: "Rate of requests exceeds the allowed throughput.",
    });

    const run = await runOpsScript("pause", [...target, "--for", "2h", "--reason", "r"], {
      ...aws.env(),
      AWS_MAX_ATTEMPTS: "2",
    });

    expect(run.code).toBe(3);
    expect(run.err).toContain(
      "pause: dynamodb:PutItem on first-line-eu-west-1-locks (eu-west-1) was throttled by AWS on all 2 attempts the SDK made (ThrottlingException: Rate of requests exceeds the allowed throughput.); wait a minute and run the command again",
    );
    expect(aws.standIn.callsTo("dynamodb", "PutItem")).toHaveLength(2);
    expect(aws.table(REGION).get(PAUSE_KEY)).toBeUndefined();
  });

  it.each([
    [
      "a read before the write is refused",
      { code: "AccessDeniedException", message: "denied" },
      "dynamodb:GetItem on first-line-eu-west-1-locks (eu-west-1) was refused",
    ],
    [
      "the table does not exist there (not deployed)",
      { code: "ResourceNotFoundException", message: "Requested resource not found" },
      "is first-line deployed there with this configuration",
    ],
  ])("says so and writes nothing when %s", async (_when, error, said) => {
    failAlways(aws.standIn, "dynamodb", "GetItem", error);

    const run = await pauseHere();

    expect(run.code).toBe(3);
    expect(run.err).toContain(said);
    expect(aws.standIn.callsTo("dynamodb", "PutItem")).toEqual([]);
  });

  it("calls only what the README's operator policy allows", async () => {
    await pauseHere();
    await runOpsInProcess("resume", resume, { region: REGION, instance: INSTANCE }, { config });

    const verdicts = await operatorVerdicts(aws.standIn.calls, aws.standIn, config.stackName);

    expect(verdicts).toEqual([
      `dynamodb:DeleteItem arn:aws:dynamodb:eu-west-1:123456789012:table/${TABLE}: Allowed`,
      `dynamodb:GetItem arn:aws:dynamodb:eu-west-1:123456789012:table/${TABLE}: Allowed`,
      `dynamodb:PutItem arn:aws:dynamodb:eu-west-1:123456789012:table/${TABLE}: Allowed`,
    ]);
  });
});

describe("resume", () => {
  it("says there was no pause (exit 0) and removes an expired one, saying so", async () => {
    const none = await runOpsScript("resume", target, aws.env());
    expect(none).toEqual({
      code: 0,
      out: `no pause for ${INSTANCE} in ${REGION}: nothing to resume\n`,
      err: "",
    });

    aws
      .table(REGION)
      .seed(PAUSE_KEY, { pausedUntil: "2020-01-01T00:00:00.000Z", reason: "old", pausedBy: "bob" });
    const expired = await runOpsInProcess(
      "resume",
      resume,
      { region: REGION, instance: INSTANCE },
      { config },
    );
    expect(expired.out).toBe(
      `removed the expired pause of ${INSTANCE} in ${REGION} (until 2020-01-01 00:00:00Z by bob: "old"); it no longer held since 2020-01-01 00:00:00Z\n`,
    );
    expect(aws.table(REGION).get(PAUSE_KEY)).toBeUndefined();
  });

  it("leaves the lock item alone", async () => {
    aws.table(REGION).seed(INSTANCE, { lastRestartAt: "2030-01-01T00:00:00.000Z" });
    aws
      .table(REGION)
      .seed(PAUSE_KEY, { pausedUntil: "2999-01-01T00:00:00.000Z", reason: "r", pausedBy: "p" });

    await runOpsInProcess("resume", resume, { region: REGION, instance: INSTANCE }, { config });

    expect(aws.table(REGION).get(INSTANCE)).toEqual({
      instanceId: INSTANCE,
      lastRestartAt: "2030-01-01T00:00:00.000Z",
    });
  });

  it("reports a DeleteItem AWS refused with exit 3", async () => {
    denyAlways(aws.standIn, "dynamodb", "DeleteItem");

    const run = await runOpsInProcess("resume", resume, { region: REGION, instance: INSTANCE }, { config });

    expect(run.code).toBe(3);
    expect(run.err).toContain(
      'dynamodb:DeleteItem on first-line-eu-west-1-locks (eu-west-1) was refused (AccessDeniedException: not authorized to perform: dynamodb:DeleteItem); the operator policy\'s statement "FirstLinePauses" grants it',
    );
  });
});
