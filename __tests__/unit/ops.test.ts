/**
 * The on-call commands' pure pieces: durations, how AWS failures are worded, how an execution's
 * input and output are read, the operator policy (and that the README prints it), targets.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import { SFNServiceException } from "@aws-sdk/client-sfn";
import { CommandLineError } from "../../scripts/lib/command";
import { awsPages, describeAwsFailure } from "../../scripts/lib/ops/aws-call";
import { compactDuration, parseDuration, relativeTime, shortInstant } from "../../scripts/lib/ops/duration";
import { executionRow } from "../../scripts/lib/ops/executions";
import { OPERATOR_STATEMENTS, operatorPolicy, statementFor } from "../../scripts/lib/ops/iam";
import { PAUSE_LIMITS } from "../../scripts/lib/ops/pause";
import { sessionName } from "../../scripts/lib/ops/session";
import { findInstance, selectRegions } from "../../scripts/lib/ops/target";
import { textTable } from "../../scripts/lib/ops/text-table";
import { UsageError } from "../../scripts/lib/usage";
import { parseConfig } from "../../stacks/config";
import { cpuAlarmName } from "../../stacks/naming";
import { awsError } from "../../testkit/aws-errors";
import { committedExample } from "../../testkit/synth";

const config = parseConfig(committedExample());
const CALL = { action: "dynamodb:PutItem", resource: "first-line-eu-west-1-locks", where: "eu-west-1" };

describe("durations", () => {
  it.each([
    ["30m", 30 * 60_000],
    ["2h", 2 * 3600_000],
    ["1d", 86_400_000],
    ["1h30m", 90 * 60_000],
    ["7d", 7 * 86_400_000],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration("for", text, PAUSE_LIMITS)).toBe(ms);
    expect(parseDuration("for", compactDuration(ms), PAUSE_LIMITS)).toBe(ms);
  });

  it.each(["", "2", "h", "2 h", "-1h", "1.5h", "2w", "1h-30m"])(
    "refuses %j naming the option and the forms",
    (text) => {
      expect(() => parseDuration("for", text, PAUSE_LIMITS)).toThrow(CommandLineError);
      expect(() => parseDuration("for", text, PAUSE_LIMITS)).toThrow(
        /^--for ".*" is not a duration such as 30m, 2h, 1d or 1h30m .* from 1m to 7d$/,
      );
    },
  );

  it("refuses values out of range, giving the range", () => {
    expect(() => parseDuration("for", "7d1m", PAUSE_LIMITS)).toThrow(
      "--for 7d1m is out of range: give a duration",
    );
  });

  it("prints instants and how far they are", () => {
    const now = new Date("2030-01-01T00:00:00.000Z");
    expect(shortInstant("2030-01-01T02:00:00.000Z")).toBe("2030-01-01 02:00:00Z");
    expect(relativeTime("2030-01-01T02:00:00.000Z", now)).toBe("in 2 h 0 min 0 s");
    expect(relativeTime("2029-12-31T23:59:15.000Z", now)).toBe("45 s ago");
    expect(relativeTime("tomorrow", now)).toBe("unknown");
  });
});

describe("AWS failures", () => {
  it("names the operator policy's statement for a refused action", () => {
    const e = describeAwsFailure(awsError(DynamoDBServiceException, "AccessDeniedException", "no"), CALL);
    expect(e.kind).toBe("access-denied");
    expect(e.message).toBe(
      `dynamodb:PutItem on first-line-eu-west-1-locks (eu-west-1) was refused (AccessDeniedException: no); the operator policy's statement "FirstLinePauses" grants it (README "On call", "IAM for operators")`,
    );
  });

  it("counts the SDK's attempts for throttling", () => {
    const e = describeAwsFailure(
      awsError(SFNServiceException, "ThrottlingException", "Rate exceeded", { attempts: 3 }),
      CALL,
    );
    expect(e.kind).toBe("throttled");
    expect(e.message).toContain(
      "was throttled by AWS on all 3 attempts the SDK made (ThrottlingException: Rate exceeded)",
    );
  });

  it.each([
    ["ExpiredTokenException", 400, "credentials"],
    ["UnrecognizedClientException", 400, "credentials"],
    ["ResourceNotFoundException", 400, "not-found"],
    ["StateMachineDoesNotExist", 400, "not-found"],
    ["UnauthorizedOperation", 403, "access-denied"],
    ["SomethingElse", 403, "access-denied"],
    ["InternalServerError", 500, "failed"],
  ])("%s (%d) is %s", (code, httpStatusCode, kind) => {
    expect(
      describeAwsFailure(awsError(DynamoDBServiceException, code, "m", { httpStatusCode }), CALL).kind,
    ).toBe(kind);
  });

  it("pages follow the token each page ends with, and stop asking once the caller has enough", async () => {
    const tokens: (string | undefined)[] = [];
    const pages = (last: number) =>
      awsPages(
        CALL,
        async (token: string | undefined) => {
          tokens.push(token);
          const n = Number(token ?? 0);
          return { n, ...(n < last ? { next: String(n + 1) } : {}) };
        },
        (page) => page.next,
      );

    const all: number[] = [];
    for await (const page of pages(2)) all.push(page.n);
    expect(all).toEqual([0, 1, 2]);
    expect(tokens).toEqual([undefined, "1", "2"]);

    tokens.length = 0;
    for await (const page of pages(5)) if (page.n === 1) break;
    expect(tokens).toEqual([undefined, "1"]);
  });

  it("words a failed page as the call it was", async () => {
    const pages = awsPages(
      CALL,
      () => Promise.reject(awsError(DynamoDBServiceException, "AccessDeniedException", "no")),
      () => undefined,
    );
    await expect(pages.next()).rejects.toThrow(
      "dynamodb:PutItem on first-line-eu-west-1-locks (eu-west-1) was refused (AccessDeniedException: no)",
    );
  });

  it("words a network failure with its code", () => {
    const error = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(describeAwsFailure(error, CALL).message).toBe(
      "dynamodb:PutItem on first-line-eu-west-1-locks (eu-west-1) failed (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1)",
    );
  });
});

describe("the operator policy", () => {
  const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

  it("is printed in the README for the committed example's stackName", () => {
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? "");
    const printed = blocks.find((b) => b.includes('"FirstLinePauses"'));
    expect(printed && JSON.parse(printed)).toEqual(operatorPolicy(config.stackName));
  });

  it("scopes every statement to the stack's names, never *", () => {
    for (const statement of operatorPolicy("first-line").Statement) {
      for (const resource of statement.Resource) expect(resource).toMatch(/[:/]first-line-\*-[a-z]+(:\*)?$/);
    }
  });

  it("maps every action to its statement", () => {
    for (const s of OPERATOR_STATEMENTS) for (const a of s.actions) expect(statementFor(a)).toBe(s.Sid);
    expect(statementFor("sts:AssumeRole")).toBe("FirstLineAccounts");
    expect(statementFor("ec2:RebootInstances")).toBeUndefined();
  });
});

describe("executions", () => {
  const target = selectRegions(config, { region: "eu-west-1" })[0];
  if (!target) throw new Error("no eu-west-1");
  const base = {
    $metadata: {},
    executionArn: "arn:aws:states:eu-west-1:123456789012:execution:first-line-eu-west-1-remediation:x",
    stateMachineArn: "arn",
    name: "x",
    startDate: new Date("2030-01-01T00:00:00Z"),
    stopDate: new Date("2030-01-01T00:03:00Z"),
    input: JSON.stringify({ instance: { instanceId: "i-0123456789abcdef0" }, alarm: {} }),
  };

  it("reads outcome, reason and restart seconds from the workflow's output", () => {
    const row = executionRow(target, {
      ...base,
      status: "SUCCEEDED",
      output: JSON.stringify({
        instanceId: "i-0123456789abcdef0",
        outcome: "escalated",
        reason: "cooldown",
        restart: {
          method: "reboot",
          requestedAt: "2030-01-01T00:00:10Z",
          backOnlineAt: "2030-01-01T00:02:05Z",
        },
        runs: {},
      }),
    });
    expect(row).toMatchObject({
      outcome: "escalated",
      reason: "cooldown",
      restartSeconds: 115,
      instanceId: "i-0123456789abcdef0",
    });
  });

  it("takes a failed execution's error as its reason, and survives garbage output", () => {
    expect(
      executionRow(target, { ...base, status: "FAILED", error: "States.Timeout", output: "{" }),
    ).toMatchObject({
      status: "FAILED",
      reason: "States.Timeout",
      error: "States.Timeout",
    });
    expect(
      executionRow(target, {
        ...base,
        status: "SUCCEEDED",
        input: "nope",
        output: JSON.stringify({ outcome: "weird" }),
      }),
    ).not.toHaveProperty("outcome");
  });
});

describe("targets", () => {
  it("find an instance with its CPU alarm's deployed name and the region's names", () => {
    const t = findInstance(config, { region: "us-east-1", instance: "i-0fedcba9876543210" });
    expect(t.alarmName).toBe(cpuAlarmName("first-line", "us-east-1", "i-0fedcba9876543210"));
    expect(t.alarmName).toBe("first-line-us-east-1-i-0fedcba9876543210-cpu");
    expect([t.lockTableName, t.stateMachineName, t.label]).toEqual([
      "first-line-us-east-1-locks",
      "first-line-us-east-1-remediation",
      "us-east-1",
    ]);
  });

  it("refuse --account without accounts", () => {
    expect(() => selectRegions(config, { account: "prod" })).toThrow(UsageError);
  });
});

describe("presentation", () => {
  it("session names start with first-line and fit STS's rules", () => {
    expect(sessionName("pause", "arn:aws:sts::1:assumed-role/Admin/alice@example.com")).toBe(
      "first-line-pause-alice@example.com",
    );
    const long = sessionName("status", `arn:aws:iam::1:user/${"x".repeat(80)}`);
    expect(long).toMatch(/^first-line-status-x+$/);
    expect(long).toHaveLength(64);
    expect(sessionName("drill", "arn:aws:iam::1:user/a b:c")).toBe("first-line-drill-a-b-c");
  });

  it("aligns table columns and leaves no trailing spaces", () => {
    expect(
      textTable(
        ["A", "BB"],
        [
          ["xxx", "y"],
          ["z", ""],
        ],
      ),
    ).toBe("A    BB\nxxx  y\nz\n");
  });
});
