import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import { mockClient } from "aws-sdk-client-mock";
import { handler } from "../../functions/route53-check/index";
import { InvalidInputError } from "../../functions/shared/errors";
import { useStdoutCapture } from "../../testkit/log-lines";

// The deployed handler end to end; only the Route 53 API is faked.

const INSTANCE_ID = "i-0123456789abcdef0";
const REGION = "eu-west-1";
const HEALTH_CHECK_ID = "abcdef01-2345-6789-abcd-ef0123456789";
const route53 = mockClient(Route53Client);
const stdout = useStdoutCapture();

function event(settings: unknown): Record<string, unknown> {
  return { instanceId: INSTANCE_ID, region: REGION, settings };
}

beforeEach(() => {
  route53.reset();
});

describe("route53-check handler", () => {
  it("passes a healthy health check through the module-scope client and logs one line", async () => {
    route53.on(GetHealthCheckStatusCommand, { HealthCheckId: HEALTH_CHECK_ID }).resolves({
      HealthCheckObservations: [
        { StatusReport: { Status: "Success: HTTP Status Code 200, OK" } },
        { StatusReport: { Status: "Success: HTTP Status Code 200, OK" } },
      ],
    });

    const result = await handler(event({ healthCheckId: HEALTH_CHECK_ID, minHealthyShare: 0.5 }));

    expect(result).toMatchObject({
      check: "route53",
      status: "passed",
      reason: "2 of 2 checkers report Success (100% >= 50%)",
      details: { healthCheckId: HEALTH_CHECK_ID, healthy: 2, total: 2, share: 1 },
    });
    expect(stdout.logged()).toEqual([
      {
        level: "info",
        message: "route53-check finished",
        fn: "route53-check",
        region: REGION,
        instanceId: INSTANCE_ID,
        ...result,
      },
    ]);
  });

  it("returns unavailable, not a throw, for an AWS error, and logs it", async () => {
    route53
      .on(GetHealthCheckStatusCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "Throttling" }));

    const result = await handler(event({ healthCheckId: HEALTH_CHECK_ID, minHealthyShare: 0.5 }));

    expect(result).toMatchObject({
      status: "unavailable",
      reason: `Route 53 API: GetHealthCheckStatus of ${HEALTH_CHECK_ID} failed: throttled (Throttling)`,
    });
    expect(stdout.logged()[0]).toMatchObject({ level: "info", status: "unavailable" });
  });

  it.each([
    [
      "a malformed health check id",
      { healthCheckId: "hc-1", minHealthyShare: 0.5 },
      [
        'settings.healthCheckId: "hc-1" is not a Route 53 health check id (a lower-case UUID like abcdef01-2345-6789-abcd-ef0123456789)',
      ],
    ],
    [
      "minHealthyShare out of (0, 1]",
      { healthCheckId: HEALTH_CHECK_ID, minHealthyShare: 1.5 },
      ["settings.minHealthyShare: 1.5 is not a share of checkers (more than 0, at most 1)"],
    ],
    ["no settings", undefined, ["settings: required (the Route 53 check's settings)"]],
  ])("rejects %s with InvalidInput and never calls Route 53", async (_case, settings, problems) => {
    const attempt = handler(event(settings));

    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toMatchObject({ name: "InvalidInput", problems });
    expect(route53.calls()).toHaveLength(0);
    expect(stdout.logged()[0]).toMatchObject({ level: "error", fn: "route53-check", problems });
  });
});
