/**
 * `npm run history -- [--account <a>] [--region <r>] [--instance <id>] [--since 24h] [--json]`
 *
 * Recent executions across regions (DESIGN §7); see scripts/lib/ops/history.ts.
 */
import { JSON_OPTION, OPS_NOTES, runOpsCommand, TARGET_OPTIONS } from "./lib/ops/context";
import { DEFAULT_SINCE, history } from "./lib/ops/history";

const command = {
  invocation: "npm run history --",
  name: "history",
  description:
    "The executions of every configured region (or those --account/--region select) since --since, newest\n" +
    "first: when, instance, outcome, reason, restart duration and the Step Functions console link.",
  options: {
    ...TARGET_OPTIONS,
    since: {
      type: "string",
      placeholder: "duration",
      description: `how far back: 30m, 24h, 7d (1m to 90d, Step Functions' retention; default ${DEFAULT_SINCE})`,
    },
    ...JSON_OPTION,
  },
  notes: ["Example: npm run history -- --region eu-west-1 --since 7d", ...OPS_NOTES],
} as const;

runOpsCommand(command, history);
