/**
 * `npm run status` (DESIGN §7): per region and instance, whether its rule is on, its pause (live
 * or expired), a live lock (a remediation running now), the last restart (the lock item's
 * `lastRestartAt`, which the cooldown reads) and the last execution with its outcome (the
 * newest of the region's recent executions: ListExecutions, then DescribeExecution newest first
 * until every instance has one). Regions are read in parallel; a region AWS refuses is reported
 * and the others are still shown.
 */
import type { ExecutionListItem } from "@aws-sdk/client-sfn";
import type { OpsContext } from "./context";
import { EXIT } from "./context";
import { relativeTime, shortInstant } from "./duration";
import {
  DESCRIBE_CONCURRENCY,
  describeRows,
  type ExecutionRow,
  listExecutions,
  type MachineRef,
  regionMachine,
} from "./executions";
import { outcomeCell } from "./history";
import {
  type LockItem,
  lockIsLive,
  pauseIsLive,
  readTable,
  regionTable,
  type StoredPause,
} from "./lock-table";
import { perRegion } from "./per-region";
import {
  checkInstanceFilter,
  type RegionTarget,
  regionClients,
  selectRegions,
  type TargetOptions,
} from "./target";
import { textTable } from "./text-table";

/** How many of a region's newest executions are searched for each instance's last one. */
export const LAST_EXECUTION_LOOKBACK = 100;

export interface StatusArgs extends TargetOptions {
  readonly json?: boolean;
}

/** One instance's state, as the table shows it and `--json` gives it. */
export interface InstanceStatus {
  readonly account?: string;
  readonly region: string;
  readonly instanceId: string;
  /** False for items of an instance the configuration no longer has. */
  readonly configured: boolean;
  /** Its rule's state in the configuration (DESIGN §4 `enabled`); absent when not configured. */
  readonly enabled?: boolean;
  readonly pause?: StoredPause & { readonly live: boolean };
  /** Only a live lock: a remediation running now. */
  readonly lock?: LockItem;
  readonly lastRestartAt?: string;
  /** The newest of the region's last {@link LAST_EXECUTION_LOOKBACK} executions for this instance. */
  readonly lastExecution?: ExecutionRow;
}

/**
 * Describes the newest executions a few at a time until each wanted instance has its newest
 * one (or the list runs out). Pure apart from the calls.
 */
async function lastExecutions(
  target: RegionTarget,
  machine: MachineRef,
  executions: readonly ExecutionListItem[],
  wanted: ReadonlySet<string>,
): Promise<Map<string, ExecutionRow>> {
  const found = new Map<string, ExecutionRow>();
  for (let i = 0; i < executions.length && found.size < wanted.size; i += DESCRIBE_CONCURRENCY) {
    const batch = executions.slice(i, i + DESCRIBE_CONCURRENCY);
    for (const row of await describeRows(target, machine, batch)) {
      if (row.instanceId && wanted.has(row.instanceId) && !found.has(row.instanceId))
        found.set(row.instanceId, row);
    }
  }
  return found;
}

async function regionStatus(
  target: RegionTarget,
  ctx: OpsContext,
  instance?: string,
): Promise<InstanceStatus[]> {
  const clients = regionClients(target, ctx.session);
  const machine = await regionMachine(target, clients);
  const [items, executions] = await Promise.all([
    readTable(regionTable(target, clients)),
    listExecutions(machine, { limit: LAST_EXECUTION_LOOKBACK }),
  ]);
  const configured = target.region.instances.map((i) => i.settings.instanceId);
  const ids = [...configured, ...[...items.keys()].filter((id) => !configured.includes(id)).sort()].filter(
    (id) => instance === undefined || id === instance,
  );
  const last = await lastExecutions(target, machine, executions, new Set(ids));
  const now = ctx.now();
  return ids.map((instanceId) => {
    const own = items.get(instanceId);
    const config = target.region.instances.find((i) => i.settings.instanceId === instanceId);
    const lastExecution = last.get(instanceId);
    return {
      ...(target.region.account ? { account: target.region.account.name } : {}),
      region: target.region.name,
      instanceId,
      configured: config !== undefined,
      ...(config ? { enabled: config.enabled } : {}),
      ...(own?.pause ? { pause: { ...own.pause, live: pauseIsLive(own.pause, now) } } : {}),
      ...(own?.lock && lockIsLive(own.lock, now) ? { lock: own.lock } : {}),
      ...(own?.lock?.lastRestartAt ? { lastRestartAt: own.lock.lastRestartAt } : {}),
      ...(lastExecution ? { lastExecution } : {}),
    };
  });
}

/** The execution as one cell: outcome (or status), reason, restart, when. */
export function executionCell(row: ExecutionRow, now: Date): string {
  const reason =
    row.outcome && row.reason
      ? ` (${row.outcome === "paused" ? JSON.stringify(row.reason) : row.reason})`
      : "";
  const restart = row.restartSeconds === undefined ? "" : `, restart ${row.restartSeconds} s`;
  return `${outcomeCell(row)}${reason}${restart}, ${shortInstant(row.startedAt)} (${relativeTime(row.startedAt, now)})`;
}

function pauseCell(pause: InstanceStatus["pause"], now: Date): string {
  if (!pause) return "-";
  const by = pause.pausedBy ? ` by ${pause.pausedBy}` : "";
  const why = pause.reason ? `: ${JSON.stringify(pause.reason)}` : "";
  return pause.live
    ? `until ${shortInstant(pause.pausedUntil)} (${relativeTime(pause.pausedUntil, now)})${by}${why}`
    : `expired ${shortInstant(pause.pausedUntil)} (ignored; resume removes it)`;
}

function lockCell(lock: LockItem | undefined): string {
  if (!lock) return "-";
  const name = lock.lockedBy?.split(":").pop() ?? "?";
  return `held by ${name} since ${lock.lockedAt ? shortInstant(lock.lockedAt) : "?"}`;
}

/** The status table. */
export function statusTable(rows: readonly InstanceStatus[], now: Date): string {
  const accounts = rows.some((r) => r.account !== undefined);
  return textTable(
    [
      ...(accounts ? ["ACCOUNT"] : []),
      "REGION",
      "INSTANCE",
      "RULE",
      "PAUSE",
      "LOCK",
      "LAST RESTART",
      "LAST EXECUTION",
    ],
    rows.map((r) => [
      ...(accounts ? [r.account ?? "-"] : []),
      r.region,
      r.instanceId,
      !r.configured ? "not configured" : r.enabled ? "on" : "off (enabled: false)",
      pauseCell(r.pause, now),
      lockCell(r.lock),
      r.lastRestartAt ? `${shortInstant(r.lastRestartAt)} (${relativeTime(r.lastRestartAt, now)})` : "-",
      r.lastExecution
        ? executionCell(r.lastExecution, now)
        : `none in the last ${LAST_EXECUTION_LOOKBACK} executions`,
    ]),
  );
}

/** Reads every selected region (in parallel) and prints the table or JSON. */
export async function status(args: StatusArgs, ctx: OpsContext): Promise<number> {
  const targets = selectRegions(ctx.config, args);
  checkInstanceFilter(targets, args);
  const { results, failures } = await perRegion(targets, (t) => regionStatus(t, ctx, args.instance));
  const rows = results.flat();
  const now = ctx.now();
  if (args.json) {
    ctx.io.out(`${JSON.stringify({ instances: rows, errors: failures }, null, 2)}\n`);
  } else {
    ctx.io.out(statusTable(rows, now));
  }
  for (const f of failures) ctx.io.err(`status: ${f.message}\n`);
  return failures.length > 0 ? EXIT.aws : EXIT.ok;
}
