/**
 * `npm run pause` / `npm run resume` (DESIGN §3.10, §7): an operator silences first-line for one
 * instance without a deploy by writing its pause item into the region's lock table; the
 * workflow reads it before the lock and ends `paused`. Resume deletes the item. Everything is
 * read and checked before the one write, so a refused call leaves the table as it was.
 */
import { MAX_REASON_CHARS } from "../../../functions/shared/message";
import { CommandLineError } from "../command";
import type { OpsContext } from "./context";
import { compactDuration, parseDuration, shortInstant } from "./duration";
import {
  deletePause,
  lockIsLive,
  pauseIsLive,
  putPause,
  readInstance,
  regionTable,
  type StoredPause,
  type TableRef,
} from "./lock-table";
import { findInstance, type InstanceTarget, regionClients, type TargetOptions, targetFlags } from "./target";

/**
 * How long a pause may last: at least a minute, at most a week. A longer silence is a change of
 * configuration (`enabled: false`, reviewed and deployed), not something to forget in a table.
 */
export const PAUSE_LIMITS = { min: 60_000, max: 7 * 86_400_000 } as const;

export interface PauseArgs extends TargetOptions {
  readonly region: string;
  readonly instance: string;
  /** `--for`: 30m, 2h, 1d, 1h30m. */
  readonly for: string;
  readonly reason: string;
  /** @default the caller's ARN (STS GetCallerIdentity) */
  readonly by?: string;
}

function describePause(pause: StoredPause): string {
  const who = pause.pausedBy ? ` by ${pause.pausedBy}` : "";
  const why = pause.reason ? `: ${JSON.stringify(pause.reason)}` : "";
  return `until ${shortInstant(pause.pausedUntil)}${who}${why}`;
}

function where(target: InstanceTarget): string {
  return `${target.instance.settings.instanceId} in ${target.label}`;
}

function lockTable(target: InstanceTarget, ctx: OpsContext): TableRef {
  return regionTable(target, regionClients(target, ctx.session));
}

/** A disabled rule starts nothing anyway: say so, so nobody thinks the pause is what keeps it quiet. */
function disabledNote(target: InstanceTarget): string {
  return target.instance.enabled
    ? ""
    : `note: its alarm rule is disabled in the configuration (enabled: false), so no alarm starts first-line for it either way\n`;
}

/** Writes the pause; exit code 0. */
export async function pause(args: PauseArgs, ctx: OpsContext): Promise<number> {
  const target = findInstance(ctx.config, args);
  const ms = parseDuration("for", args.for, PAUSE_LIMITS);
  const reason = args.reason.trim();
  if (reason === "") {
    throw new CommandLineError("--reason must say why (status, history and chat show it)");
  }
  if (reason.length > MAX_REASON_CHARS) {
    throw new CommandLineError(`--reason is ${reason.length} characters; keep it under ${MAX_REASON_CHARS}`);
  }
  const instanceId = target.instance.settings.instanceId;
  const table = lockTable(target, ctx);
  const pausedBy = args.by?.trim() || (await ctx.session.caller(target.region.name)).arn;
  const before = await readInstance(table, instanceId);

  const now = ctx.now();
  const pausedUntil = new Date(now.getTime() + ms).toISOString();
  const replaced = await putPause(table, instanceId, { pausedUntil, reason, pausedBy });

  ctx.io.out(
    `paused first-line for ${where(target)} for ${compactDuration(ms)}, ${describePause({ pausedUntil, reason, pausedBy })}\n`,
  );
  if (replaced && pauseIsLive(replaced, now)) {
    ctx.io.err(`note: this replaces the pause ${describePause(replaced)}\n`);
  }
  if (lockIsLive(before.lock, now)) {
    ctx.io.err(
      `note: a remediation is running now (lock held by ${before.lock?.lockedBy}); the pause stops the next alarm, not that execution\n`,
    );
  }
  ctx.io.err(disabledNote(target));
  ctx.io.err(`undo with: npm run resume -- ${targetFlags(target)}\n`);
  return 0;
}

export type ResumeArgs = TargetOptions & { readonly region: string; readonly instance: string };

/** Removes the pause (there may be none: said, exit 0). */
export async function resume(args: ResumeArgs, ctx: OpsContext): Promise<number> {
  const target = findInstance(ctx.config, args);
  const removed = await deletePause(lockTable(target, ctx), target.instance.settings.instanceId);
  const now = ctx.now();
  if (removed === undefined) {
    ctx.io.out(`no pause for ${where(target)}: nothing to resume\n`);
  } else if (pauseIsLive(removed, now)) {
    ctx.io.out(`resumed first-line for ${where(target)}: removed the pause ${describePause(removed)}\n`);
  } else {
    ctx.io.out(
      `removed the expired pause of ${where(target)} (${describePause(removed)}); it no longer held since ${shortInstant(removed.pausedUntil)}\n`,
    );
  }
  ctx.io.err(disabledNote(target));
  return 0;
}
