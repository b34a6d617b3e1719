/**
 * `npm run simulate -- [--account <a>] --region <r> --instance <id> --scenario <name> [--quiet]`
 *
 * Runs the region's real workflow definition locally with the real handlers against stand-ins
 * on 127.0.0.1 (see scripts/lib/simulate.ts). Progress (states as they are entered) goes to
 * stderr, the report to stdout. Exit codes: 0 the execution ended as the scenario expects,
 * 2 it did not, 1 the request was wrong (unknown region, instance or scenario: the valid
 * choices are listed) or the configuration is invalid.
 */
import { ConfigError, loadConfig } from "../stacks/config";
import { closeSandbox } from "../testkit/sandbox";
import { runCommand, usageLine } from "./lib/command";
import { formatSimulation, SCENARIOS, simulate, UsageError } from "./lib/simulate";
import { usageErrorText } from "./lib/usage";

const command = {
  invocation: "npm run simulate --",
  name: "simulate",
  description:
    "Runs a region's workflow locally, with the real handlers against stand-ins on 127.0.0.1, and prints\n" +
    "the states it went through with simulated timings and the outcome. The configuration is the synth's\n" +
    "(FIRST_LINE_CONFIG, else cdktf.json context.firstLine).",
  options: {
    account: {
      type: "string",
      placeholder: "name",
      description: "the account of the region (fleet configurations)",
    },
    region: { type: "string", placeholder: "region", description: "a configured region" },
    instance: { type: "string", placeholder: "instance-id", description: "an instance of that region" },
    scenario: {
      type: "string",
      placeholder: "name",
      description: `one of: ${SCENARIOS.map((s) => s.name).join(", ")}`,
    },
    quiet: { type: "boolean", description: "no progress and no function logs on stderr" },
  },
  notes: [
    "Without --region, --instance or --scenario it lists the configured instances and the scenarios.",
    "Exit codes: 0 the execution ended as the scenario expects, 2 it did not, 1 a wrong request or config.",
  ],
} as const;

async function main(args: {
  account?: string;
  region?: string;
  instance?: string;
  scenario?: string;
  quiet?: boolean;
}): Promise<number> {
  // The same loader as main.ts: FIRST_LINE_CONFIG, else cdktf.json context.firstLine.
  const config = loadConfig({ cwd: process.cwd(), env: process.env });
  const { region, instance, scenario } = args;
  if (!region || !instance || !scenario) {
    const missing = (["region", "instance", "scenario"] as const).filter((k) => !args[k]);
    process.stderr.write(
      `simulate: missing ${missing.map((m) => `--${m}`).join(", ")}\n${usageLine(command)}\n`,
    );
    process.stderr.write("instances:\n");
    for (const r of config.regions) {
      const account = r.account === undefined ? "" : `--account ${r.account.name} `;
      for (const i of r.instances)
        process.stderr.write(`  ${account}--region ${r.name} --instance ${i.settings.instanceId}\n`);
    }
    process.stderr.write("scenarios:\n");
    for (const s of SCENARIOS) process.stderr.write(`  ${s.name.padEnd(24)} ${s.description}\n`);
    return 1;
  }
  const quiet = args.quiet === true;
  // The handlers write JSON log lines to stdout as Lambda would; here they are progress, so
  // while the execution runs stdout goes to stderr (nowhere with --quiet), keeping stdout for
  // the report.
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    if (!quiet) process.stderr.write(`simulate: [function log] ${String(chunk)}`);
    return true;
  }) as typeof process.stdout.write;
  try {
    const result = await simulate({
      config,
      region,
      ...(args.account === undefined ? {} : { account: args.account }),
      instance,
      scenario,
      ...(quiet ? {} : { onProgress: (line: string) => process.stderr.write(`simulate: ${line}\n`) }),
    });
    process.stdout.write = stdoutWrite;
    process.stdout.write(formatSimulation(result));
    return result.asExpected ? 0 : 2;
  } finally {
    process.stdout.write = stdoutWrite;
    await closeSandbox();
  }
}

runCommand(command, main, (err, write) => {
  if (err instanceof UsageError) {
    write(usageErrorText(command.name, err));
    return 1;
  }
  if (err instanceof ConfigError) {
    write(`${err.message}\n`);
    return 1;
  }
  if (err instanceof Error) {
    write(`simulate: ${err.stack ?? err.message}\n`);
    return 1;
  }
  return undefined;
});
