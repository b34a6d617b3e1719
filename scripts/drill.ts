/**
 * `npm run drill -- [--account <a>] --region <r> --instance <id> [--wait] [--poll-seconds <s>]`
 *
 * Sets an instance's CPU alarm to ALARM to watch a real remediation end to end (DESIGN §7); see
 * scripts/lib/ops/drill.ts.
 */
import { OPS_NOTES, runOpsCommand, TARGET_OPTIONS } from "./lib/ops/context";
import { drill } from "./lib/ops/drill";

const command = {
  invocation: "npm run drill --",
  name: "drill",
  description:
    "Sets the instance's CPU alarm to ALARM (CloudWatch SetAlarmState), so EventBridge starts a real\n" +
    "remediation: the checks run, and a failing check restarts the instance. Prints how to follow it; with\n" +
    "--wait follows the execution to its outcome, each state on stderr.",
  options: {
    ...TARGET_OPTIONS,
    wait: { type: "boolean", description: "follow the execution to its outcome" },
    "poll-seconds": {
      type: "string",
      placeholder: "seconds",
      description: "how often --wait asks AWS (default 5)",
    },
  },
  required: ["region", "instance"],
  notes: ["Example: npm run drill -- --region eu-west-1 --instance i-0123456789abcdef0 --wait", ...OPS_NOTES],
} as const;

runOpsCommand(command, drill);
