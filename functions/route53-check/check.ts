import { performance } from "node:perf_hooks";
import { GetHealthCheckStatusCommand, type Route53Client } from "@aws-sdk/client-route-53";
import type { CheckResult, Route53Settings } from "../shared/contracts";
import { messageOf } from "../shared/errors";

/** What {@link runRoute53Check} needs from outside. */
export interface Route53CheckDeps {
  readonly client: Pick<Route53Client, "send">;
  /** Milliseconds, monotonic. @default performance.now */
  readonly now?: () => number;
}

/**
 * Asks Route 53 what its checkers currently see for the health check and passes when the share
 * reporting Success is at least `minHealthyShare`. Route 53 errors are results, not throws: the
 * workflow must decide on them like on any other failed check.
 */
export async function runRoute53Check(
  settings: Route53Settings,
  deps: Route53CheckDeps,
): Promise<CheckResult> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const result = (
    passed: boolean,
    reason: string,
    details?: Record<string, number | string>,
  ): CheckResult => ({
    check: "route53",
    passed,
    status: passed ? "passed" : "failed",
    reason,
    durationMs: Math.round(now() - started),
    details: { healthCheckId: settings.healthCheckId, ...details },
  });

  let observations: readonly { StatusReport?: { Status?: string } }[];
  try {
    const out = await deps.client.send(
      new GetHealthCheckStatusCommand({ HealthCheckId: settings.healthCheckId }),
    );
    observations = out.HealthCheckObservations ?? [];
  } catch (err) {
    return result(false, `route53 error: ${nameOf(err)}: ${messageOf(err)}`);
  }

  const total = observations.length;
  if (total === 0) {
    return result(
      false,
      "health check has no checker observations (a calculated health check has no checkers to report)",
      { healthy: 0, total: 0, share: 0 },
    );
  }
  const healthy = observations.filter((o) => o.StatusReport?.Status?.startsWith("Success") === true).length;
  // Integer division is correctly rounded, so 7/10 compares equal to a configured 0.7; the
  // tempting `healthy >= min * total` would not (0.7 * 10 = 7.000000000000001).
  const share = healthy / total;
  const passed = share >= settings.minHealthyShare;
  const comparison = `${percent(share)} ${passed ? ">=" : "<"} ${percent(settings.minHealthyShare)}`;
  return result(passed, `${healthy} of ${total} checkers report Success (${comparison})`, {
    healthy,
    total,
    share,
  });
}

/** The error's name, duck-typed: SDK errors may come from another realm than this module's Error. */
function nameOf(err: unknown): string {
  const name = typeof err === "object" && err !== null ? (err as { name?: unknown }).name : undefined;
  return typeof name === "string" && name !== "" ? name : "Error";
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
