import { performance } from "node:perf_hooks";
import { GetHealthCheckStatusCommand, type Route53Client } from "@aws-sdk/client-route-53";
import type { CheckSettings } from "../../contract/checks";
import { type CheckResult, DEPENDENCIES } from "../../contract/workflow";
import { checkResult, unavailableReason, type Verdict } from "../shared/check-result";
import { describeAwsError } from "../shared/error-text";

/** What {@link runRoute53Check} needs from outside. */
export interface Route53CheckDeps {
  readonly client: Pick<Route53Client, "send">;
  /** Milliseconds, monotonic. @default performance.now */
  readonly now?: () => number;
}

/**
 * Asks Route 53 what its checkers currently see for the health check and passes when the share
 * reporting Success is at least `minHealthyShare`; fails when the checkers see the endpoint down.
 * Never throws for Route 53's own trouble: any API error (throttling after the SDK's retries,
 * 5xx, access denied, an unknown health check) is `unavailable` (DESIGN §3.6), because an answer
 * Route 53 did not give says nothing about the instance and must not restart it.
 */
export async function runRoute53Check(
  settings: CheckSettings<"route53">,
  deps: Route53CheckDeps,
): Promise<CheckResult> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const result = (verdict: Verdict, reason: string, details?: Record<string, number | string>): CheckResult =>
    checkResult("route53", verdict, reason, Math.round(now() - started), {
      healthCheckId: settings.healthCheckId,
      ...details,
    });

  let observations: readonly { StatusReport?: { Status?: string } }[];
  try {
    const out = await deps.client.send(
      new GetHealthCheckStatusCommand({ HealthCheckId: settings.healthCheckId }),
    );
    observations = out.HealthCheckObservations ?? [];
  } catch (err) {
    return result(
      "unavailable",
      unavailableReason(
        DEPENDENCIES.route53,
        `GetHealthCheckStatus of ${settings.healthCheckId} failed: ${describeAwsError(err)}`,
      ),
    );
  }

  const total = observations.length;
  if (total === 0) {
    // No checker reported anything: a calculated or CloudWatch-alarm health check has no
    // checkers (AWS documents that GetHealthCheckStatus cannot read a calculated one), and a
    // new one has not reported yet. That is no evidence against the instance, and restarting
    // it could never make this pass, so it is `unavailable`, not `failed`: people are told
    // and the instance is left alone.
    return result(
      "unavailable",
      unavailableReason(
        DEPENDENCIES.route53,
        `health check ${settings.healthCheckId} has no checker observations (a calculated or CloudWatch-alarm health check has no checkers; configure one that probes the endpoint)`,
      ),
      { healthy: 0, total: 0, share: 0 },
    );
  }
  const healthy = observations.filter((o) => o.StatusReport?.Status?.startsWith("Success") === true).length;
  // Integer division is correctly rounded, so 7/10 compares equal to a configured 0.7; the
  // tempting `healthy >= min * total` would not (0.7 * 10 = 7.000000000000001).
  const share = healthy / total;
  const passed = share >= settings.minHealthyShare;
  const comparison = `${percent(share)} ${passed ? ">=" : "<"} ${percent(settings.minHealthyShare)}`;
  return result(
    passed ? "passed" : "failed",
    `${healthy} of ${total} checkers report Success (${comparison})`,
    {
      healthy,
      total,
      share,
    },
  );
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
