/**
 * What every on-call command shares: its options for choosing a region and instance, what it
 * runs with (configuration, AWS session, output streams, clock: tests pass their own), and one
 * way of turning failures into a message and an exit code.
 */
import { ConfigError, loadConfig, type ResolvedConfig } from "../../../stacks/config";
import {
  type CommandSpec,
  type ErrorReporter,
  type OptionSpecs,
  type OptionValues,
  runCommand,
} from "../command";
import { UsageError, usageErrorText } from "../usage";
import { OpsAwsError } from "./aws-call";
import { AwsSession } from "./session";

/** Exit codes of the on-call commands (README "On call"). */
export const EXIT = {
  ok: 0,
  /** A wrong command line, an unknown region, instance or account, an invalid configuration. */
  usage: 1,
  /** drill --wait: the execution did not end with an outcome (failed, timed out, never started). */
  outcome: 2,
  /** AWS refused or failed a call (access denied, throttled after retries, not deployed, no credentials). */
  aws: 3,
} as const;

/** A request that is well formed but must not be carried out as things are (exit 1), with what to do instead. */
export class OpsRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OpsRefusal";
  }
}

/** `--account`, `--region`, `--instance` as the commands declare them. */
export const TARGET_OPTIONS = {
  account: {
    type: "string",
    placeholder: "name",
    description:
      "the region's account (configurations with accounts; required when the region is in several)",
  },
  region: { type: "string", placeholder: "region", description: "a configured region" },
  instance: { type: "string", placeholder: "instance-id", description: "an instance of that region" },
} as const;

/** `--json`, for the commands that print a table. */
export const JSON_OPTION = {
  json: { type: "boolean", description: "print JSON instead of the table (for scripts)" },
} as const;

/** Lines every on-call command's help ends with. */
export const OPS_NOTES = [
  "The configuration is the synth's (FIRST_LINE_CONFIG, else cdktf.json context.firstLine): it names the regions,",
  "instances and resources. AWS credentials and endpoints come from the SDK's default chain (AWS_PROFILE,",
  "AWS_ENDPOINT_URL_*); with accounts, the account's roleArn is assumed.",
  "Exit codes: 0 done, 1 wrong command line, region, instance or configuration (or a refused request),",
  "2 (drill --wait) the execution did not end with an outcome, 3 AWS refused or failed a call.",
] as const;

/** What a command writes to. */
export interface OpsIo {
  /** Results (stdout). */
  out(text: string): void;
  /** Progress, notes and errors (stderr). */
  err(text: string): void;
}

/** What a command runs with. */
export interface OpsContext {
  readonly config: ResolvedConfig;
  readonly session: AwsSession;
  readonly io: OpsIo;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** The context of a command run from the shell: the synth's configuration, stdout and stderr, the real clock. */
export function shellContext(command: string): OpsContext {
  // The project supports Node 20 (README "Node versions"); the SDK's notice that its releases
  // after January 2027 will not would otherwise open every command's output on Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  return {
    config: loadConfig({ cwd: process.cwd(), env: process.env }),
    session: new AwsSession(command),
    io: {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    },
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/**
 * Writes the message for a failure and returns its exit code; undefined for the rest (runCommand
 * prints a wrong command line with the usage, and anything else, a bug, as it is).
 */
export function opsFailure(name: string, err: unknown, write: (text: string) => void): number | undefined {
  if (err instanceof UsageError) {
    write(usageErrorText(name, err));
    return EXIT.usage;
  }
  if (err instanceof OpsRefusal) {
    write(`${name}: ${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof ConfigError) {
    write(`${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof OpsAwsError) {
    write(`${name}: ${err.message}\n`);
    return EXIT.aws;
  }
  return undefined;
}

/** runCommand's error reporter for an on-call command. */
export function opsReporter(name: string): ErrorReporter {
  return (err, write) => opsFailure(name, err, write);
}

/**
 * Runs an on-call command from the shell: `main` with the shell's context (loaded only once the
 * command line is good, so `--help` needs no configuration), failures worded by {@link opsFailure}.
 * `main` may declare its required options as present: runCommand refuses a command line without them.
 */
export function runOpsCommand<O extends OptionSpecs, A extends OptionValues<O>>(
  spec: CommandSpec<O>,
  main: (args: A, ctx: OpsContext) => Promise<number>,
): Promise<number> {
  return runCommand(spec, (args) => main(args as A, shellContext(spec.name)), opsReporter(spec.name));
}
