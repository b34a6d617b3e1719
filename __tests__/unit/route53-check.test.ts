import {
  GetHealthCheckStatusCommand,
  type HealthCheckObservation,
  NoSuchHealthCheck,
  PriorRequestNotComplete,
  Route53Client,
  Route53ServiceException,
} from "@aws-sdk/client-route-53";
import { mockClient } from "aws-sdk-client-mock";
import type { CheckSettings } from "../../contract/checks";
import { route53Check } from "../../contract/checks/route53";
import { runRoute53Check } from "../../functions/route53-check/check";
import { InvalidInputError } from "../../functions/shared/errors";
import { parseCheckEvent } from "../../functions/shared/input";
import { awsError, modeledAwsError } from "../../testkit/aws-errors";
import { networkError } from "../../testkit/network-errors";

const HEALTH_CHECK_ID = "abcdef01-2345-6789-abcd-ef0123456789";
const route53 = mockClient(Route53Client);
const client = new Route53Client({});

function observations(...statuses: string[]): HealthCheckObservation[] {
  return statuses.map((Status, i) => ({
    Region: "eu-west-1",
    IPAddress: `15.177.0.${i + 1}`,
    StatusReport: { Status, CheckedTime: new Date("2026-01-01T00:00:00Z") },
  }));
}

const SUCCESS = "Success: HTTP Status Code 200, OK";
const FAILURE = "Failure: Connection timed out. The endpoint or the internet connection is down.";

function settings(minHealthyShare = 0.5): CheckSettings<"route53"> {
  return { healthCheckId: HEALTH_CHECK_ID, minHealthyShare };
}

beforeEach(() => {
  route53.reset();
});

describe("runRoute53Check", () => {
  it("passes when all 3 checkers report Success", async () => {
    route53
      .on(GetHealthCheckStatusCommand)
      .resolves({ HealthCheckObservations: observations(SUCCESS, SUCCESS, SUCCESS) });

    const result = await runRoute53Check(settings(), { client });

    expect(result).toMatchObject({
      check: "route53",
      status: "passed",
      reason: "3 of 3 checkers report Success (100% >= 50%)",
      details: { healthCheckId: HEALTH_CHECK_ID, healthy: 3, total: 3, share: 1 },
    });
  });

  it("asks for the configured health check id, once", async () => {
    route53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: observations(SUCCESS) });

    await runRoute53Check(settings(), { client });

    expect(route53.commandCalls(GetHealthCheckStatusCommand).map((call) => call.args[0].input)).toEqual([
      { HealthCheckId: HEALTH_CHECK_ID },
    ]);
  });

  it("fails when only 1 of 3 checkers reports Success at 0.5", async () => {
    route53
      .on(GetHealthCheckStatusCommand)
      .resolves({ HealthCheckObservations: observations(SUCCESS, FAILURE, FAILURE) });

    const result = await runRoute53Check(settings(0.5), { client });

    expect(result).toMatchObject({
      status: "failed",
      reason: "1 of 3 checkers report Success (33.3% < 50%)",
      details: { healthy: 1, total: 3, share: 1 / 3 },
    });
  });

  it("passes at exactly the threshold: 2 of 4 at 0.5", async () => {
    route53
      .on(GetHealthCheckStatusCommand)
      .resolves({ HealthCheckObservations: observations(SUCCESS, FAILURE, SUCCESS, FAILURE) });

    const result = await runRoute53Check(settings(0.5), { client });

    expect(result).toMatchObject({
      status: "passed",
      reason: "2 of 4 checkers report Success (50% >= 50%)",
      details: { healthy: 2, total: 4, share: 0.5 },
    });
  });

  it("passes at a decimal threshold that a multiplication would miss: 7 of 10 at 0.7", async () => {
    const statuses = [...Array(7).fill(SUCCESS), ...Array(3).fill(FAILURE)];
    route53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: observations(...statuses) });

    const result = await runRoute53Check(settings(0.7), { client });

    expect(result).toMatchObject({
      status: "passed",
      reason: "7 of 10 checkers report Success (70% >= 70%)",
    });
  });

  it("requires every checker at minHealthyShare 1.0", async () => {
    route53
      .on(GetHealthCheckStatusCommand)
      .resolvesOnce({ HealthCheckObservations: observations(SUCCESS, SUCCESS, SUCCESS) })
      .resolvesOnce({ HealthCheckObservations: observations(SUCCESS, SUCCESS, FAILURE) });

    const allHealthy = await runRoute53Check(settings(1), { client });
    const oneDown = await runRoute53Check(settings(1), { client });

    expect(allHealthy).toMatchObject({
      status: "passed",
      reason: "3 of 3 checkers report Success (100% >= 100%)",
    });
    expect(oneDown).toMatchObject({
      status: "failed",
      reason: "2 of 3 checkers report Success (66.7% < 100%)",
    });
  });

  it("counts an observation without a status report as not healthy", async () => {
    route53.on(GetHealthCheckStatusCommand).resolves({
      HealthCheckObservations: [...observations(SUCCESS), { Region: "us-east-1", IPAddress: "15.177.1.1" }],
    });

    const result = await runRoute53Check(settings(0.6), { client });

    expect(result).toMatchObject({ status: "failed", details: { healthy: 1, total: 2 } });
  });

  it("is unavailable, not failed, when no checker reports (a calculated health check has none)", async () => {
    route53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: [] });

    const result = await runRoute53Check(settings(), { client });

    expect(result).toMatchObject({
      status: "unavailable",
      reason: `Route 53 API: health check ${HEALTH_CHECK_ID} has no checker observations (a calculated or CloudWatch-alarm health check has no checkers; configure one that probes the endpoint)`,
      details: { healthy: 0, total: 0, share: 0 },
    });
  });

  it.each([
    [
      "throttling that outlasted the SDK's retries",
      awsError(Route53ServiceException, "Throttling", "Rate exceeded", { attempts: 3 }),
      "throttled (Throttling) after 3 attempts",
    ],
    [
      "a concurrent-request throttle",
      modeledAwsError(
        PriorRequestNotComplete,
        "The request was rejected because Route 53 was still processing a prior request.",
        { attempts: 3 },
      ),
      "throttled (PriorRequestNotComplete) after 3 attempts",
    ],
    [
      "a 500",
      awsError(Route53ServiceException, "InternalFailure", "We encountered an internal error.", {
        httpStatusCode: 500,
        attempts: 3,
      }),
      "service error (InternalFailure, HTTP 500) after 3 attempts",
    ],
    [
      "a health check that does not exist",
      modeledAwsError(NoSuchHealthCheck, `A health check with id ${HEALTH_CHECK_ID} does not exist.`, {
        httpStatusCode: 404,
      }),
      "not found (NoSuchHealthCheck)",
    ],
    [
      "a role without route53:GetHealthCheckStatus",
      awsError(
        Route53ServiceException,
        "AccessDenied",
        "User: arn:aws:sts::123456789012:assumed-role/x is not authorized",
        {
          httpStatusCode: 403,
        },
      ),
      "access denied (AccessDenied)",
    ],
    [
      "an unreachable endpoint",
      networkError("connect ECONNREFUSED 10.0.0.9:443", "ECONNREFUSED", 3),
      "connection refused by the endpoint after 3 attempts",
    ],
  ])("is unavailable, not failed, on %s (Route 53 could not be asked)", async (_case, error, text) => {
    route53.on(GetHealthCheckStatusCommand).rejects(error);

    const result = await runRoute53Check(settings(), { client });

    expect(result).toMatchObject({
      check: "route53",
      status: "unavailable",
      reason: `Route 53 API: GetHealthCheckStatus of ${HEALTH_CHECK_ID} failed: ${text}`,
      details: { healthCheckId: HEALTH_CHECK_ID },
    });
    expect(result.reason).not.toContain(error.message);
  });

  it("stays failed when the checkers themselves see the endpoint down", async () => {
    route53
      .on(GetHealthCheckStatusCommand)
      .resolves({ HealthCheckObservations: observations(FAILURE, FAILURE) });

    const result = await runRoute53Check(settings(), { client });

    expect(result).toMatchObject({ status: "failed" });
  });

  it("reports durationMs from the injected clock", async () => {
    route53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: observations(SUCCESS) });
    const ticks = [50, 170.6];

    const result = await runRoute53Check(settings(), { client, now: () => ticks.shift() ?? 0 });

    expect(result.durationMs).toBe(121);
  });
});

describe("the Route 53 check's input (parseCheckEvent with its registry fields)", () => {
  const valid = {
    instanceId: "i-0123456789abcdef0",
    region: "eu-west-1",
    settings: { healthCheckId: HEALTH_CHECK_ID, minHealthyShare: 0.75 },
  };
  const parse = (event: unknown) => parseCheckEvent(event, route53Check);

  function problemsOf(event: unknown): readonly string[] {
    try {
      parse(event);
    } catch (err) {
      if (err instanceof InvalidInputError) return err.problems;
      throw err;
    }
    throw new Error("expected InvalidInputError");
  }

  it("returns a valid event unchanged", () => {
    expect(parse(valid)).toEqual(valid);
  });

  it.each([
    ["ABCDEF01-2345-6789-ABCD-EF0123456789", "uppercase"],
    ["abcdef01234567890abcdef0123456789", "no dashes"],
    ["abcdef01-2345-6789-abcd-ef012345678", "one digit short"],
  ])("rejects the health check id %s (%s)", (healthCheckId) => {
    expect(problemsOf({ ...valid, settings: { healthCheckId, minHealthyShare: 0.5 } })).toEqual([
      `settings.healthCheckId: "${healthCheckId}" is not a Route 53 health check id (a lower-case UUID like abcdef01-2345-6789-abcd-ef0123456789)`,
    ]);
  });

  it.each([
    [0, "settings.minHealthyShare: 0 is not a share of checkers (more than 0, at most 1)"],
    [-0.5, "settings.minHealthyShare: -0.5 is not a share of checkers (more than 0, at most 1)"],
    [1.01, "settings.minHealthyShare: 1.01 is not a share of checkers (more than 0, at most 1)"],
    ["0.5", 'settings.minHealthyShare: expected a number, got "0.5"'],
  ])("rejects minHealthyShare %j", (minHealthyShare, problem) => {
    expect(problemsOf({ ...valid, settings: { healthCheckId: HEALTH_CHECK_ID, minHealthyShare } })).toEqual([
      problem,
    ]);
  });

  it("accepts minHealthyShare 1, the top of (0, 1]", () => {
    const event = { ...valid, settings: { healthCheckId: HEALTH_CHECK_ID, minHealthyShare: 1 } };

    expect(parse(event).settings.minHealthyShare).toBe(1);
  });

  it("lists every problem with its path in one error", () => {
    expect(problemsOf({ instanceId: "i-123", settings: { minHealthyShare: 2 } })).toEqual([
      'instanceId: "i-123" is not an EC2 instance id (i- followed by 8 or 17 hex digits)',
      "region: required (an AWS region name (e.g. eu-west-1))",
      expect.stringMatching(/^settings\.healthCheckId: required/),
      "settings.minHealthyShare: 2 is not a share of checkers (more than 0, at most 1)",
    ]);
  });
});
