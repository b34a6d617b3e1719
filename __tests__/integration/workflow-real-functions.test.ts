/**
 * The synthesized state machine of the committed example, executed locally with every
 * function loaded out of the very zips the stack deploys, against real servers on 127.0.0.1:
 * proves that the payloads passed between states and functions fit, end to end.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EC2Client, RebootInstancesCommand } from "@aws-sdk/client-ec2";
import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import type { CheckName } from "../../contract/checks";
import type { CheckStatus, InstanceSettings } from "../../contract/workflow";
import { synthesize } from "../../main";
import { FUNCTION_NAMES } from "../../stacks/function-catalog";
import type { AslDefinition } from "../../stacks/workflow/asl";
import { loadBundledHandlers } from "../../testkit/bundled";
import { type CaptureServer, startCaptureServer } from "../../testkit/capture-server";
import {
  generateEd25519KeyPair,
  publicKeyFingerprint,
  type RunningSshServer,
  startSshServer,
} from "../../testkit/ssh-server";
import { resolveString, resources, type TfJson } from "../../testkit/tf-json";
import { instanceSettings, runWorkflow, workflowInput } from "../../testkit/workflow-harness";

const projectDir = join(__dirname, "..", "..");
const SLACK_TOKEN = "T000/B000/real-functions-token";
const OPSGENIE_KEY = "opsgenie-key-real-functions";

/** The region's synthesized definition, its references resolved as they will be after apply. */
function synthesizedDefinition(outdir: string, region: string): AslDefinition {
  const tf = JSON.parse(readFileSync(join(outdir, "stacks", "first-line", "cdk.tf.json"), "utf8")) as TfJson;
  const machine = resources(tf, "aws_sfn_state_machine").find(
    (m) => m.body.name === `first-line-${region}-remediation`,
  );
  if (!machine) throw new Error(`no state machine for ${region}`);
  return JSON.parse(resolveString(tf, String(machine.body.definition))) as AslDefinition;
}

/** A run's verdicts as `toMatchObject` expects them: `{ url: "failed" }` is `{ url: { status: "failed" } }`. */
function statuses(byCheck: Partial<Record<CheckName, CheckStatus>>) {
  return Object.fromEntries(Object.entries(byCheck).map(([check, status]) => [check, { status }]));
}

/** An HTTP server whose health endpoint answers 503 until `recover()` is called. */
function startAppServer(): Promise<{ server: Server; url: string; recover(): void; requests: number }> {
  const state = { healthy: false, requests: 0 };
  const server = createServer((req, res) => {
    state.requests += 1;
    res.writeHead(state.healthy ? 200 : 503, { "content-type": "text/plain" });
    res.end(state.healthy ? "ok" : "overloaded");
    void req;
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`,
        recover: () => {
          state.healthy = true;
        },
        get requests() {
          return state.requests;
        },
      }),
    ),
  );
}

describe("the synthesized workflow with the deployed function zips", () => {
  const ec2 = mockClient(EC2Client);
  const route53 = mockClient(Route53Client);
  const secrets = mockClient(SecretsManagerClient);
  let outdir: string;
  let definition: AslDefinition;
  let handlers: Awaited<ReturnType<typeof loadBundledHandlers>>;
  let app: Awaited<ReturnType<typeof startAppServer>>;
  let ssh: RunningSshServer;
  let hostKeyFingerprint: string;
  let slack: CaptureServer;
  let opsgenie: CaptureServer;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), "first-line-real-"));
    await synthesize({ cwd: projectDir, env: { CDKTF_OUTDIR: outdir }, log: () => undefined });
    definition = synthesizedDefinition(outdir, "eu-west-1");
    handlers = await loadBundledHandlers(FUNCTION_NAMES);
    app = await startAppServer();
    const hostKey = generateEd25519KeyPair();
    hostKeyFingerprint = publicKeyFingerprint(hostKey.public);
    ssh = await startSshServer({ hostKey: hostKey.private });
    slack = await startCaptureServer({ status: 200 });
    opsgenie = await startCaptureServer({ status: 202, body: '{"result":"Request will be processed"}' });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ssh?.close(), slack?.close(), opsgenie?.close()]);
    await new Promise<void>((resolve) => (app ? app.server.close(() => resolve()) : resolve()));
    rmSync(outdir, { recursive: true, force: true });
  });

  beforeEach(() => {
    ec2.reset();
    route53.reset();
    secrets.reset();
    slack.reset();
    opsgenie.reset();
    route53.on(GetHealthCheckStatusCommand).resolves({
      HealthCheckObservations: [
        { Region: "eu-west-1", StatusReport: { Status: "Success: HTTP Status Code 200, OK" } },
        { Region: "us-east-1", StatusReport: { Status: "Success: HTTP Status Code 200, OK" } },
      ],
    });
    secrets
      .on(GetSecretValueCommand, { SecretId: "first-line/slack-webhook" })
      .resolves({ SecretString: `${slack.url}/services/${SLACK_TOKEN}` });
    secrets
      .on(GetSecretValueCommand, { SecretId: "first-line/opsgenie-api-key" })
      .resolves({ SecretString: OPSGENIE_KEY });
  });

  function settings(): InstanceSettings {
    const base = instanceSettings();
    return {
      ...base,
      url: { address: app.url, timeoutSeconds: 5, expectStatus: "200-399" },
      ssh: {
        host: "127.0.0.1",
        port: ssh.port,
        user: "ec2-user",
        hostKeySha256: [hostKeyFingerprint],
        mode: "handshake",
        command: "true",
        timeoutSeconds: 5,
        inVpc: false,
      },
      // Any listening port proves the TCP check: the app server's.
      tcp: { host: "127.0.0.1", port: Number(new URL(app.url).port), timeoutSeconds: 5, inVpc: false },
      notifications: {
        ...base.notifications,
        escalation: { ...base.notifications.escalation, apiUrl: opsgenie.url },
      },
    };
  }

  it("recovers: the URL fails, the reboot brings it back, chat hears the restart and the recovery, the pager nothing", async () => {
    ec2.on(RebootInstancesCommand).callsFake(async () => {
      app.recover();
      return {};
    });

    const run = await runWorkflow({ definition, input: workflowInput(settings()), lambdas: handlers });

    expect(run.status).toBe("SUCCEEDED");
    expect(run.output).toMatchObject({
      outcome: "recovered",
      runs: {
        first: statuses({ url: "failed", route53: "not-run", ssh: "not-run", tcp: "not-run" }),
        second: statuses({ url: "passed", route53: "passed", ssh: "passed", tcp: "passed" }),
      },
      restart: { method: "reboot" },
    });
    expect(run.output?.runs?.first?.url.reason).toContain("503");
    expect(ec2.commandCalls(RebootInstancesCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceIds: ["i-0123456789abcdef0"] },
    ]);
    expect(slack.requests).toHaveLength(2);
    expect(JSON.stringify(slack.requests[0]?.body)).toContain("Restarting i-0123456789abcdef0");
    const message = slack.requests[1];
    expect(message?.path).toBe(`/services/${SLACK_TOKEN}`);
    const text = JSON.stringify(message?.body);
    expect(text).toContain("i-0123456789abcdef0");
    expect(text).toContain("eu-west-1");
    expect(text).toContain("503");
    expect(text).toContain(`#/v2/executions/details/${run.executionArn}`);
    expect(opsgenie.requests).toHaveLength(0);
    expect(run.lockTable.get("i-0123456789abcdef0")?.lockedBy).toBeUndefined();
  });

  it("escalates: the URL still fails after the reboot, the pager gets one alert, then chat hears it", async () => {
    ec2.on(RebootInstancesCommand).resolves({});
    const failing = await startAppServer();
    try {
      const input = workflowInput({
        ...settings(),
        url: { address: failing.url, timeoutSeconds: 5, expectStatus: "200-399" },
      });

      const run = await runWorkflow({ definition, input, lambdas: handlers });

      expect(run.status).toBe("SUCCEEDED");
      expect(run.output).toMatchObject({
        outcome: "escalated",
        reason: "checks-failed-after-restart",
        runs: { first: statuses({ url: "failed" }), second: statuses({ url: "failed" }) },
      });
      expect(slack.requests.map((r) => JSON.stringify(r.body))).toEqual([
        expect.stringContaining("Restarting"),
        expect.stringContaining("escalated"),
      ]);
      expect(opsgenie.requests).toHaveLength(1);
      const alert = opsgenie.requests[0];
      expect(alert?.path).toBe("/v2/alerts");
      expect(alert?.headers.authorization).toBe(`GenieKey ${OPSGENIE_KEY}`);
      const body = alert?.body as { message: string; alias: string; priority: string; details: object };
      expect(body.message.length).toBeLessThanOrEqual(130);
      expect(body.alias).toBe("first-line:eu-west-1:i-0123456789abcdef0");
      expect(body.priority).toBe("P2");
      expect(Object.values(body.details).every((v) => typeof v === "string")).toBe(true);
      expect(JSON.stringify(body)).not.toContain(OPSGENIE_KEY);
    } finally {
      await new Promise<void>((resolve) => failing.server.close(() => resolve()));
    }
  });

  it("escalates when the SSH host key does not match the pinned fingerprint, and never trusts it", async () => {
    app.recover();
    ec2.on(RebootInstancesCommand).resolves({});
    const wrongPin = `SHA256:${"A".repeat(43)}`;
    const base = settings();
    const input = workflowInput({
      ...base,
      ssh: { ...(base.ssh as NonNullable<InstanceSettings["ssh"]>), hostKeySha256: [wrongPin] },
    });

    const run = await runWorkflow({ definition, input, lambdas: handlers });

    expect(run.output).toMatchObject({
      outcome: "escalated",
      reason: "checks-failed-after-restart",
      runs: {
        second: statuses({ url: "passed", route53: "passed", ssh: "failed", tcp: "not-run" }),
      },
    });
    expect(run.output?.runs?.second?.ssh.reason).toContain("does not match");
    expect(ssh.authAttempts.filter((a) => a.signed)).toHaveLength(0);
    expect(opsgenie.requests).toHaveLength(1);
  });
});
