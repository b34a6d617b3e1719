/**
 * The TCP check (DESIGN §3) against real sockets on 127.0.0.1: a listener that accepts and a port
 * nothing listens on; a handshake that never completes (a connector that never answers: a
 * dropping firewall cannot be built on loopback); and the instance-address lookup through EC2
 * (a real SDK client against the loopback stand-in).
 * Then the Lambda entry itself, so its input check and result shape are the deployed ones.
 */
import { createServer, type Server, type Socket } from "node:net";
import { EC2Client } from "@aws-sdk/client-ec2";
import type { CheckSettings } from "../../contract/checks";
import type { CheckEvent } from "../../contract/workflow";
import { InvalidInputError } from "../../functions/shared/errors";
import { runTcpCheck } from "../../functions/tcp-check/check";
import { AwsStandIn, awsError, ok } from "../../testkit/aws-stand-in";

type TcpSettings = CheckSettings<"tcp">;

const INSTANCE = "i-0123456789abcdef0";
let standIn: AwsStandIn;
let ec2: EC2Client;
let accepting: Server;
let acceptingPort: number;
let closedPort: number;
const sockets = new Set<Socket>();

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
}

beforeAll(async () => {
  standIn = await AwsStandIn.start();
  ec2 = new EC2Client({
    region: "eu-west-1",
    endpoint: standIn.url,
    maxAttempts: 1,
    credentials: { accessKeyId: "AKIDTCPTEST", secretAccessKey: "test" },
  });
  accepting = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  acceptingPort = await listen(accepting);
  // A port that was free a moment ago: nothing listens on it now.
  const probe = createServer();
  closedPort = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all([new Promise((resolve) => accepting.close(resolve)), standIn.close()]);
});

beforeEach(() => standIn.clearCalls());

const event = (settings: Partial<TcpSettings>): CheckEvent<TcpSettings> => ({
  instanceId: INSTANCE,
  region: "eu-west-1",
  settings: { host: "127.0.0.1", port: acceptingPort, timeoutSeconds: 2, inVpc: false, ...settings },
});

describe("runTcpCheck against real sockets", () => {
  it("passes when the port accepts a connection, and closes it at once", async () => {
    const result = await runTcpCheck(event({}), { ec2 });

    expect(result).toMatchObject({
      check: "tcp",
      status: "passed",
      reason: `127.0.0.1:${acceptingPort} accepted a connection`,
      details: { host: "127.0.0.1", hostSource: "settings", port: acceptingPort },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sockets.size).toBe(0);
  });

  it("fails when nothing listens (connection refused)", async () => {
    const result = await runTcpCheck(event({ port: closedPort }), { ec2 });

    expect(result).toMatchObject({ status: "failed" });
    expect(result.reason).toMatch(/refused/);
    expect(result.reason).toContain(`127.0.0.1:${closedPort}`);
  });

  it("fails within the timeout when the handshake never completes", async () => {
    // A connector that never answers stands for a firewall dropping SYNs (no such host on loopback).
    const started = Date.now();
    const result = await runTcpCheck(event({ timeoutSeconds: 1 }), {
      ec2,
      connect: (_host, _port, timeoutMs) =>
        new Promise((resolve) => setTimeout(() => resolve({ kind: "timeout" }), timeoutMs)),
    });

    expect(result).toMatchObject({
      status: "failed",
      reason: `no connection to 127.0.0.1:${acceptingPort} within 1 s`,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("dials the instance's public IP DescribeInstances returns when no host is configured", async () => {
    standIn.on("ec2", "DescribeInstances", () =>
      ok({
        reservationSet: [
          {
            reservationId: "r-0123",
            instancesSet: [{ instanceId: INSTANCE, ipAddress: "127.0.0.1", privateIpAddress: "10.0.0.5" }],
          },
        ],
      }),
    );

    const result = await runTcpCheck(event({ host: undefined }), { ec2 });

    expect(result).toMatchObject({
      status: "passed",
      details: { host: "127.0.0.1", hostSource: "public-ip" },
    });
    expect(standIn.callsTo("ec2", "DescribeInstances")).toHaveLength(1);
  });

  it("is unavailable, without dialling, when EC2 refuses the lookup (could not ask: no restart)", async () => {
    standIn.on("ec2", "DescribeInstances", () =>
      awsError(403, "UnauthorizedOperation", "You are not authorized to perform this operation."),
    );
    let dialled = false;

    const result = await runTcpCheck(event({ host: undefined }), {
      ec2,
      connect: async () => {
        dialled = true;
        return { kind: "accepted" };
      },
    });

    expect(result).toMatchObject({
      status: "unavailable",
      reason: `EC2 DescribeInstances: lookup of ${INSTANCE} failed: access denied (UnauthorizedOperation)`,
    });
    expect(dialled).toBe(false);
  });

  it("fails, as the instance's own state, when the instance has no IP of the kind it needs", async () => {
    standIn.on("ec2", "DescribeInstances", () =>
      ok({ reservationSet: [{ reservationId: "r-0123", instancesSet: [{ instanceId: INSTANCE }] }] }),
    );

    const result = await runTcpCheck(event({ host: undefined, inVpc: true }), { ec2 });

    expect(result).toMatchObject({
      status: "failed",
      reason: `instance ${INSTANCE} has no private IP address`,
    });
  });
});

describe("the tcp-check Lambda entry", () => {
  let handler: (event: unknown) => Promise<unknown>;
  beforeAll(async () => {
    jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    handler = (await import("../../functions/tcp-check/index")).handler;
  });
  afterAll(() => jest.restoreAllMocks());

  it("checks a configured host through the deployed entry point", async () => {
    await expect(handler(event({}))).resolves.toMatchObject({ check: "tcp", status: "passed" });
  });

  it("refuses malformed settings before dialling anything, naming each field", async () => {
    const error = await handler({
      instanceId: INSTANCE,
      region: "eu-west-1",
      settings: { host: "-oProxyCommand", port: 70_000, timeoutSeconds: 0, inVpc: "no" },
    }).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems).toEqual([
      'settings.host: "-oProxyCommand" is not a host name or IP address',
      "settings.port: must be at most 65535, got 70000",
      "settings.timeoutSeconds: must be at least 1, got 0",
      'settings.inVpc: expected true or false, got "no"',
    ]);
  });
});
