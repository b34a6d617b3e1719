/**
 * `npm run history` (DESIGN §7): the executions of every selected region since `--since`
 * (default 24h), newest first, with outcome, reason, restart duration and the console link;
 * a table, or `--json`. Each region: ListExecutions newest first until older than `--since`,
 * DescribeExecution of each (its input says the instance, its output the outcome).
 */
import { EXIT, type OpsContext } from "./context";
import { parseDuration, shortInstant } from "./duration";
import { describeRows, type ExecutionRow, listExecutions, regionMachine } from "./executions";
import { perRegion } from "./per-region";
import { checkInstanceFilter, regionClients, selectRegions, type TargetOptions } from "./target";
import { textTable } from "./text-table";

/** Step Functions keeps a closed standard execution for 90 days: nothing older can be listed. */
export const SINCE_LIMITS = { min: 60_000, max: 90 * 86_400_000 } as const;
export const DEFAULT_SINCE = "24h";

export interface HistoryArgs extends TargetOptions {
  /** `--since`: 30m, 24h, 7d. @default 24h */
  readonly since?: string;
  readonly json?: boolean;
}

/** The outcome cell: the outcome, `running`, or the status with its error. */
export function outcomeCell(row: ExecutionRow): string {
  if (row.outcome) return row.outcome;
  if (row.status === "RUNNING") return "running";
  return row.error ? `${row.status} (${row.error})` : row.status;
}

function reasonCell(row: ExecutionRow): string {
  if (!row.reason || !row.outcome) return "-";
  if (row.outcome !== "paused") return row.reason;
  return `${JSON.stringify(row.reason)}${row.pausedBy ? ` (${row.pausedBy})` : ""}`;
}

/** The history table. */
export function historyTable(rows: readonly ExecutionRow[]): string {
  const accounts = rows.some((r) => r.account !== undefined);
  return textTable(
    [
      "STARTED (UTC)",
      ...(accounts ? ["ACCOUNT"] : []),
      "REGION",
      "INSTANCE",
      "OUTCOME",
      "REASON",
      "RESTART",
      "EXECUTION",
    ],
    rows.map((r) => [
      shortInstant(r.startedAt),
      ...(accounts ? [r.account ?? "-"] : []),
      r.region,
      r.instanceId ?? "-",
      outcomeCell(r),
      reasonCell(r),
      r.restartSeconds === undefined ? "-" : `${r.restartSeconds} s`,
      r.consoleUrl,
    ]),
  );
}

export async function history(args: HistoryArgs, ctx: OpsContext): Promise<number> {
  const targets = selectRegions(ctx.config, args);
  const instance = args.instance;
  checkInstanceFilter(targets, args);
  const since = new Date(
    ctx.now().getTime() - parseDuration("since", args.since ?? DEFAULT_SINCE, SINCE_LIMITS),
  );

  const { results, failures } = await perRegion(targets, async (target) => {
    const machine = await regionMachine(target, regionClients(target, ctx.session));
    const rows = await describeRows(target, machine, await listExecutions(machine, { since }));
    return rows.filter((r) => instance === undefined || r.instanceId === instance);
  });
  const rows = results
    .flat()
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));

  if (args.json) {
    ctx.io.out(
      `${JSON.stringify({ since: since.toISOString(), executions: rows, errors: failures }, null, 2)}\n`,
    );
  } else if (rows.length === 0) {
    const scope = [instance, targets.length === 1 ? targets[0]?.label : `${targets.length} regions`]
      .filter(Boolean)
      .join(" in ");
    ctx.io.out(`no executions since ${shortInstant(since)} (${scope})\n`);
  } else {
    ctx.io.out(historyTable(rows));
  }
  for (const f of failures) ctx.io.err(`history: ${f.message}\n`);
  return failures.length > 0 ? EXIT.aws : EXIT.ok;
}
