/**
 * Runs a child process to completion and keeps what it printed: the one place scripts (cdktf
 * diff per stack) and the tests' synth runs wait for a command and read its output.
 */
import { spawn } from "node:child_process";

/** How a process ended and everything it wrote, stdout and stderr interleaved as they came. */
export interface ProcessResult {
  /** The exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly output: string;
}

/** Runs `command` with `args`; rejects only when it cannot be started. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}
