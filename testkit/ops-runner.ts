/**
 * Runs the on-call commands (scripts/pause.ts and the others) for tests: as the real script in
 * its own process (exactly what `npm run pause` runs), or in-process through the same command
 * function with a context whose output is captured and whose clock a test may set. Both report
 * failures through the commands' own reporter, so messages and exit codes are the real ones.
 */
import { join } from "node:path";
import { CommandLineError } from "../scripts/lib/command";
import { type OpsContext, opsFailure } from "../scripts/lib/ops/context";
import { AwsSession } from "../scripts/lib/ops/session";
import { runProcess } from "../scripts/lib/run-process";
import type { ResolvedConfig } from "../stacks/config";
import { PROJECT_DIR } from "./synth";

/** What a command printed and returned. */
export interface OpsRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** The on-call commands, by script name. */
export type OpsCommand = "pause" | "resume" | "status" | "history" | "drill";

/**
 * Runs `scripts/<command>.ts` with tsx in its own process and waits for it, without blocking
 * this one (so a stand-in served from here can answer it). `env` is added to this process's.
 */
export function runOpsScript(
  command: OpsCommand,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd = PROJECT_DIR,
): Promise<OpsRun> {
  const tsx = join(PROJECT_DIR, "node_modules", ".bin", "tsx");
  return runProcess(tsx, [join(PROJECT_DIR, "scripts", `${command}.ts`), ...args], {
    cwd,
    env: { ...process.env, ...env },
  }).then((run) => ({ code: run.code ?? -1, out: run.stdout, err: run.stderr }));
}

/** A clock a test moves: `sleep` advances it instead of waiting. */
export function virtualClock(start = new Date()): Pick<OpsContext, "now" | "sleep"> {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
      // Let the stand-in and anything else pending run, as real time would.
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}

export interface InProcessOptions {
  readonly config: ResolvedConfig;
  /** @default the real clock */
  readonly clock?: Pick<OpsContext, "now" | "sleep">;
}

/**
 * Runs a command's function in this process with captured output. AWS clients resolve
 * endpoints from `process.env` (set the stand-in's `AWS_ENDPOINT_URL_*` there first).
 */
export async function runOpsInProcess<A>(
  name: OpsCommand,
  main: (args: A, ctx: OpsContext) => Promise<number>,
  args: A,
  options: InProcessOptions,
): Promise<OpsRun> {
  let out = "";
  let err = "";
  const ctx: OpsContext = {
    config: options.config,
    session: new AwsSession(name),
    io: {
      out: (text) => {
        out += text;
      },
      err: (text) => {
        err += text;
      },
    },
    now: options.clock?.now ?? (() => new Date()),
    sleep: options.clock?.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
  let code: number;
  try {
    code = await main(args, ctx);
  } catch (error) {
    const write = (text: string) => {
      err += text;
    };
    const reported = opsFailure(name, error, write);
    if (reported !== undefined) code = reported;
    else if (error instanceof CommandLineError) {
      write(`${name}: ${error.message}\n`);
      code = 1;
    } else throw error;
  }
  return { code, out, err };
}
