import type { CheckName } from "../../contract/checks";
import type { CheckResult, Dependency } from "../../contract/workflow";

/** A check's verdict: the instance answered well, answered badly, or could not be asked. */
export type Verdict = CheckResult["status"];

/** Builds a {@link CheckResult}. */
export function checkResult(
  check: CheckName,
  status: Verdict,
  reason: string,
  durationMs: number,
  details?: CheckResult["details"],
): CheckResult {
  return {
    check,
    status,
    reason,
    durationMs,
    ...(details !== undefined ? { details } : {}),
  };
}

/** The reason of an `unavailable` result: the dependency first, as DESIGN §3.6 spells it. */
export function unavailableReason(dependency: Dependency, text: string): string {
  return `${dependency}: ${text}`;
}
