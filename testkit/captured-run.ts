/**
 * A child process run to completion with its output captured: stdout and stderr apart, and both
 * together in the order they arrived (what a terminal or a CI log would show). Never rejects for
 * a non-zero exit: the caller judges; rejects only when the command cannot be started.
 */
import { spawn } from "node:child_process";

export interface CapturedRun {
  /** Exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  readonly output: string;
}

export interface CapturedRunOptions {
  readonly cwd: string;
  /** The child's whole environment (spread `process.env` in to inherit it). */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Runs `command` with stdin closed and waits for it, without blocking this process (so a
 * stand-in served from here can answer it).
 */
export function runCaptured(
  command: string,
  args: readonly string[],
  options: CapturedRunOptions,
): Promise<CapturedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let output = "";
    // Decoded per stream, so a character split across two chunks stays whole.
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      stdout += text;
      output += text;
    });
    child.stderr.on("data", (text: string) => {
      stderr += text;
      output += text;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, output }));
  });
}
