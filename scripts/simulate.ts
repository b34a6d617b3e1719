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
import { parseArgs } from "./lib/args";
import { formatSimulation, SCENARIOS, simulate, UsageError } from "./lib/simulate";

const USAGE =
  "usage: npm run simulate -- [--account <name>] --region <region> --instance <instance-id> --scenario <name> [--quiet]";

async function main(): Promise<number> {
  let args: Record<string, string>;
  try {
    args = parseArgs(process.argv.slice(2), ["account", "region", "instance", "scenario", "quiet"]);
  } catch (err) {
    process.stderr.write(`simulate: ${(err as Error).message}\n${USAGE}\n`);
    return 1;
  }
  // The same loader as main.ts: FIRST_LINE_CONFIG, else cdktf.json context.firstLine.
  const config = loadConfig({ cwd: process.cwd(), env: process.env });
  const missing = ["region", "instance", "scenario"].filter((k) => !args[k]);
  if (missing.length > 0) {
    process.stderr.write(`simulate: missing ${missing.map((m) => `--${m}`).join(", ")}\n${USAGE}\n`);
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
  const quiet = args.quiet === "true";
  // The handlers write JSON log lines to stdout as Lambda would; here they are progress, so
  // while the execution runs stdout goes to stderr (nowhere with --quiet), keeping stdout for
  // the report.
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    if (!quiet) process.stderr.write(`simulate: [function log] ${String(chunk)}`);
    return true;
  }) as typeof process.stdout.write;
  const result = await simulate({
    config,
    region: args.region as string,
    ...(args.account === undefined ? {} : { account: args.account }),
    instance: args.instance as string,
    scenario: args.scenario as string,
    ...(quiet ? {} : { onProgress: (line: string) => process.stderr.write(`simulate: ${line}\n`) }),
  });
  process.stdout.write = stdoutWrite;
  process.stdout.write(formatSimulation(result));
  return result.asExpected ? 0 : 2;
}

main()
  .catch((err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`simulate: ${err.message}; choose one of:\n`);
      for (const c of err.choices) process.stderr.write(`  ${c}\n`);
    } else if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      process.stderr.write(`simulate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    return 1;
  })
  .then(async (code) => {
    await closeSandbox();
    process.exitCode = code;
  });
