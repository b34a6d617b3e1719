import {
  type EC2Client,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { oneOf, whole } from "../../contract/fields";
import { instanceIdField, regionField } from "../../contract/identifiers";
import { RESTART_SETTINGS } from "../../contract/restart";
import {
  type ElapsedEvent,
  type ElapsedResult,
  instantField,
  type PlanEvent,
  type PlanResult,
  type RestartEvent,
  type RestartResult,
} from "../../contract/workflow";
import { describeAwsError, errorName, THROTTLING_ERROR_NAMES } from "../shared/error-text";
import { RestartRejectedError, RestartThrottledError } from "../shared/errors";
import { defineHandler } from "../shared/handler";
import { parseEvent } from "../shared/input";
import type { LogSink } from "../shared/log";

/** The one EC2 method the restart core calls. */
export type Ec2Sender = Pick<EC2Client, "send">;

/** Step Functions STANDARD executions last at most a year; a longer lock is a config error. */
export const MAX_LOCK_SECONDS = 365 * 24 * 3600;

/** The field every event has: which action it asks for (read first, to pick the rest). */
const ACTION = { action: oneOf(["reboot", "stop", "start", "plan", "elapsed"] as const) } as const;

/** What each action's event holds (the same fields the config and the workflow use). */
const EVENTS = {
  restart: {
    action: oneOf(["reboot", "stop", "start"] as const),
    instanceId: instanceIdField,
    region: regionField,
  },
  plan: {
    action: oneOf(["plan"] as const),
    now: instantField,
    lockSeconds: whole(1, MAX_LOCK_SECONDS),
    cooldownMinutes: RESTART_SETTINGS.cooldownMinutes,
  },
  elapsed: { action: oneOf(["elapsed"] as const), from: instantField, to: instantField },
} as const;

/** Validates any input of restart-instance; throws InvalidInputError before any EC2 call. */
export function parseRestartInput(event: unknown): RestartEvent | PlanEvent | ElapsedEvent {
  const action = parseEvent(event, ACTION).action;
  if (action === "plan") return parseEvent(event, EVENTS.plan);
  if (action === "elapsed") return parseEvent(event, EVENTS.elapsed);
  return parseEvent(event, EVENTS.restart);
}

/** Whole seconds from one of the workflow's instants to a later one (never negative). */
export function elapsedSeconds(event: ElapsedEvent): ElapsedResult {
  return { seconds: Math.max(0, Math.round((Date.parse(event.to) - Date.parse(event.from)) / 1000)) };
}

/**
 * The instants the workflow compares with Choice `Timestamp*` rules and DynamoDB conditions
 * (pure: `now` is `$$.State.EnteredTime`, never this function's clock).
 */
export function planWindows(event: PlanEvent): PlanResult {
  const now = Date.parse(event.now);
  return {
    lockExpiresAt: new Date(now + event.lockSeconds * 1000).toISOString(),
    cooldownSince: new Date(now - event.cooldownMinutes * 60_000).toISOString(),
  };
}

function commandFor(event: RestartEvent) {
  const input = { InstanceIds: [event.instanceId] };
  switch (event.action) {
    case "reboot":
      return new RebootInstancesCommand(input);
    case "stop":
      return new StopInstancesCommand(input);
    case "start":
      return new StartInstancesCommand(input);
  }
}

/**
 * Makes exactly one EC2 call. Throttling becomes RestartThrottledError (the workflow retries
 * only that); anything else becomes RestartRejectedError (never retried: the instance is in the
 * wrong state, unknown, or we are not allowed, and repeating would not help).
 */
export async function restartInstance(event: RestartEvent, ec2: Ec2Sender): Promise<RestartResult> {
  try {
    // The union of three command types does not fit send()'s overloads; each one alone does.
    await ec2.send(commandFor(event) as RebootInstancesCommand);
  } catch (err) {
    const what = `${event.action} of ${event.instanceId} in ${event.region}`;
    if (THROTTLING_ERROR_NAMES.has(errorName(err))) {
      throw new RestartThrottledError(`EC2 throttled the ${what}: ${describeAwsError(err)}`);
    }
    throw new RestartRejectedError(`EC2 rejected the ${what}: ${describeAwsError(err)}`);
  }
  return { instanceId: event.instanceId, action: event.action, accepted: true };
}

/**
 * The restart-instance function. `ec2For(region)` gives the client of the instance's region, so
 * the call goes where the instance lives even if the event came from elsewhere.
 */
export function createRestartInstance(deps: {
  readonly ec2For: (region: string) => Ec2Sender;
  readonly log?: LogSink;
}): (event: unknown) => Promise<RestartResult | PlanResult | ElapsedResult> {
  return defineHandler<RestartEvent | PlanEvent | ElapsedEvent, RestartResult | PlanResult | ElapsedResult>({
    name: "restart-instance",
    parse: parseRestartInput,
    async run(input) {
      if (input.action === "plan") return planWindows(input);
      if (input.action === "elapsed") return elapsedSeconds(input);
      return restartInstance(input, deps.ec2For(input.region));
    },
    summarize: (result) => ({ ...result }),
    ...(deps.log ? { log: deps.log } : {}),
  });
}
