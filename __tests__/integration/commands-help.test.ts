/**
 * Every command a user runs answers --help with its usage and exit 0, refuses an unknown
 * option naming it, and `./help` is executable and lists every command.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_DIR } from "../../testkit/synth";

const tsx = join(PROJECT_DIR, "node_modules", ".bin", "tsx");
const run = (command: string, args: readonly string[]) =>
  spawnSync(command, args, {
    cwd: PROJECT_DIR,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });

/** Every command entry point: scripts/*.ts (helpers live in scripts/lib and scripts/bench). */
const commands = readdirSync(join(PROJECT_DIR, "scripts"))
  .filter((f) => f.endsWith(".ts"))
  .sort();

const scripts = (
  JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

describe("--help", () => {
  it("finds the commands", () => {
    expect(commands).toEqual(
      expect.arrayContaining(["summary.ts", "simulate.ts", "diagram.ts", "bench.ts", "stacks.ts"]),
    );
  });

  it.each(commands)(
    "scripts/%s --help prints its usage and exits 0",
    (file) => {
      const out = run(tsx, [join("scripts", file), "--help"]);

      expect([out.status, out.stderr]).toEqual([0, ""]);
      expect(out.stdout).toMatch(/^usage: npm run /);
      expect(out.stdout).toContain("-h, --help");
    },
    60_000,
  );

  it.each(commands)(
    "scripts/%s refuses an unknown option, naming it, with the usage line",
    (file) => {
      const out = run(tsx, [join("scripts", file), "--no-such-option"]);

      expect(out.status).toBe(1);
      expect(out.stderr).toContain("Unknown option '--no-such-option'");
      expect(out.stderr).toContain("usage: npm run ");
    },
    60_000,
  );

  it("npm run simulate -- --help exits 0 through npm as well", () => {
    const out = run("npm", ["run", "--silent", "simulate", "--", "--help"]);

    expect(out.status).toBe(0);
    expect(out.stdout).toContain("usage: npm run simulate -- [--account <name>] [--region <region>]");
  }, 60_000);

  it("main.ts --help prints its usage without synthesizing", () => {
    const before = statSync(join(PROJECT_DIR, "main.ts")).mtimeMs;
    const out = run(process.execPath, ["--import", "tsx", "main.ts", "--help"]);

    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^usage: node --import tsx main\.ts/);
    expect(out.stdout).not.toContain("first-line: synthesized");
    expect(statSync(join(PROJECT_DIR, "main.ts")).mtimeMs).toBe(before);
  }, 60_000);
});

describe("./help", () => {
  it("is executable in git and on disk, and prints the reference", () => {
    const mode = execFileSync("git", ["ls-files", "-s", "help"], {
      cwd: PROJECT_DIR,
      encoding: "utf8",
    }).split(" ")[0];
    const out = run(join(PROJECT_DIR, "help"), []);
    const text = readFileSync(join(PROJECT_DIR, "help"), "utf8");

    expect(mode).toBe("100755");
    expect(statSync(join(PROJECT_DIR, "help")).mode & 0o111).toBe(0o111);
    expect(out.status).toBe(0);
    expect(out.stdout).toBe(text.slice(text.indexOf("\n") + 1));
  });

  it("names every command of package.json that runs a script", () => {
    const text = readFileSync(join(PROJECT_DIR, "help"), "utf8");
    const commandScripts = Object.entries(scripts)
      .filter(([, command]) => /(^| )tsx scripts\/[\w-]+\.ts/.test(command))
      .map(([name]) => name);

    expect(commandScripts.length).toBeGreaterThanOrEqual(commands.length);
    for (const name of commandScripts) {
      expect([name, new RegExp(`npm run (--silent )?${name.replace(/[:]/g, "\\:")}\\b`).test(text)]).toEqual([
        name,
        true,
      ]);
    }
  });
});
