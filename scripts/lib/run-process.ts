/**
 * Runs a child process to completion and keeps what it printed: the one place scripts (cdktf
 * diff per stack) and the tests (synth runs, the on-call scripts, pipeline steps) wait for a
 * command and read its output. Never rejects for a non-zero exit: the caller judges.
 */
import { spawn } from "node:child_process";

/** How a process ended and everything it wrote. */
export interface ProcessResult {
  /** The exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they arrived (what a terminal or a CI log would show). */
  readonly output: string;
}

export interface ProcessOptions {
  readonly cwd: string;
  /** The child's whole environment (spread `process.env` in to inherit it). */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Runs `command` with `args` and stdin closed, without blocking this process (so a stand-in
 * served from here can answer it); rejects only when it cannot be started.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: ProcessOptions,
): Promise<ProcessResult> {
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
