/**
 * `npm run status -- [--account <a>] [--region <r>] [--instance <id>] [--json]`
 *
 * Pauses, live locks, last restart and last execution per instance (DESIGN §7); see
 * scripts/lib/ops/status.ts.
 */
import { JSON_OPTION, OPS_NOTES, runOpsCommand, TARGET_OPTIONS } from "./lib/ops/context";
import { LAST_EXECUTION_LOOKBACK, status } from "./lib/ops/status";

const command = {
  invocation: "npm run status --",
  name: "status",
  description:
    "Per region and instance: whether its alarm rule is on, its pause (live or expired), a live lock (a\n" +
    "remediation running now), the last restart, and the last execution with its outcome. Every configured\n" +
    "region (in parallel) unless --account or --region narrows it.",
  options: { ...TARGET_OPTIONS, ...JSON_OPTION },
  notes: [
    `The last execution is the newest of the region's last ${LAST_EXECUTION_LOOKBACK} (ListExecutions, then DescribeExecution).`,
    ...OPS_NOTES,
  ],
} as const;

runOpsCommand(command, status);
