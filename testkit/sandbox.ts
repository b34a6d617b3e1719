/**
 * Local stand-ins on 127.0.0.1 for everything the real handlers talk to, so
 * `npm run simulate` runs functions/<name>/index.ts unchanged:
 * - an HTTP server the instance's URL is redirected to (503 while the URL check is "down");
 * - a real ssh2 server behind a TCP relay that resets connections while SSH is "down";
 * - a TCP listener that accepts connections (resets them while TCP is "down");
 * - capture servers for the chat webhook and the pager's API;
 * - the loopback AWS stand-in (testkit/aws-stand-in.ts) answering as Secrets Manager, Route 53
 *   and EC2, which the SDK clients reach through AWS_ENDPOINT_URL_<SERVICE>, as DESIGN §5
 *   promises they can; a scenario may make any call fail as AWS fails (`awsFault`).
 * The handlers' SDK clients and secret caches live for the whole process, so there is one
 * sandbox per process ({@link sandbox}), reconfigured by every scenario.
 */
import { createServer, type Server } from "node:http";
import { createConnection, createServer as createTcpServer, type Socket } from "node:net";
import type { CheckName } from "../contract/checks";
import { type AwsAnswer, type AwsCall, AwsStandIn, awsError, ok } from "./aws-stand-in";
import { type CaptureServer, startCaptureServer } from "./capture-server";
import { listenOnLoopback } from "./loopback";
import {
  generateEd25519KeyPair,
  publicKeyFingerprint,
  type RunningSshServer,
  startSshServer,
} from "./ssh-server";

/** What the stand-ins do; scenarios set it before each run. */
export interface SandboxBehaviour {
  /** Checks that fail until EC2 accepts a RebootInstances or StartInstances call. */
  readonly downUntilRestart: readonly CheckName[];
  /** Checks that fail throughout. */
  readonly downAlways: readonly CheckName[];
  /** EC2 error code answered to Reboot/Stop/StartInstances. @default none (accepted) */
  readonly restartError?: string;
  /** HTTP status the chat webhook answers. @default 200 */
  readonly chatStatus?: number;
  /**
   * AWS's answer to a call instead of the stand-in's usual one, e.g. Route 53 answering 500 or
   * Secrets Manager denying one secret; undefined lets the call through. @default none
   */
  readonly awsFault?: (call: AwsCall) => AwsAnswer | undefined;
}

const HEALTHY: SandboxBehaviour = { downUntilRestart: [], downAlways: [] };

export interface Sandbox {
  /** Base URL of the instance's stand-in web server (no trailing slash). */
  readonly appUrl: string;
  /** Port of the SSH relay in front of the real ssh2 server. */
  readonly sshPort: number;
  /** OpenSSH SHA-256 fingerprint of the stand-in server's host key. */
  readonly sshFingerprint: string;
  /** Port of the TCP listener. */
  readonly tcpPort: number;
  /** The chat webhook (any chat service's shape is captured as sent). */
  readonly chat: CaptureServer;
  /** The pager API (OpsGenie, JSM and PagerDuty answer 202). */
  readonly pager: CaptureServer;
  /** The AWS stand-in; its `calls` are those since the last configure(). */
  readonly aws: AwsStandIn;
  /** Requests the web server answered since the last configure(). */
  readonly appRequests: () => number;
  /**
   * Secret values by name or ARN; unknown ones answer ResourceNotFoundException, and so does an
   * ARN asked of another region's endpoint (a client must read an ARN in the ARN's region).
   */
  readonly secrets: Map<string, string>;
  /** The secret value a chat webhook secret gets. */
  readonly chatWebhookUrl: string;
  /** The private key a command-mode SSH secret gets (its public key is the one the server accepts). */
  readonly sshPrivateKey: string;
  /** True once EC2 accepted a Reboot or Start since the last configure(). */
  restarted(): boolean;
  /** Resets recorded traffic and the restart flag, and sets the behaviour. */
  configure(behaviour: SandboxBehaviour): void;
  close(): Promise<void>;
}

function closeServer(server: Server | ReturnType<typeof createTcpServer>): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

const SECRET_ARN_REGION = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):/;
const RESTART_CALLS = ["RebootInstances", "StopInstances", "StartInstances"];
const HEALTH_CHECK_STATUS = { method: "GET", path: "/2013-04-01/healthcheck/{HealthCheckId}/status" };

/** `instancesSet` of a Stop/StartInstances answer. */
function stateChange(instanceId: string, from: string, to: string) {
  return {
    instancesSet: [
      {
        instanceId,
        currentState: { code: 0, name: to },
        previousState: { code: 0, name: from },
      },
    ],
  };
}

/** Starts every stand-in; prefer {@link sandbox}, which keeps one per process. */
async function startSandbox(): Promise<Sandbox> {
  let behaviour: SandboxBehaviour = HEALTHY;
  let restarted = false;
  let appRequests = 0;
  const isDown = (check: CheckName) =>
    behaviour.downAlways.includes(check) || (behaviour.downUntilRestart.includes(check) && !restarted);

  // --- the instance's web server ------------------------------------------------------------
  const app = createServer((req, res) => {
    appRequests += 1;
    req.resume();
    const down = isDown("url");
    res.writeHead(down ? 503 : 200, { "content-type": "text/plain" });
    res.end(down ? "overloaded" : "ok");
  });
  const appPort = await listenOnLoopback(app);

  // --- sshd behind a relay --------------------------------------------------------------------
  const hostKeys = generateEd25519KeyPair();
  const userKeys = generateEd25519KeyPair();
  const sshd: RunningSshServer = await startSshServer({
    hostKey: hostKeys.private,
    userPublicKey: userKeys.public,
  });
  const relayed = new Set<Socket>();
  const relay = createTcpServer((socket) => {
    relayed.add(socket);
    socket.on("close", () => relayed.delete(socket));
    socket.on("error", () => undefined);
    // A "down" sshd: the connection is reset at once, as a crashed or wedged host's would be.
    if (isDown("ssh")) {
      socket.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: "127.0.0.1", port: sshd.port });
    upstream.on("error", () => socket.destroy());
    socket.on("close", () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  const sshPort = await listenOnLoopback(relay);

  // --- a TCP service ----------------------------------------------------------------------------
  const tcp = createTcpServer((socket) => {
    socket.on("error", () => undefined);
    if (isDown("tcp")) socket.resetAndDestroy();
    else socket.end();
  });
  const tcpPort = await listenOnLoopback(tcp);

  // --- chat and pager ---------------------------------------------------------------------------
  const chat = await startCaptureServer({ status: 200, body: "ok" });
  const pager = await startCaptureServer({
    status: 202,
    body: JSON.stringify({ result: "Request will be processed", took: 0.01, requestId: "simulated" }),
  });

  // --- AWS ----------------------------------------------------------------------------------------
  const secrets = new Map<string, string>();
  const aws = await AwsStandIn.start();
  /** The scenario's fault for the call, else the usual answer. */
  const answer = (usual: (call: AwsCall) => AwsAnswer) => (call: AwsCall) =>
    behaviour.awsFault?.(call) ?? usual(call);

  aws.on(
    "secretsmanager",
    "GetSecretValue",
    answer((call) => {
      const secretId = String((call.body as { SecretId?: unknown } | undefined)?.SecretId ?? "");
      const value = secrets.get(secretId);
      const arnRegion = SECRET_ARN_REGION.exec(secretId)?.[1];
      if (value === undefined || (arnRegion !== undefined && arnRegion !== call.region)) {
        return awsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
      }
      return ok({
        ARN: arnRegion
          ? secretId
          : `arn:aws:secretsmanager:${call.region}:${aws.accountId}:secret:${secretId}-AbCdEf`,
        Name: secretId,
        SecretString: value,
        VersionId: "simulated",
      });
    }),
  );

  aws.on(
    "route53",
    "GetHealthCheckStatus",
    answer(() => {
      const status = isDown("route53")
        ? "Failure: HTTP Status Code 503, Service Unavailable"
        : "Success: HTTP Status Code 200, OK";
      const observation = (region: string, ip: string) =>
        `<HealthCheckObservation><Region>${region}</Region><IPAddress>${ip}</IPAddress>` +
        `<StatusReport><Status>${status}</Status><CheckedTime>2030-01-01T00:00:00.000Z</CheckedTime></StatusReport></HealthCheckObservation>`;
      // Route 53 names its list items, which a plain object cannot spell: the XML as it is.
      return ok(
        `<HealthCheckObservations>${observation("us-east-1", "15.177.2.1")}${observation(
          "eu-west-1",
          "15.177.10.1",
        )}${observation("ap-southeast-1", "15.177.14.1")}</HealthCheckObservations>`,
      );
    }),
    HEALTH_CHECK_STATUS,
  );

  const instanceOf = (call: AwsCall) => String((call.body as Record<string, string>)["InstanceId.1"] ?? "");
  const ec2 = (operation: string, usual: (call: AwsCall) => AwsAnswer) =>
    aws.on(
      "ec2",
      operation,
      answer((call) => {
        if (RESTART_CALLS.includes(operation) && behaviour.restartError) {
          const code = behaviour.restartError;
          return awsError(400, code, `simulated ${code} for ${instanceOf(call)}`);
        }
        return usual(call);
      }),
    );
  ec2("RebootInstances", () => {
    restarted = true;
    return ok({ return: true });
  });
  ec2("StopInstances", (call) => ok(stateChange(instanceOf(call), "running", "stopping")));
  ec2("StartInstances", (call) => {
    restarted = true;
    return ok(stateChange(instanceOf(call), "stopped", "pending"));
  });
  // Both addresses are the loopback: the SSH relay and the TCP listener listen there.
  ec2("DescribeInstances", (call) =>
    ok({
      reservationSet: [
        {
          reservationId: "r-0simulated",
          instancesSet: [
            { instanceId: instanceOf(call), ipAddress: "127.0.0.1", privateIpAddress: "127.0.0.1" },
          ],
        },
      ],
    }),
  );

  return {
    appUrl: `http://127.0.0.1:${appPort}`,
    sshPort,
    sshFingerprint: publicKeyFingerprint(hostKeys.public),
    tcpPort,
    chat,
    pager,
    aws,
    appRequests: () => appRequests,
    secrets,
    chatWebhookUrl: `${chat.url}/services/T0000000/B0000000/simulated`,
    sshPrivateKey: userKeys.private,
    restarted: () => restarted,
    configure(next) {
      behaviour = next;
      restarted = false;
      appRequests = 0;
      aws.clearCalls();
      chat.reset();
      pager.reset();
      if (next.chatStatus !== undefined) chat.reply({ status: next.chatStatus, body: "simulated outage" });
    },
    async close() {
      for (const socket of relayed) socket.destroy();
      app.closeAllConnections();
      await Promise.all([
        closeServer(app),
        closeServer(relay),
        closeServer(tcp),
        aws.close(),
        sshd.close(),
        chat.close(),
        pager.close(),
      ]);
    },
  };
}

let shared: Promise<Sandbox> | undefined;

/** The process's sandbox, started on first use. */
export function sandbox(): Promise<Sandbox> {
  shared ??= startSandbox();
  return shared;
}

/** Closes the process's sandbox (tests: in afterAll; the CLI: before exiting). */
export async function closeSandbox(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current) await (await current).close();
}
