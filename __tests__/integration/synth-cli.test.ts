/**
 * `npx cdktf synth --output <dir>` with the committed cdktf-cli, offline, on a machine without
 * terraform: what README and `help` tell a user to run first.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_DIR, readTree, runProcess } from "../../testkit/synth";
import { FLEET_2X2_PATH } from "../fixtures/config/helpers";

jest.setTimeout(120_000);

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv) {
  return runProcess(command, args, { cwd: PROJECT_DIR, env });
}

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "first-line-cli-"));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** An environment with only node and a shell on the PATH (no terraform), and no network. */
async function offlineEnv(name: string) {
  const npx = execFileSync("/bin/sh", ["-c", "command -v npx"], { encoding: "utf8" }).trim();
  // Only node and a shell: no terraform, nothing else the CLI could reach for.
  const bin = join(work, name, "bin");
  mkdirSync(bin, { recursive: true });
  symlinkSync(process.execPath, join(bin, "node"));
  symlinkSync("/bin/sh", join(bin, "sh"));
  const noTerraform = await run("/bin/sh", ["-c", "command -v terraform"], { PATH: bin });
  expect(noTerraform.code).not.toBe(0);
  const offline = {
    PATH: bin,
    HOME: join(work, name),
    CHECKPOINT_DISABLE: "1",
    HTTP_PROXY: "http://127.0.0.1:9",
    HTTPS_PROXY: "http://127.0.0.1:9",
    npm_config_offline: "true",
  };
  return { npx, offline };
}

describe("npx cdktf synth", () => {
  it("synthesizes the committed example offline without terraform, exactly as the bare app does", async () => {
    const { npx, offline } = await offlineEnv("synth");

    const cli = await run(npx, ["cdktf", "synth", "--output", join(work, "cli.out")], offline);
    const bare = await run(process.execPath, ["--import", "tsx", "main.ts"], {
      ...offline,
      CDKTF_OUTDIR: join(work, "bare.out"),
    });

    expect(cli.code).toBe(0);
    expect(cli.output).toContain("Generated Terraform code for the stacks: first-line");
    expect(bare.code).toBe(0);
    const fromCli = readTree(join(work, "cli.out"));
    const fromApp = readTree(join(work, "bare.out"));
    expect([...fromCli.keys()].sort()).toEqual([...fromApp.keys()].sort());
    expect(
      [...fromCli.keys()].filter((f) => !fromCli.get(f)?.equals(fromApp.get(f) ?? Buffer.alloc(0))),
    ).toEqual([]);
    const tf = JSON.parse(
      readFileSync(join(work, "cli.out", "stacks", "first-line", "cdk.tf.json"), "utf8"),
    ) as {
      provider: { aws: { alias: string }[] };
    };
    expect(tf.provider.aws.map((p) => p.alias)).toEqual(["ap-southeast-2", "eu-west-1", "us-east-1"]);
  });
});

describe("npx cdktf list", () => {
  it("lists every stack of a per-region fleet, offline and without terraform", async () => {
    const { npx, offline } = await offlineEnv("list");
    const outdir = join(work, "list.out");

    const list = await run(npx, ["cdktf", "list", "--output", outdir], {
      ...offline,
      FIRST_LINE_CONFIG: FLEET_2X2_PATH,
    });

    expect(list.code).toBe(0);
    const rows = list.output
      .split("\n")
      .map((line) => /^(first-line-\S+)\s+(\S+)$/.exec(line.trim()))
      .filter((match) => match !== null)
      .map((match) => [match[1], match[2]]);
    expect(rows.map(([name]) => name)).toEqual(
      ["prod-eu-west-1", "prod-us-east-1", "staging-eu-west-1", "staging-us-east-1"].map(
        (key) => `first-line-${key}`,
      ),
    );
    // Without a terminal the CLI cuts its table at 80 columns, so a long path shows only its start.
    for (const [name = "", path = ""] of rows)
      expect(join(outdir, "stacks", name).startsWith(path)).toBe(true);
    expect(rows.every(([, path]) => path?.startsWith(join(outdir, "stacks")))).toBe(true);
  });
});
