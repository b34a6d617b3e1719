/**
 * A region's executions as the on-call commands list them: Step Functions `ListExecutions`
 * (newest first) and `DescribeExecution` for each, read as the workflow writes them: the input
 * the rule's target sends (`WorkflowInput`: which instance) and the output of a finished
 * execution (`WorkflowOutput`: outcome, reason, restart, pause).
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  type ExecutionListItem,
  ListExecutionsCommand,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import { OUTCOMES, type Outcome, type WorkflowInput } from "../../../contract/workflow";
import { executionConsoleUrl, restartMs } from "../../../functions/shared/message";
import type { WorkflowOutput } from "../../../stacks/workflow";
import { inBatches } from "../in-batches";
import { awsCall, awsPages } from "./aws-call";
import type { RegionClients, RegionTarget } from "./target";

/** One execution, as `history` prints it and `--json` gives it. */
export interface ExecutionRow {
  /** The account's name (configurations with `accounts`). */
  readonly account?: string;
  readonly region: string;
  /** From the execution's input; absent for an input without one (started by hand). */
  readonly instanceId?: string;
  readonly name: string;
  readonly executionArn: string;
  /** Step Functions' status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE. */
  readonly status: string;
  /** ISO-8601 UTC. */
  readonly startedAt: string;
  readonly stoppedAt?: string;
  /** The workflow's outcome (DESIGN §3), for an execution that succeeded. */
  readonly outcome?: Outcome;
  /** The escalation reason (escalated), the pause's reason (paused), or the error (failed). */
  readonly reason?: string;
  /** From the restart request to the first poll that saw the instance back (restarted executions). */
  readonly restartSeconds?: number;
  /** Who paused, and until when (paused executions). */
  readonly pausedBy?: string;
  readonly pausedUntil?: string;
  /** Error and cause of an execution that did not succeed. */
  readonly error?: string;
  readonly cause?: string;
  /** The Step Functions console page of the execution. */
  readonly consoleUrl: string;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The instance an execution is about: the input's `instance.instanceId`, else the output's. */
export function executionInstance(input: string | undefined, output?: string): string | undefined {
  const fromInput = text(record(record(parseJson(input) as Partial<WorkflowInput>).instance).instanceId);
  return fromInput ?? text(record(parseJson(output)).instanceId);
}

/** One row from a DescribeExecution answer. Pure. */
export function executionRow(target: RegionTarget, d: DescribeExecutionCommandOutput): ExecutionRow {
  const region = target.region;
  const output = record(parseJson(d.output)) as Partial<WorkflowOutput>;
  const outcome = OUTCOMES.find((o) => o === output.outcome);
  const pause = record(output.pause);
  const restart = restartMs(output.restart);
  const instanceId = executionInstance(d.input, d.output);
  const reason =
    outcome === "escalated"
      ? text(output.reason)
      : outcome === "paused"
        ? text(pause.reason)
        : d.status !== "SUCCEEDED" && d.status !== "RUNNING"
          ? d.error
          : undefined;
  const executionArn = d.executionArn ?? "";
  return {
    ...(region.account ? { account: region.account.name } : {}),
    region: region.name,
    ...(instanceId ? { instanceId } : {}),
    name: d.name ?? executionArn.split(":").pop() ?? "",
    executionArn,
    status: d.status ?? "UNKNOWN",
    startedAt: (d.startDate ?? new Date(0)).toISOString(),
    ...(d.stopDate ? { stoppedAt: d.stopDate.toISOString() } : {}),
    ...(outcome ? { outcome } : {}),
    ...(reason ? { reason } : {}),
    ...(restart === undefined ? {} : { restartSeconds: Math.round(restart / 1000) }),
    ...(outcome === "paused" && text(pause.pausedBy) ? { pausedBy: text(pause.pausedBy) } : {}),
    ...(outcome === "paused" && text(pause.pausedUntil) ? { pausedUntil: text(pause.pausedUntil) } : {}),
    ...(d.error ? { error: d.error } : {}),
    ...(d.cause ? { cause: d.cause } : {}),
    consoleUrl: executionConsoleUrl(region.name, executionArn),
  };
}

/** Where the executions are listed from. */
export interface MachineRef {
  readonly client: SFNClient;
  readonly stateMachineArn: string;
  readonly where: string;
}

/** The region's state machine, asked through the region's clients. */
export async function regionMachine(target: RegionTarget, clients: RegionClients): Promise<MachineRef> {
  return { client: clients.sfn, stateMachineArn: await clients.stateMachineArn(), where: target.label };
}

/**
 * The machine's executions, newest first, that started at or after `since`; at most `limit`.
 * Step Functions lists newest first, so paging stops at the first older one.
 */
export async function listExecutions(
  machine: MachineRef,
  options: { readonly since?: Date; readonly limit?: number },
): Promise<ExecutionListItem[]> {
  const out: ExecutionListItem[] = [];
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const pages = awsPages(
    { action: "states:ListExecutions", resource: machine.stateMachineArn, where: machine.where },
    (nextToken: string | undefined) =>
      machine.client.send(
        new ListExecutionsCommand({
          stateMachineArn: machine.stateMachineArn,
          maxResults: 100,
          ...(nextToken ? { nextToken } : {}),
        }),
      ),
    (page) => page.nextToken,
  );
  for await (const page of pages) {
    for (const execution of page.executions ?? []) {
      if (options.since && (execution.startDate?.getTime() ?? 0) < options.since.getTime()) return out;
      out.push(execution);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/** DescribeExecution of one execution. */
export function describeExecution(
  machine: MachineRef,
  executionArn: string,
): Promise<DescribeExecutionCommandOutput> {
  return awsCall({ action: "states:DescribeExecution", resource: executionArn, where: machine.where }, () =>
    machine.client.send(new DescribeExecutionCommand({ executionArn })),
  );
}

/** DescribeExecution calls in flight per region (Step Functions' DescribeExecution bucket is small). */
export const DESCRIBE_CONCURRENCY = 4;

/** Rows of the executions, described a few at a time. */
export function describeRows(
  target: RegionTarget,
  machine: MachineRef,
  executions: readonly ExecutionListItem[],
): Promise<ExecutionRow[]> {
  return inBatches(executions, DESCRIBE_CONCURRENCY, async (e) =>
    executionRow(target, await describeExecution(machine, e.executionArn ?? "")),
  );
}
