/**
 * The real entry point, `node --import tsx main.ts`, as a user runs it: configuration errors,
 * what happens to an existing output folder, and a cloud backend on a machine without terraform.
 */
import { spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { type ProcessResult, runProcess } from "../../scripts/lib/run-process";
import { withoutKnownDeprecations } from "../../testkit/node-warnings";
import { committedExample, PROJECT_DIR, readTree } from "../../testkit/synth";

jest.setTimeout(60_000);

/** The environment of the test process without anything that would pick another config or output. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ["FIRST_LINE_CONFIG", "CDKTF_OUTDIR", "CDKTF_CONTEXT_JSON"]) delete env[key];
  return { ...env, ...extra };
}

function runApp(env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return runProcess(process.execPath, ["--import", "tsx", "main.ts"], { cwd: PROJECT_DIR, env });
}

let work: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "first-line-entry-"));
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

/** An output folder from an earlier synth, with content the app must not touch on failure. */
function existingOutput(): string {
  const outdir = join(work, "out");
  mkdirSync(join(outdir, "stacks", "first-line"), { recursive: true });
  writeFileSync(join(outdir, "manifest.json"), '{"earlier":"synth"}\n');
  writeFileSync(join(outdir, "stacks", "first-line", "cdk.tf.json"), '{"resource":{"earlier":{}}}\n');
  return outdir;
}

/** A configuration with one of each kind of problem DESIGN §4 lists. */
function brokenConfig(): Record<string, unknown> {
  return {
    stackName: "first-line",
    backend: { type: "s3", bucket: "acme-tfstate", key: "k.tfstate", region: "eu-central-1" },
    defaults: {
      alarm: { threshhold: 99, evaluationPeriods: 0 },
      ssh: { mode: "command" },
      notifications: { slackWebhookSecret: "fl/slack", opsgenieApiKeySecret: "fl/opsgenie" },
    },
    regions: {
      "eu-wset-1": { instances: [{ instanceId: "i-0123456789abcdef0", url: "https://eu.example.com/" }] },
      "us-east-1": {
        instances: [
          {
            instanceId: "i-xyz",
            url: "ftp://us.example.com/",
            route53HealthCheckId: "not-a-health-check",
            ssh: { hostKeySha256: "MD5:00:11:22" },
          },
          { instanceId: "i-0123456789abcdef1", url: "https://a.example.com/" },
          { instanceId: "i-0123456789abcdef1", url: "https://b.example.com/" },
        ],
      },
    },
  };
}

describe("a configuration with problems", () => {
  it("exits non-zero listing every problem with its JSON path, and leaves the existing output untouched", async () => {
    const outdir = existingOutput();
    const before = readTree(outdir);
    const configFile = join(work, "broken.json");
    writeFileSync(configFile, JSON.stringify(brokenConfig(), null, 2));

    const run = await runApp(
      cleanEnv({ FIRST_LINE_CONFIG: relative(PROJECT_DIR, configFile), CDKTF_OUTDIR: outdir }),
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^Invalid first-line configuration \(FIRST_LINE_CONFIG=\S*broken\.json\): 9 problems/,
    );
    const problems = run.stderr.split("\n").filter((line) => line.startsWith("  - "));
    const expected = [
      /^ {2}- defaults\.alarm\.threshhold: unknown key \(did you mean "threshold"\?\)/,
      /^ {2}- defaults\.alarm\.evaluationPeriods: must be at least 1, got 0/,
      /^ {2}- regions\.eu-wset-1: unknown AWS region "eu-wset-1" \(did you mean "eu-west-1"\?\)/,
      /^ {2}- regions\.us-east-1\.instances\[0\]\.instanceId: "i-xyz" is not an EC2 instance id/,
      /^ {2}- regions\.us-east-1\.instances\[0\]\.url: "ftp:\/\/us\.example\.com\/" is not an absolute http/,
      /^ {2}- regions\.us-east-1\.instances\[0\]\.route53HealthCheckId: "not-a-health-check" is not a Route 53 health check id/,
      /^ {2}- regions\.us-east-1\.instances\[0\]\.ssh\.hostKeySha256: "MD5:00:11:22" is not an OpenSSH SHA-256 host key fingerprint/,
      /^ {2}- regions\.us-east-1\.instances\[0\]\.ssh\.privateKeySecret: required because ssh mode is "command"/,
      /^ {2}- regions\.us-east-1\.instances\[2\]\.instanceId: duplicate instance "i-0123456789abcdef1"/,
    ];
    for (const pattern of expected) expect(problems.filter((p) => pattern.test(p))).toHaveLength(1);
    expect(problems).toHaveLength(expected.length);
    expect(run.stderr).not.toMatch(/at \S+ \(/); // a user error, not a stack trace

    expect(readTree(outdir)).toEqual(before);
    expect(readdirSync(work).sort()).toEqual(["broken.json", "out"]);
  });

  it("names a missing configuration file and leaves the existing output untouched", async () => {
    const outdir = existingOutput();
    const before = readTree(outdir);

    const run = await runApp(cleanEnv({ FIRST_LINE_CONFIG: "no/such/config.json", CDKTF_OUTDIR: outdir }));

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("FIRST_LINE_CONFIG=no/such/config.json");
    expect(run.stderr).toContain("file not found");
    expect(readTree(outdir)).toEqual(before);
    expect(readdirSync(work)).toEqual(["out"]);
  });

  it("reports a file that is not JSON as such", async () => {
    const configFile = join(work, "not-json.json");
    writeFileSync(configFile, '{ "stackName": "first-line", ');

    const run = await runApp(
      cleanEnv({ FIRST_LINE_CONFIG: relative(PROJECT_DIR, configFile), CDKTF_OUTDIR: join(work, "out") }),
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("not valid JSON");
    expect(readdirSync(work)).toEqual(["not-json.json"]);
  });
});

describe("a valid configuration", () => {
  it("replaces an existing output completely and leaves no staging folder behind", async () => {
    const outdir = existingOutput();
    writeFileSync(join(outdir, "stale.txt"), "from an earlier synth");
    const configFile = join(work, "config.json");
    writeFileSync(configFile, JSON.stringify(committedExample()));

    const run = await runApp(
      cleanEnv({ FIRST_LINE_CONFIG: relative(PROJECT_DIR, configFile), CDKTF_OUTDIR: outdir }),
    );

    expect(withoutKnownDeprecations(run.stderr)).toBe("");
    expect(run.code).toBe(0);
    expect(readdirSync(work).sort()).toEqual(["config.json", "out"]);
    expect(readdirSync(outdir).sort()).toEqual(["manifest.json", "stacks"]);
    const tf = JSON.parse(readFileSync(join(outdir, "stacks", "first-line", "cdk.tf.json"), "utf8")) as {
      resource: Record<string, unknown>;
    };
    expect(tf.resource.earlier).toBeUndefined();
    expect(Object.keys(tf.resource)).toContain("aws_sfn_state_machine");
  });

  it("synthesizes a Terraform Cloud backend on a machine without a terraform binary", async () => {
    const bin = join(work, "bin");
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, "node"));
    const which = spawnSync("/bin/sh", ["-c", "command -v terraform"], { env: { PATH: bin } });
    expect(which.status).not.toBe(0);
    const configFile = join(work, "cloud.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        ...committedExample(),
        backend: { type: "cloud", organization: "acme", workspace: "first-line-prod" },
      }),
    );
    const outdir = join(work, "out");

    const run = await runApp({
      PATH: bin,
      HOME: work,
      FIRST_LINE_CONFIG: relative(PROJECT_DIR, configFile),
      CDKTF_OUTDIR: outdir,
    });

    expect(withoutKnownDeprecations(run.stderr)).toBe("");
    expect(run.code).toBe(0);
    const tf = JSON.parse(readFileSync(join(outdir, "stacks", "first-line", "cdk.tf.json"), "utf8")) as {
      terraform: Record<string, unknown>;
    };
    expect(tf.terraform.cloud).toEqual({ organization: "acme", workspaces: { name: "first-line-prod" } });
    expect(tf.terraform.backend).toBeUndefined();
    expect(dirname(process.execPath)).not.toBe(bin);
  });
});
