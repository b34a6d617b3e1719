/**
 * DESIGN §3.6 end to end: when first-line could not ask (an AWS API failing or throttling, a
 * secret it may not read, the instance lookup refused, a function that cannot be invoked), the
 * synthesized workflow with the REAL handlers escalates `check-unavailable` and never restarts a
 * healthy instance. Each case is one of the paths that used to reboot a machine that was fine;
 * AWS is the loopback stand-in (testkit/aws-stand-in.ts) behind the sandbox, reached by the
 * handlers' own SDK clients through AWS_ENDPOINT_URL_<SERVICE>.
 */
import type { CheckName } from "../../contract/checks";
import { type SimulationResult, simulate } from "../../scripts/lib/simulate";
import { parseConfig } from "../../stacks/config";
import type { AwsStandIn } from "../../testkit/aws-stand-in";
import { sandbox } from "../../testkit/sandbox";
import { useQuietSandbox } from "../../testkit/sandbox-suite";
import { committedExample } from "../../testkit/synth";

const config = parseConfig(committedExample());
/** URL, Route 53 and SSH in command mode (its key read from Secrets Manager). */
const EU = { region: "eu-west-1", instance: "i-0123456789abcdef0" };
/** SSH in handshake mode without a host: its address comes from DescribeInstances. */
const US_SSH = { region: "us-east-1", instance: "i-0fedcba9876543210" };
const RESTART_CALLS = ["RebootInstances", "StopInstances", "StartInstances"];

useQuietSandbox();

/** What a reviewer of an escalation needs: the outcome, the run-1 verdicts and the restarts. */
function summary(r: SimulationResult, check: CheckName) {
  const first = r.run.output?.runs.first;
  return {
    status: r.run.status,
    outcome: r.run.output?.outcome,
    reason: r.run.output?.reason,
    check: first?.[check].status,
    restartCalls: r.ec2Calls.filter((c) => RESTART_CALLS.includes(c)),
    secondRun: r.run.output?.runs.second,
    pagerAlerts: r.pagerAlerts.length,
  };
}

const UNAVAILABLE = {
  status: "SUCCEEDED",
  outcome: "escalated",
  reason: "check-unavailable",
  check: "unavailable",
  restartCalls: [],
  secondRun: undefined,
  pagerAlerts: 1,
};

describe("could not ask: escalated check-unavailable, zero restart calls", () => {
  it.each([
    [
      "Route 53 answering 500 through the SDK's retries",
      "route53-api-failing",
      EU,
      "route53",
      "Route 53 API",
    ],
    ["Route 53 throttling every call", "route53-api-throttling", EU, "route53", "Route 53 API"],
    ["Secrets Manager denying the SSH key", "ssh-key-secret-denied", EU, "ssh", "Secrets Manager"],
    ["EC2 refusing the SSH host lookup", "instance-lookup-failing", US_SSH, "ssh", "EC2 DescribeInstances"],
    ["the check's function not ready (an idle VPC function)", "function-not-ready", EU, "url", "Lambda"],
  ] as const)("%s", async (_title, scenario, target, check, dependency) => {
    const result = await simulate({ config, ...target, scenario });

    expect(summary(result, check)).toEqual(UNAVAILABLE);
    // The reason names what could not be asked, first: the on-call engineer knows where to look.
    expect(result.run.output?.runs.first?.[check].reason).toMatch(new RegExp(`^${dependency}`));
    expect(result.asExpected).toBe(true);
  });

  it("still restarts for the instance's own failure: Route 53 answering that its checkers see it down", async () => {
    const result = await simulate({ config, ...EU, scenario: "route53-unhealthy" });

    expect(result.run.output?.runs.first?.route53?.status).toBe("failed");
    expect(result.ec2Calls.filter((c) => RESTART_CALLS.includes(c))).toEqual(["RebootInstances"]);
    expect(result.run.output?.reason).toBe("checks-failed-after-restart");
  });
});

describe("a secret ARN in another region (DESIGN §4 secrets)", () => {
  const KEY_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shared/ssh-key-AbCdEf";
  const withKeyArn = (arn = KEY_ARN) => {
    const raw = committedExample() as { defaults: { ssh: Record<string, unknown> } };
    raw.defaults.ssh.privateKeySecret = arn;
    return parseConfig(raw);
  };
  /** The regions whose endpoint was asked for the secret. */
  const keyReads = (aws: AwsStandIn, arn = KEY_ARN) =>
    aws
      .callsTo("secretsmanager", "GetSecretValue")
      .filter((c) => (c.body as { SecretId?: string }).SecretId === arn)
      .map((c) => c.region);

  it("is read through that region's endpoint, and the eu-west-1 instance is healthy", async () => {
    const result = await simulate({ config: withKeyArn(), ...EU, scenario: "healthy" });
    const sb = await sandbox();

    expect(result.run.output?.outcome).toBe("healthy");
    expect(result.run.output?.runs.first?.ssh?.status).toBe("passed");
    expect(keyReads(sb.aws)).toEqual(["us-east-1"]);
  });

  it("is unavailable, not failed, when that region's Secrets Manager denies it: no restart", async () => {
    // Another secret than above: the handler caches what it has read for the process's life.
    const denied = KEY_ARN.replace("ssh-key-AbCdEf", "ssh-key-denied-GhIjKl");
    const result = await simulate({ config: withKeyArn(denied), ...EU, scenario: "ssh-key-secret-denied" });
    const sb = await sandbox();

    expect(summary(result, "ssh")).toEqual(UNAVAILABLE);
    expect(result.run.output?.runs.first?.ssh?.reason).toContain(denied);
    expect(keyReads(sb.aws, denied)).toEqual(["us-east-1"]);
  });
});
