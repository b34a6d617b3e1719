import { connect as netConnect } from "node:net";
import { performance } from "node:perf_hooks";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { CheckSettings } from "../../contract/checks";
import type { CheckEvent, CheckResult } from "../../contract/workflow";
import { checkResult, type Verdict } from "../shared/check-result";
import { describeNetworkError, errorCode, errorName } from "../shared/error-text";
import { instanceAddress } from "../shared/instance-address";

type TcpSettings = CheckSettings<"tcp">;

/** How one connection attempt ended; every ending is a value, never an exception. */
export type ConnectOutcome =
  | { readonly kind: "accepted" }
  | { readonly kind: "timeout" }
  | { readonly kind: "error"; readonly error: unknown };

/** Opens one TCP connection and closes it as soon as it is accepted. */
export type Connect = (host: string, port: number, timeoutMs: number) => Promise<ConnectOutcome>;

/** The real connector on node:net: accepted, refused/reset/unreachable (error), or timed out. */
export const connectOnce: Connect = (host, port, timeoutMs) =>
  new Promise((resolve) => {
    const socket = netConnect({ host, port });
    const done = (outcome: ConnectOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    // One deadline for DNS, the handshake and all: a port that silently drops SYNs must fail in time.
    const timer = setTimeout(() => done({ kind: "timeout" }), timeoutMs);
    socket.once("connect", () => done({ kind: "accepted" }));
    socket.once("error", (error) => done({ kind: "error", error }));
  });

/** What the TCP check needs from outside; the handler builds these once per container. */
export interface TcpCheckDeps {
  readonly ec2: Pick<EC2Client, "send">;
  /** @default connectOnce */
  readonly connect?: Connect;
  /** Milliseconds, monotonic. @default performance.now */
  readonly now?: () => number;
}

/**
 * DESIGN §3 TCP check: the port accepts a connection within `timeoutSeconds`, or the check
 * fails (refused, reset, unreachable, timed out). The host defaults to the instance's IP as for
 * SSH; EC2 failing to answer that lookup is `unavailable` (DESIGN §3.6), never a restart.
 */
export async function runTcpCheck(event: CheckEvent<TcpSettings>, deps: TcpCheckDeps): Promise<CheckResult> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const { settings } = event;
  const finish = (verdict: Verdict, reason: string, details: Record<string, string | number>) =>
    checkResult("tcp", verdict, reason, Math.round(now() - started), { port: settings.port, ...details });

  const lookup = await instanceAddress(event.instanceId, settings, deps.ec2);
  if (!lookup.ok) return finish(lookup.verdict, lookup.reason, {});
  const address = `${lookup.host}:${settings.port}`;
  const details = { host: lookup.host, hostSource: lookup.source };

  const outcome = await (deps.connect ?? connectOnce)(
    lookup.host,
    settings.port,
    settings.timeoutSeconds * 1000,
  );
  switch (outcome.kind) {
    case "accepted":
      return finish("passed", `${address} accepted a connection`, details);
    case "timeout":
      return finish("failed", `no connection to ${address} within ${settings.timeoutSeconds} s`, details);
    case "error": {
      const peer = { address, hostname: lookup.host };
      const reason =
        describeNetworkError(outcome.error, peer) ??
        `connection to ${address} failed (${errorCode(outcome.error) ?? errorName(outcome.error)})`;
      return finish("failed", reason, details);
    }
  }
}
