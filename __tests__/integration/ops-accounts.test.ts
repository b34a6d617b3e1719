/**
 * The on-call commands with `accounts` (DESIGN §6, §7): `--account` required when the region is
 * in several accounts (listing the choices), credentials from sts:AssumeRole of the account's
 * role with its external id and a session name starting with `first-line`, every call signed
 * with them and landing in that account's table; the operator (not the role) recorded as
 * `pausedBy`. Against the loopback stand-in, the real scripts as `npm run` runs them.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { history } from "../../scripts/lib/ops/history";
import { status } from "../../scripts/lib/ops/status";
import { parseConfig } from "../../stacks/config";
import { awsError } from "../../testkit/aws-stand-in";
import { type FirstLineAws, useFirstLineAws } from "../../testkit/first-line-aws";
import { operatorVerdicts } from "../../testkit/ops-iam";
import { runOpsInProcess, runOpsScript } from "../../testkit/ops-runner";
import { PROJECT_DIR } from "../../testkit/synth";

jest.setTimeout(120_000);

const file = join(PROJECT_DIR, "__tests__", "fixtures", "config", "fleet-2x2.json");
const raw = JSON.parse(readFileSync(file, "utf8")) as unknown;
const config = parseConfig(raw);
const configFile = join(tmpdir(), `first-line-ops-accounts-${process.pid}.json`);
const STAGING = "i-0cccccccccccccccc";
const PROD = "i-0123456789abcdef0";
const STAGING_ROLE = "arn:aws:iam::222222222222:role/ci/first-line-deploy";
const PROD_ROLE = "arn:aws:iam::111111111111:role/first-line-deploy";
const OPERATOR = "arn:aws:iam::123456789012:user/first-line-test";

let aws: FirstLineAws;
let env: Record<string, string>;
const deployed = useFirstLineAws({ config });

beforeAll(async () => {
  writeFileSync(configFile, JSON.stringify(raw));
  aws = deployed();
  env = { ...aws.env(), FIRST_LINE_CONFIG: configFile };
  await aws.run("prod-eu-west-1", PROD);
  await aws.run("staging-eu-west-1", STAGING);
});
afterAll(() => {
  rmSync(configFile, { force: true });
});

describe("with accounts", () => {
  it("requires --account for a region in several accounts, listing the choices", async () => {
    const run = await runOpsScript(
      "pause",
      ["--region", "eu-west-1", "--instance", STAGING, "--for", "1h", "--reason", "r"],
      env,
    );

    expect(run.code).toBe(1);
    expect(run.err).toBe(
      'pause: region "eu-west-1" is in 2 accounts; name the account; choose one of:\n  --account prod --region eu-west-1\n  --account staging --region eu-west-1\n',
    );
    expect(aws.standIn.calls).toEqual([]);
  });

  it("assumes the account's role (external id, first-line session) and pauses in that account only, as the operator", async () => {
    const run = await runOpsScript(
      "pause",
      [
        "--account",
        "staging",
        "--region",
        "eu-west-1",
        "--instance",
        STAGING,
        "--for",
        "1h",
        "--reason",
        "staging window",
      ],
      env,
    );

    expect(run.code).toBe(0);
    const [assume, ...more] = aws.standIn.callsTo("sts", "AssumeRole");
    expect(more).toEqual([]);
    expect(assume?.body).toMatchObject({
      RoleArn: STAGING_ROLE,
      ExternalId: "first-line-staging",
      RoleSessionName: "first-line-pause-first-line-test",
    });
    const writes = aws.standIn.callsTo("dynamodb", "PutItem");
    expect(
      writes.map((c) => [c.region, aws.standIn.accountOf(c.accessKeyId), c.accessKeyId?.startsWith("ASIA")]),
    ).toEqual([["eu-west-1", "222222222222", true]]);
    expect(aws.table("staging-eu-west-1").get(`pause#${STAGING}`)).toMatchObject({
      reason: "staging window",
      pausedBy: OPERATOR,
    });
    expect(aws.table("prod-eu-west-1").get(`pause#${STAGING}`)).toBeUndefined();

    // The staging workflow honours it; prod's table never saw it.
    const execution = await aws.run("staging-eu-west-1", STAGING);
    expect(JSON.parse(execution.output ?? "{}")).toMatchObject({
      outcome: "paused",
      pause: { pausedBy: OPERATOR },
    });
  });

  it("status and history cover every account, with an account column", async () => {
    const statusRun = await runOpsScript("status", ["--region", "eu-west-1"], env);
    const historyRun = await runOpsInProcess("history", history, { account: "prod", json: true }, { config });

    expect(statusRun.code).toBe(0);
    expect(statusRun.out.split("\n")[0]).toMatch(/^ACCOUNT +REGION +INSTANCE/);
    expect(statusRun.out).toMatch(new RegExp(`^prod +eu-west-1 +${PROD} +on`, "m"));
    expect(statusRun.out).toMatch(new RegExp(`^staging +eu-west-1 +${STAGING} +on`, "m"));
    const rows = (
      JSON.parse(historyRun.out) as { executions: { account: string; region: string; instanceId: string }[] }
    ).executions;
    expect(rows.map((r) => [r.account, r.region, r.instanceId])).toEqual([["prod", "eu-west-1", PROD]]);
    // One AssumeRole per account, whatever the number of regions and calls.
    expect(
      aws.standIn
        .callsTo("sts", "AssumeRole")
        .map((c) => (c.body as { RoleArn: string }).RoleArn)
        .sort(),
    ).toEqual([PROD_ROLE, STAGING_ROLE, PROD_ROLE].sort());
  });

  it("names the missing sts:AssumeRole permission (exit 3), and writes nothing", async () => {
    aws.standIn.fail(
      "sts",
      "AssumeRole",
      awsError(
        403,
        "AccessDenied",
        `User: ${OPERATOR} is not authorized to perform: sts:AssumeRole on resource: ${PROD_ROLE}`,
      ),
      Number.POSITIVE_INFINITY,
    );

    const run = await runOpsScript(
      "resume",
      ["--account", "prod", "--region", "us-east-1", "--instance", "i-1234abcd"],
      env,
    );

    expect(run.code).toBe(3);
    expect(run.err).toContain(
      `resume: sts:AssumeRole on ${PROD_ROLE} (us-east-1, account prod) was refused (AccessDenied: User: ${OPERATOR} is not authorized to perform: sts:AssumeRole on resource: ${PROD_ROLE}); the operator policy's statement "FirstLineAccounts" grants it`,
    );
    expect(aws.standIn.callsTo("dynamodb")).toEqual([]);
  });

  it("refuses an unknown account, listing the configured ones", async () => {
    const run = await runOpsInProcess("status", status, { account: "qa" }, { config });

    expect(run).toMatchObject({
      code: 1,
      err: 'status: unknown account "qa"; choose one of:\n  prod\n  staging\n',
    });
  });

  it("calls only what the operator policy allows, the roles included", async () => {
    await runOpsInProcess("status", status, {}, { config });

    const verdicts = await operatorVerdicts(aws.standIn.calls, aws.standIn, config.stackName, [
      PROD_ROLE,
      STAGING_ROLE,
    ]);

    expect(verdicts.filter((v) => !v.endsWith(": Allowed"))).toEqual([]);
    expect(verdicts).toEqual(
      expect.arrayContaining([
        `sts:AssumeRole ${PROD_ROLE}: Allowed`,
        `sts:AssumeRole ${STAGING_ROLE}: Allowed`,
      ]),
    );
    expect(verdicts).toEqual(
      expect.arrayContaining([
        "dynamodb:Scan arn:aws:dynamodb:us-east-1:222222222222:table/first-line-us-east-1-locks: Allowed",
      ]),
    );
  });
});
