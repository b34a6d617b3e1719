/**
 * Reading commands (status, history) ask every selected region at once. A region AWS refuses
 * (access denied, throttled, not deployed) must not hide the others: its failure is collected,
 * shown after the rest, and makes the exit code 3. Anything else is a bug and is thrown.
 */
import { OpsAwsError } from "./aws-call";
import type { RegionTarget } from "./target";

/** A region that could not be read. */
export interface RegionFailure {
  readonly account?: string;
  readonly region: string;
  readonly message: string;
}

export interface PerRegion<T> {
  /** The results of the regions that answered, in the targets' order. */
  readonly results: readonly T[];
  readonly failures: readonly RegionFailure[];
}

export async function perRegion<T>(
  targets: readonly RegionTarget[],
  work: (target: RegionTarget) => Promise<T>,
): Promise<PerRegion<T>> {
  const settled = await Promise.allSettled(targets.map(work));
  const results: T[] = [];
  const failures: RegionFailure[] = [];
  for (const [i, outcome] of settled.entries()) {
    const target = targets[i] as RegionTarget;
    if (outcome.status === "fulfilled") {
      results.push(outcome.value);
    } else if (outcome.reason instanceof OpsAwsError) {
      failures.push({
        ...(target.region.account ? { account: target.region.account.name } : {}),
        region: target.region.name,
        message: outcome.reason.message,
      });
    } else {
      throw outcome.reason;
    }
  }
  return { results, failures };
}
