/**
 * `npm run drill` (DESIGN §7): proves a deploy end to end by setting the instance's CPU alarm to
 * ALARM with `SetAlarmState`, so EventBridge starts a real remediation through the real rule.
 * It refuses when that would start nothing (the rule disabled, the alarm already in ALARM, so
 * no state change) and warns when the execution will only end `paused`. With `--wait` it finds
 * the execution the drill started (new since the drill, for this alarm) and follows it to its
 * outcome, printing each state as it is entered.
 */
import { DescribeAlarmsCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { GetExecutionHistoryCommand, type HistoryEvent } from "@aws-sdk/client-sfn";
import type { WorkflowInput } from "../../../contract/workflow";
import { formatDuration } from "../../../functions/shared/message";
import { alarmRuleName, dashboardName, deadLetterQueueName } from "../../../stacks/naming";
import { CommandLineError } from "../command";
import { awsCall, awsPages, OpsAwsError } from "./aws-call";
import { EXIT, type OpsContext, OpsRefusal } from "./context";
import { shortInstant } from "./duration";
import {
  describeExecution,
  type ExecutionRow,
  executionRow,
  listExecutions,
  type MachineRef,
  regionMachine,
} from "./executions";
import { historyTable } from "./history";
import { pauseIsLive, readInstance, regionTable } from "./lock-table";
import { findInstance, type InstanceTarget, regionClients, type TargetOptions, targetFlags } from "./target";

/** EventBridge starts the execution within seconds; after this long something is wrong. */
export const START_TIMEOUT_MS = 5 * 60_000;
/** Executions listed before the drill, to tell the drill's own execution from earlier ones. */
const RECENT = 50;
const DEFAULT_POLL_SECONDS = 5;

export interface DrillArgs extends TargetOptions {
  readonly region: string;
  readonly instance: string;
  readonly wait?: boolean;
  /** `--poll-seconds`: how often --wait asks. @default 5 */
  readonly "poll-seconds"?: string;
}

function pollMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_POLL_SECONDS * 1000;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds < 0.1 || seconds > 60) {
    throw new CommandLineError(
      `--poll-seconds ${JSON.stringify(value)} is not a number of seconds from 0.1 to 60`,
    );
  }
  return seconds * 1000;
}

/** The console page listing the state machine's executions. */
function machineConsoleUrl(region: string, arn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/statemachines/view/${arn}`;
}

/** Whether an execution was started by this alarm for this instance (its input says so). */
function startedBy(input: string | undefined, target: InstanceTarget): boolean {
  try {
    const parsed = JSON.parse(input ?? "") as Partial<WorkflowInput>;
    return (
      parsed.instance?.instanceId === target.instance.settings.instanceId &&
      parsed.alarm?.name === target.alarmName
    );
  } catch {
    return false;
  }
}

export async function drill(args: DrillArgs, ctx: OpsContext): Promise<number> {
  const target = findInstance(ctx.config, args);
  const poll = pollMs(args["poll-seconds"]);
  const { io } = ctx;
  const instanceId = target.instance.settings.instanceId;
  if (!target.instance.enabled) {
    throw new OpsRefusal(
      `the alarm rule of ${instanceId} in ${target.label} is disabled (enabled: false in the configuration), so an alarm starts nothing; set enabled to true (or remove it), deploy, then drill`,
    );
  }
  const clients = regionClients(target, ctx.session);
  const where = target.label;
  const alarms = await awsCall(
    { action: "cloudwatch:DescribeAlarms", resource: target.alarmName, where },
    () =>
      clients.cloudwatch.send(
        new DescribeAlarmsCommand({ AlarmNames: [target.alarmName], AlarmTypes: ["MetricAlarm"] }),
      ),
  );
  const alarm = alarms.MetricAlarms?.[0];
  if (alarm === undefined) {
    throw new OpsAwsError(
      "not-found",
      { action: "cloudwatch:DescribeAlarms", resource: target.alarmName, where },
      "ResourceNotFound",
      `the CPU alarm ${target.alarmName} does not exist in ${where}; is first-line deployed there with this configuration (same stackName, region and account)?`,
    );
  }
  if (alarm.StateValue === "ALARM") {
    const since = alarm.StateUpdatedTimestamp ? ` since ${shortInstant(alarm.StateUpdatedTimestamp)}` : "";
    throw new OpsRefusal(
      `${target.alarmName} is already in ALARM${since}: setting ALARM again is no state change, so it would start nothing (that alarm already started first-line: npm run history -- ${targetFlags(target)}); drill once it is back to OK`,
    );
  }
  const items = await readInstance(regionTable(target, clients), instanceId);
  const machine = await regionMachine(target, clients);
  const before = new Set<string | undefined>(
    args.wait ? (await listExecutions(machine, { limit: RECENT })).map((e) => e.executionArn) : [],
  );
  const caller = await ctx.session.caller(target.region.name);

  const startedAt = ctx.now();
  await awsCall({ action: "cloudwatch:SetAlarmState", resource: target.alarmName, where }, () =>
    clients.cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: target.alarmName,
        StateValue: "ALARM",
        StateReason: `first-line drill by ${caller.arn} at ${startedAt.toISOString()}`,
      }),
    ),
  );
  io.out(
    `set ${target.alarmName} to ALARM in ${where} (a drill): EventBridge now starts ${target.stateMachineName} for ${instanceId}\n`,
  );
  io.out(
    [
      "follow it:",
      `  npm run history -- ${targetFlags(target)} --since 15m`,
      `  ${machineConsoleUrl(target.region.name, machine.stateMachineArn)}`,
      `the alarm goes back to its real state at its next evaluation (every ${alarm.Period ?? "?"} s).`,
      "",
    ].join("\n"),
  );
  if (items.pause && pauseIsLive(items.pause, startedAt)) {
    io.err(
      `note: ${instanceId} is paused until ${shortInstant(items.pause.pausedUntil)}: the execution will end "paused" (npm run resume -- ${targetFlags(target)} lifts it)\n`,
    );
  }
  if (!args.wait) return EXIT.ok;
  return follow(target, machine, before, ctx, poll, startedAt);
}

/** Waits for the drill's execution, prints each state entered, ends with its row. */
async function follow(
  target: InstanceTarget,
  machine: MachineRef,
  before: ReadonlySet<string | undefined>,
  ctx: OpsContext,
  poll: number,
  startedAt: Date,
): Promise<number> {
  const { io } = ctx;
  const elapsed = () => formatDuration(ctx.now().getTime() - startedAt.getTime());
  io.err(
    `drill: waiting for EventBridge to start the execution (up to ${formatDuration(START_TIMEOUT_MS)})\n`,
  );
  // Executions already described and found to be another alarm's are not described again.
  const notOurs = new Set(before);
  let executionArn: string | undefined;
  while (executionArn === undefined) {
    const fresh = (await listExecutions(machine, { limit: RECENT })).filter(
      (e) => !notOurs.has(e.executionArn),
    );
    for (const e of fresh.reverse()) {
      const described = await describeExecution(machine, e.executionArn ?? "");
      if (startedBy(described.input, target)) {
        executionArn = described.executionArn;
        break;
      }
      notOurs.add(e.executionArn);
    }
    if (executionArn !== undefined) break;
    if (ctx.now().getTime() - startedAt.getTime() > START_TIMEOUT_MS) {
      io.err(
        `drill: no execution for ${target.alarmName} after ${elapsed()}: check the rule ${alarmRuleName(target.stackName, target.region.name, target.instance.settings.instanceId)} and the dead-letter queue ${deadLetterQueueName(target.stackName, target.region.name)} (the dashboard ${dashboardName(target.stackName, target.region.name)} shows its depth)\n`,
      );
      return EXIT.outcome;
    }
    await ctx.sleep(poll);
  }
  io.err(`drill: started ${executionArn.split(":").pop()} after ${elapsed()}\n`);

  const limitMs = (target.timeouts.machineTimeoutSeconds + 120) * 1000;
  let seen = 0;
  for (;;) {
    const events = await executionEvents(machine, executionArn);
    const start = events[0]?.timestamp?.getTime() ?? startedAt.getTime();
    for (const event of events.slice(seen)) {
      const name = event.stateEnteredEventDetails?.name;
      // Choice states only route ("Paused?"): the states that act or record say what happened.
      if (name !== undefined && event.type !== "ChoiceStateEntered") {
        const at = Math.max(0, (event.timestamp?.getTime() ?? start) - start);
        io.err(`drill: +${formatDuration(at)} ${name}\n`);
      }
    }
    seen = events.length;
    const described = await describeExecution(machine, executionArn);
    if (described.status !== "RUNNING") {
      const row: ExecutionRow = executionRow(target, described);
      io.out(historyTable([row]));
      const took = row.stoppedAt
        ? ` after ${formatDuration(Date.parse(row.stoppedAt) - Date.parse(row.startedAt))}`
        : "";
      io.err(`drill: ${row.status}${row.outcome ? `, outcome ${row.outcome}` : ""}${took}\n`);
      return described.status === "SUCCEEDED" && row.outcome !== undefined ? EXIT.ok : EXIT.outcome;
    }
    if (ctx.now().getTime() - startedAt.getTime() > limitMs) {
      io.err(
        `drill: still running after ${elapsed()}, longer than the machine's own timeout; see the console\n`,
      );
      return EXIT.outcome;
    }
    await ctx.sleep(poll);
  }
}

/** Every event of the execution's history, oldest first. */
async function executionEvents(machine: MachineRef, executionArn: string): Promise<HistoryEvent[]> {
  const out: HistoryEvent[] = [];
  const pages = awsPages(
    { action: "states:GetExecutionHistory", resource: executionArn, where: machine.where },
    (nextToken: string | undefined) =>
      machine.client.send(
        new GetExecutionHistoryCommand({
          executionArn,
          maxResults: 1000,
          includeExecutionData: false,
          ...(nextToken ? { nextToken } : {}),
        }),
      ),
    (page) => page.nextToken,
  );
  for await (const page of pages) out.push(...(page.events ?? []));
  return out;
}
