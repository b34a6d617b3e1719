/**
 * `npm run pause -- [--account <a>] --region <r> --instance <id> --for <2h> --reason "<text>" [--by <name>]`
 *
 * Pauses first-line for one instance (DESIGN §3.10, §7); see scripts/lib/ops/pause.ts.
 */
import { OPS_NOTES, runOpsCommand, TARGET_OPTIONS } from "./lib/ops/context";
import { pause } from "./lib/ops/pause";

const command = {
  invocation: "npm run pause --",
  name: "pause",
  description:
    "Pauses first-line for one instance without a deploy (a maintenance window): writes the pause item\n" +
    "pause#<instance id> into the region's lock table; until it expires, an alarm ends the execution\n" +
    '"paused" before any lock, check or restart. Pausing again replaces the pause.',
  options: {
    ...TARGET_OPTIONS,
    for: { type: "string", placeholder: "duration", description: "how long: 30m, 2h, 1d, 1h30m (1m to 7d)" },
    reason: { type: "string", placeholder: "text", description: "why (shown by status, history and chat)" },
    by: { type: "string", placeholder: "name", description: "who paused (default: your AWS identity's ARN)" },
  },
  required: ["region", "instance", "for", "reason"],
  notes: [
    'Example: npm run pause -- --region eu-west-1 --instance i-0123456789abcdef0 --for 2h --reason "kernel upgrade"',
    ...OPS_NOTES,
  ],
} as const;

runOpsCommand(command, pause);
