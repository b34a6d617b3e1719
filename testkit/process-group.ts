/**
 * Running a command in a process group of its own, so everything it starts (Terraform's
 * provider plugins) can be ended with it: a failed `terraform plan` has been seen to leave its
 * providers running. While it runs, the summed resident memory of the group's processes whose
 * name matches is sampled from /proc (Linux), for `npm run bench`.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";

export interface GroupRun {
  /** Exit code; null when a signal ended it (see `timedOut`). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
  /** Peak summed RSS of the sampled processes, in bytes (0 when not sampled). */
  readonly peakRssBytes: number;
  /** Most sampled processes seen at once. */
  readonly peakProcesses: number;
}

export interface GroupRunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Killed (the whole group) after this long. */
  readonly timeoutMs: number;
  /** Sample the RSS of the group's processes whose executable name starts with this. */
  readonly sampleRssOf?: string;
  /** @default 250 */
  readonly sampleEveryMs?: number;
}

/** Processes of process group `pgid` (by /proc/<pid>/stat) whose executable name starts with `prefix`. */
function groupMembers(pgid: number, prefix: string): { pid: number; rssBytes: number }[] {
  const out: { pid: number; rssBytes: number }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after it.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const argv0 = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")[0] ?? "";
      if (!basename(argv0).startsWith(prefix)) continue;
      const rssKb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1];
      out.push({ pid: Number(entry), rssBytes: Number(rssKb ?? 0) * 1024 });
    } catch {
      // The process ended between listing and reading: it holds no memory any more.
    }
  }
  return out;
}

/** Sends `signal` to every process of group `pgid`; a group already gone is fine. */
function killGroup(pgid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/**
 * Runs `command` as the leader of a new process group and, when it has exited (or timed out),
 * kills whatever is left of the group. Never rejects for a non-zero exit: the caller judges.
 */
export function runInOwnGroup(
  command: string,
  args: readonly string[],
  options: GroupRunOptions,
): Promise<GroupRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pgid = child.pid;
    if (pgid === undefined) {
      child.once("error", reject);
      return;
    }
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));

    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(pgid);
    }, options.timeoutMs);

    let peakRssBytes = 0;
    let peakProcesses = 0;
    const { sampleRssOf } = options;
    const sampler =
      sampleRssOf === undefined
        ? undefined
        : setInterval(() => {
            const members = groupMembers(pgid, sampleRssOf);
            peakProcesses = Math.max(peakProcesses, members.length);
            peakRssBytes = Math.max(
              peakRssBytes,
              members.reduce((sum, m) => sum + m.rssBytes, 0),
            );
          }, options.sampleEveryMs ?? 250);

    child.once("error", (error) => {
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      killGroup(pgid);
      reject(error);
    });
    // At exit, end what is left of the group: a leftover that inherited stdout would otherwise
    // hold the pipe open, and "close" (all output read) would wait for it.
    let exitCode: number | null = null;
    child.once("exit", (code) => {
      exitCode = code;
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      killGroup(pgid);
    });
    child.once("close", () => {
      resolve({
        code: exitCode,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        timedOut,
        peakRssBytes,
        peakProcesses,
      });
    });
  });
}
