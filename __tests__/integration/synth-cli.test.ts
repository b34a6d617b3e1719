/**
 * `npx cdktf synth --output <dir>` with the committed cdktf-cli, offline, on a machine without
 * terraform: what README and `help` tell a user to run first.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_DIR, readTree, runProcess } from "../../testkit/synth";

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

describe("npx cdktf synth", () => {
  it("synthesizes the committed example offline without terraform, exactly as the bare app does", async () => {
    const npx = execFileSync("/bin/sh", ["-c", "command -v npx"], { encoding: "utf8" }).trim();
    // Only node and a shell: no terraform, nothing else the CLI could reach for.
    const bin = join(work, "bin");
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, "node"));
    symlinkSync("/bin/sh", join(bin, "sh"));
    const noTerraform = await run("/bin/sh", ["-c", "command -v terraform"], { PATH: bin });
    expect(noTerraform.code).not.toBe(0);
    const offline = {
      PATH: bin,
      HOME: work,
      CHECKPOINT_DISABLE: "1",
      HTTP_PROXY: "http://127.0.0.1:9",
      HTTPS_PROXY: "http://127.0.0.1:9",
      npm_config_offline: "true",
    };

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
