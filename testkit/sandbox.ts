/**
 * Local stand-ins on 127.0.0.1 for everything the real handlers talk to, so
 * `npm run simulate` runs functions/<name>/index.ts unchanged:
 * - an HTTP server the instance's URL is redirected to (503 while the URL check is "down");
 * - a real ssh2 server behind a TCP relay that resets connections while SSH is "down";
 * - a TCP listener that accepts connections (resets them while TCP is "down");
 * - capture servers for the chat webhook and the pager's API;
 * - one fake AWS endpoint (Secrets Manager JSON, Route 53 REST-XML, EC2 query protocol) the SDK
 *   clients reach through AWS_ENDPOINT_URL_<SERVICE>, as DESIGN §5 promises they can.
 * The handlers' SDK clients and secret caches live for the whole process, so there is one
 * sandbox per process ({@link sandbox}), reconfigured by every scenario.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, createConnection, createServer as createTcpServer, type Socket } from "node:net";
import { utils } from "ssh2";
import type { CheckName } from "../contract/checks";
import { fingerprintOf } from "../functions/ssh-check/fingerprint";
import { type CaptureServer, startCaptureServer } from "./capture-server";
import { generateEd25519KeyPair, type RunningSshServer, startSshServer } from "./ssh-server";

/** One call the fake AWS endpoint answered. */
export interface AwsCall {
  readonly service: "secretsmanager" | "route53" | "ec2";
  readonly action: string;
  /** The secret, health check or instance the call was about. */
  readonly target: string;
}

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
  /** The fake AWS endpoint's base URL. */
  readonly awsUrl: string;
  /** Calls the fake AWS endpoint answered since the last configure(). */
  readonly awsCalls: readonly AwsCall[];
  /** Requests the web server answered since the last configure(). */
  readonly appRequests: () => number;
  /** Secret values by name or ARN; unknown names answer ResourceNotFoundException. */
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

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server | ReturnType<typeof createTcpServer>): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The fingerprint a pin of this public key would hold (the product's own helper). */
function publicKeyFingerprint(publicKey: string): string {
  const parsed = utils.parseKey(publicKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new Error("cannot parse the generated host key");
  return fingerprintOf(key.getPublicSSH() as Buffer);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function xml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/xml;charset=UTF-8" });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

const EC2_NS = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';

function ec2Error(res: ServerResponse, code: string, message: string): void {
  xml(
    res,
    400,
    `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>simulated</RequestID></Response>`,
  );
}

function stateChange(tag: string, instanceId: string, from: string, to: string): string {
  return (
    `<${tag}><item><instanceId>${instanceId}</instanceId>` +
    `<currentState><code>0</code><name>${to}</name></currentState>` +
    `<previousState><code>0</code><name>${from}</name></previousState></item></${tag}>`
  );
}

/** Starts every stand-in; prefer {@link sandbox}, which keeps one per process. */
export async function startSandbox(): Promise<Sandbox> {
  let behaviour: SandboxBehaviour = HEALTHY;
  let restarted = false;
  let appRequests = 0;
  const awsCalls: AwsCall[] = [];
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
  const appPort = await listen(app);

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
  const sshPort = await listen(relay);

  // --- a TCP service ----------------------------------------------------------------------------
  const tcp = createTcpServer((socket) => {
    socket.on("error", () => undefined);
    if (isDown("tcp")) socket.resetAndDestroy();
    else socket.end();
  });
  const tcpPort = await listen(tcp);

  // --- chat and pager ---------------------------------------------------------------------------
  const chat = await startCaptureServer({ status: 200, body: "ok" });
  const pager = await startCaptureServer({
    status: 202,
    body: JSON.stringify({ result: "Request will be processed", took: 0.01, requestId: "simulated" }),
  });

  // --- fake AWS ---------------------------------------------------------------------------------
  const secrets = new Map<string, string>();
  const aws = createServer((req, res) => {
    void readBody(req).then((body) => {
      const target = String(req.headers["x-amz-target"] ?? "");
      if (target.startsWith("secretsmanager.")) return secretsManager(target, body, res);
      const healthCheck = /^\/2013-04-01\/healthcheck\/([^/]+)\/status/.exec(req.url ?? "");
      if (healthCheck) return route53(decodeURIComponent(healthCheck[1] as string), res);
      return ec2(new URLSearchParams(body), res);
    });
  });

  const secretsManager = (target: string, body: string, res: ServerResponse) => {
    const secretId = String((JSON.parse(body || "{}") as { SecretId?: string }).SecretId ?? "");
    awsCalls.push({ service: "secretsmanager", action: target.split(".")[1] ?? "", target: secretId });
    const value = secrets.get(secretId);
    res.writeHead(value === undefined ? 400 : 200, { "content-type": "application/x-amz-json-1.1" });
    res.end(
      JSON.stringify(
        value === undefined
          ? {
              __type: "ResourceNotFoundException",
              message: "Secrets Manager can't find the specified secret.",
            }
          : {
              ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${secretId}-AbCdEf`,
              Name: secretId,
              SecretString: value,
              VersionId: "simulated",
            },
      ),
    );
  };

  const route53 = (healthCheckId: string, res: ServerResponse) => {
    awsCalls.push({ service: "route53", action: "GetHealthCheckStatus", target: healthCheckId });
    const status = isDown("route53")
      ? "Failure: HTTP Status Code 503, Service Unavailable"
      : "Success: HTTP Status Code 200, OK";
    const observation = (region: string, ip: string) =>
      `<HealthCheckObservation><Region>${region}</Region><IPAddress>${ip}</IPAddress>` +
      `<StatusReport><Status>${status}</Status><CheckedTime>2030-01-01T00:00:00.000Z</CheckedTime></StatusReport></HealthCheckObservation>`;
    xml(
      res,
      200,
      `<GetHealthCheckStatusResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HealthCheckObservations>${observation(
        "us-east-1",
        "15.177.2.1",
      )}${observation("eu-west-1", "15.177.10.1")}${observation("ap-southeast-1", "15.177.14.1")}</HealthCheckObservations></GetHealthCheckStatusResponse>`,
    );
  };

  const ec2 = (params: URLSearchParams, res: ServerResponse) => {
    const action = params.get("Action") ?? "";
    const instanceId = params.get("InstanceId.1") ?? "";
    awsCalls.push({ service: "ec2", action, target: instanceId });
    const restartCall = ["RebootInstances", "StopInstances", "StartInstances"].includes(action);
    if (restartCall && behaviour.restartError) {
      return ec2Error(res, behaviour.restartError, `simulated ${behaviour.restartError} for ${instanceId}`);
    }
    switch (action) {
      case "RebootInstances":
        restarted = true;
        return xml(
          res,
          200,
          `<RebootInstancesResponse ${EC2_NS}><requestId>simulated</requestId><return>true</return></RebootInstancesResponse>`,
        );
      case "StopInstances":
        return xml(
          res,
          200,
          `<StopInstancesResponse ${EC2_NS}><requestId>simulated</requestId>${stateChange("instancesSet", instanceId, "running", "stopping")}</StopInstancesResponse>`,
        );
      case "StartInstances":
        restarted = true;
        return xml(
          res,
          200,
          `<StartInstancesResponse ${EC2_NS}><requestId>simulated</requestId>${stateChange("instancesSet", instanceId, "stopped", "pending")}</StartInstancesResponse>`,
        );
      case "DescribeInstances":
        // Both addresses are the loopback: the SSH relay listens there.
        return xml(
          res,
          200,
          `<DescribeInstancesResponse ${EC2_NS}><requestId>simulated</requestId><reservationSet><item><reservationId>r-0simulated</reservationId><instancesSet><item><instanceId>${instanceId}</instanceId><ipAddress>127.0.0.1</ipAddress><privateIpAddress>127.0.0.1</privateIpAddress></item></instancesSet></item></reservationSet></DescribeInstancesResponse>`,
        );
      default:
        return ec2Error(res, "InvalidAction", `the simulator does not answer ${action}`);
    }
  };
  const awsPort = await listen(aws);

  return {
    appUrl: `http://127.0.0.1:${appPort}`,
    sshPort,
    sshFingerprint: publicKeyFingerprint(hostKeys.public),
    tcpPort,
    chat,
    pager,
    awsUrl: `http://127.0.0.1:${awsPort}`,
    awsCalls,
    appRequests: () => appRequests,
    secrets,
    chatWebhookUrl: `${chat.url}/services/T0000000/B0000000/simulated`,
    sshPrivateKey: userKeys.private,
    restarted: () => restarted,
    configure(next) {
      behaviour = next;
      restarted = false;
      appRequests = 0;
      awsCalls.length = 0;
      chat.reset();
      pager.reset();
      if (next.chatStatus !== undefined) chat.reply({ status: next.chatStatus, body: "simulated outage" });
    },
    async close() {
      for (const socket of relayed) socket.destroy();
      app.closeAllConnections();
      aws.closeAllConnections();
      await Promise.all([
        closeServer(app),
        closeServer(relay),
        closeServer(tcp),
        closeServer(aws),
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
