import {
  EC2Client,
  EC2ServiceException,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { ec2For, handler } from "../../functions/restart-instance";
import { createRestartInstance, planWindows } from "../../functions/restart-instance/restart";
import {
  InvalidInputError,
  RestartRejectedError,
  RestartThrottledError,
} from "../../functions/shared/errors";
import { awsError } from "../../testkit/aws-errors";
import { invalidInputProblems } from "../../testkit/invalid-input";

const ec2 = mockClient(EC2Client);
const restart = createRestartInstance({ ec2For: (region) => new EC2Client({ region }) });
const INSTANCE = "i-0123456789abcdef0";

const ec2Error = (name: string, message: string) => awsError(EC2ServiceException, name, message);

beforeEach(() => {
  ec2.reset();
});

describe("restart-instance: restart actions", () => {
  it.each([
    ["reboot", "RebootInstances", RebootInstancesCommand],
    ["stop", "StopInstances", StopInstancesCommand],
    ["start", "StartInstances", StartInstancesCommand],
  ] as const)(
    "%s sends one %s call for exactly the instance and reports it accepted",
    async (action, _operation, command) => {
      ec2.on(command).resolves({});

      const result = await restart({ instanceId: INSTANCE, region: "eu-west-1", action });

      expect(result).toEqual({ instanceId: INSTANCE, action, accepted: true });
      expect(ec2.calls()).toHaveLength(1);
      expect(ec2.commandCalls(command)[0]?.args[0].input).toEqual({ InstanceIds: [INSTANCE] });
    },
  );

  it("uses the client of the event's region", async () => {
    ec2.on(RebootInstancesCommand).resolves({});
    const regions: string[] = [];
    const tracking = createRestartInstance({
      ec2For: (region) => {
        regions.push(region);
        return new EC2Client({ region });
      },
    });

    await tracking({ instanceId: INSTANCE, region: "ap-southeast-2", action: "reboot" });

    expect(regions).toEqual(["ap-southeast-2"]);
  });

  it.each(["RequestLimitExceeded", "Throttling", "ThrottlingException"])(
    "turns EC2 throttling (%s) into RestartThrottled after a single call",
    async (name) => {
      ec2.on(RebootInstancesCommand).rejects(ec2Error(name, "Request limit exceeded."));

      const error = await restart({ instanceId: INSTANCE, region: "eu-west-1", action: "reboot" }).catch(
        (err: unknown) => err,
      );

      expect(error).toBeInstanceOf(RestartThrottledError);
      expect((error as Error).name).toBe("RestartThrottled");
      expect((error as Error).message).toContain(name);
      expect(ec2.calls()).toHaveLength(1);
    },
  );

  it.each([
    [
      "IncorrectInstanceState",
      "The instance 'i-0123456789abcdef0' is not in a state from which it can be stopped.",
    ],
    ["InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not exist"],
    ["UnauthorizedOperation", "You are not authorized to perform this operation."],
  ])("turns %s into RestartRejected naming the AWS error, without retrying", async (name, message) => {
    ec2.on(StopInstancesCommand).rejects(ec2Error(name, message));

    const error = await restart({ instanceId: INSTANCE, region: "eu-west-1", action: "stop" }).catch(
      (err: unknown) => err,
    );

    expect(error).toBeInstanceOf(RestartRejectedError);
    expect((error as Error).name).toBe("RestartRejected");
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).toContain(INSTANCE);
    expect(ec2.calls()).toHaveLength(1);
  });

  it("turns a network failure into RestartRejected, so a possibly accepted call is not repeated", async () => {
    ec2
      .on(RebootInstancesCommand)
      .rejects(Object.assign(new Error("socket hang up"), { name: "TimeoutError" }));

    const error = await restart({ instanceId: INSTANCE, region: "eu-west-1", action: "reboot" }).catch(
      (err: unknown) => err,
    );

    expect(error).toBeInstanceOf(RestartRejectedError);
    expect((error as Error).message).toContain("TimeoutError");
  });
});

describe("restart-instance: plan", () => {
  it("adds the lock seconds and subtracts the cooldown minutes from now", async () => {
    const result = await restart({
      action: "plan",
      now: "2026-11-24T03:24:40.123Z",
      lockSeconds: 900,
      cooldownMinutes: 30,
    });

    expect(result).toEqual({
      lockExpiresAt: "2026-11-24T03:39:40.123Z",
      cooldownSince: "2026-11-24T02:54:40.123Z",
    });
    expect(ec2.calls()).toHaveLength(0);
  });

  it("crosses midnight and the end of a month forwards and backwards", () => {
    expect(
      planWindows({
        action: "plan",
        now: "2026-11-30T23:50:00.000Z",
        lockSeconds: 1200,
        cooldownMinutes: 30,
      }),
    ).toEqual({ lockExpiresAt: "2026-12-01T00:10:00.000Z", cooldownSince: "2026-11-30T23:20:00.000Z" });
    expect(
      planWindows({ action: "plan", now: "2026-03-01T00:10:00.000Z", lockSeconds: 60, cooldownMinutes: 30 }),
    ).toEqual({ lockExpiresAt: "2026-03-01T00:11:00.000Z", cooldownSince: "2026-02-28T23:40:00.000Z" });
  });

  it("crosses the end of a year", () => {
    expect(
      planWindows({ action: "plan", now: "2026-12-31T23:59:59.999Z", lockSeconds: 1, cooldownMinutes: 1 }),
    ).toEqual({ lockExpiresAt: "2027-01-01T00:00:00.999Z", cooldownSince: "2026-12-31T23:58:59.999Z" });
  });

  it("answers in UTC with milliseconds even when now carries an offset and no fraction", () => {
    expect(
      planWindows({
        action: "plan",
        now: "2026-11-24T05:00:00+02:00",
        lockSeconds: 3600,
        cooldownMinutes: 0,
      }),
    ).toEqual({ lockExpiresAt: "2026-11-24T04:00:00.000Z", cooldownSince: "2026-11-24T03:00:00.000Z" });
  });

  it("takes now from the event, not from the function's clock", () => {
    jest.useFakeTimers({ now: new Date("2031-06-15T08:00:00.000Z") });
    try {
      const result = planWindows({
        action: "plan",
        now: "2020-02-29T12:00:00.000Z",
        lockSeconds: 86_400,
        cooldownMinutes: 1440,
      });

      expect(result).toEqual({
        lockExpiresAt: "2020-03-01T12:00:00.000Z",
        cooldownSince: "2020-02-28T12:00:00.000Z",
      });
    } finally {
      jest.useRealTimers();
    }
  });
});

describe("restart-instance: invalid input", () => {
  async function problemsOf(event: unknown): Promise<readonly string[]> {
    const problems = await invalidInputProblems(restart(event));
    expect(ec2.calls()).toHaveLength(0);
    return problems;
  }

  it("rejects a malformed instance id and region, naming both, with no EC2 call", async () => {
    const problems = await problemsOf({ instanceId: "i-123", region: "Europe", action: "reboot" });

    expect(problems).toEqual([
      'instanceId: "i-123" is not an EC2 instance id (i- followed by 8 or 17 hex digits)',
      'region: "Europe" is not an AWS region name (e.g. eu-west-1)',
    ]);
  });

  it("rejects an unknown action with no EC2 call", async () => {
    const problems = await problemsOf({ instanceId: INSTANCE, region: "eu-west-1", action: "terminate" });

    expect(problems).toEqual([
      'action: expected one of "reboot", "stop", "start", "plan", "elapsed", got "terminate"',
    ]);
  });

  it("rejects an event without an instance id (started by hand) with no EC2 call", async () => {
    const problems = await problemsOf({ region: "eu-west-1", action: "reboot" });

    expect(problems).toEqual([
      "instanceId: required (an EC2 instance id (i- followed by 8 or 17 hex digits))",
    ]);
  });

  it.each([
    ["not a date", "yesterday"],
    ["a date without a zone", "2026-11-24T03:24:40"],
    ["a day that does not exist", "2026-02-30T00:00:00.000Z"],
    ["an hour that does not exist", "2026-02-10T24:00:00.000Z"],
  ])("rejects now when it is %s", async (_label, now) => {
    const problems = await problemsOf({ action: "plan", now, lockSeconds: 60, cooldownMinutes: 30 });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^now: /);
  });

  it("rejects out-of-range and fractional numbers, listing every problem", async () => {
    const problems = await problemsOf({
      action: "plan",
      now: "2026-11-24T03:24:40.123Z",
      lockSeconds: 1.5,
      cooldownMinutes: -1,
    });

    expect(problems).toEqual([
      "lockSeconds: expected a whole number, got 1.5",
      "cooldownMinutes: must be at least 0, got -1",
    ]);
  });

  it("rejects a lock longer than a Standard execution can run", async () => {
    const problems = await problemsOf({
      action: "plan",
      now: "2026-11-24T03:24:40.123Z",
      lockSeconds: 365 * 24 * 3600 + 1,
      cooldownMinutes: 30,
    });

    expect(problems).toEqual([`lockSeconds: must be at most ${365 * 24 * 3600}, got ${365 * 24 * 3600 + 1}`]);
  });

  it("the deployed handler rejects a non-object event before building any EC2 call", async () => {
    const error = await handler("reboot i-0123456789abcdef0").catch((err: unknown) => err);

    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).name).toBe("InvalidInput");
    expect(ec2.calls()).toHaveLength(0);
  });
});

describe("restart-instance: deployed clients", () => {
  it("make a single attempt, so the SDK never repeats a restart EC2 may have accepted", async () => {
    const client = ec2For("eu-central-1");

    expect(await client.config.maxAttempts()).toBe(1);
    expect(await client.config.region()).toBe("eu-central-1");
    expect(ec2For("eu-central-1")).toBe(client);
  });
});
