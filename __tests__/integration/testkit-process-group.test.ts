/**
 * testkit/process-group.ts with real processes: what a command leaves running in its group is
 * ended with it, a timeout ends the whole group, and the sampler sees the group's processes.
 */
import { existsSync, readFileSync } from "node:fs";
import { runInOwnGroup } from "../../testkit/process-group";

const env = { PATH: process.env.PATH };

/** Gone, or a zombie waiting to be reaped: either way it runs no more. */
function ended(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return true;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
}

async function eventually(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 50 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
}

describe("runInOwnGroup", () => {
  it("ends what the command left running in its group once it exits, and reports its exit code", async () => {
    const run = await runInOwnGroup("sh", ["-c", "sleep 300 & echo $!; exit 3"], {
      cwd: "/",
      env,
      timeoutMs: 10_000,
    });
    const leftBehind = Number(run.stdout.trim());

    expect(run).toMatchObject({ code: 3, timedOut: false });
    expect(leftBehind).toBeGreaterThan(0);
    expect(await eventually(() => ended(leftBehind))).toBe(true);
  });

  it("ends the whole group when it runs too long", async () => {
    const run = await runInOwnGroup("sh", ["-c", "sleep 300 & sleep 300"], { cwd: "/", env, timeoutMs: 300 });

    expect(run).toMatchObject({ code: null, timedOut: true });
    expect(run.durationMs).toBeLessThan(10_000);
  });

  it("samples the resident memory of the group's processes by executable name", async () => {
    const run = await runInOwnGroup("sh", ["-c", "sleep 1 & sleep 1 & wait"], {
      cwd: "/",
      env,
      timeoutMs: 10_000,
      sampleRssOf: "sleep",
      sampleEveryMs: 50,
    });

    expect(run.code).toBe(0);
    expect(run.peakProcesses).toBe(2);
    expect(run.peakRssBytes).toBeGreaterThan(0);
  });

  it("rejects a command that does not exist", async () => {
    await expect(
      runInOwnGroup("first-line-no-such-command", [], { cwd: "/", env, timeoutMs: 1000 }),
    ).rejects.toMatchObject({ code: "ENOENT" });
  });
});
