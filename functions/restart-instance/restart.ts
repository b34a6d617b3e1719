import {
  type EC2Client,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import type { PlanEvent, PlanResult, RestartEvent, RestartResult } from "../shared/contracts";
import { describeAwsError, errorName, THROTTLING_ERROR_NAMES } from "../shared/error-text";
import { RestartRejectedError, RestartThrottledError } from "../shared/errors";
import { INSTANCE_ID, parseInput, REGION } from "../shared/input";
import { ISO_INSTANT, isIsoInstant } from "../shared/message";

/** The one EC2 method the restart core calls. */
export type Ec2Sender = Pick<EC2Client, "send">;

/** Step Functions STANDARD executions last at most a year; a longer lock is a config error. */
export const MAX_LOCK_SECONDS = 365 * 24 * 3600;
/** A cooldown longer than a year would mean "never restart twice"; that is a config error. */
export const MAX_COOLDOWN_MINUTES = 365 * 24 * 60;

const RESTART_ACTIONS = ["reboot", "stop", "start"] as const;

/** Validates either input of restart-instance; throws InvalidInputError before any EC2 call. */
export function parseRestartInput(event: unknown): RestartEvent | PlanEvent {
  return parseInput(event, (read): RestartEvent | PlanEvent => {
    const action = read.oneOf(["action"], [...RESTART_ACTIONS, "plan"] as const);
    if (action === "plan") {
      const now = read.string(["now"], { pattern: ISO_INSTANT, hint: "an ISO-8601 instant" });
      read.check(
        now === "" || !ISO_INSTANT.test(now) || isIsoInstant(now),
        ["now"],
        "is not a real date and time",
      );
      return {
        action,
        now,
        lockSeconds: read.number(["lockSeconds"], { integer: true, min: 1, max: MAX_LOCK_SECONDS }),
        cooldownMinutes: read.number(["cooldownMinutes"], { min: 0, max: MAX_COOLDOWN_MINUTES }),
      };
    }
    return {
      action,
      instanceId: read.string(["instanceId"], { pattern: INSTANCE_ID, hint: "an EC2 instance id" }),
      region: read.string(["region"], { pattern: REGION, hint: "an AWS region name" }),
    };
  });
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
}): (event: unknown) => Promise<RestartResult | PlanResult> {
  return async (event) => {
    const input = parseRestartInput(event);
    if (input.action === "plan") return planWindows(input);
    return restartInstance(input, deps.ec2For(input.region));
  };
}
