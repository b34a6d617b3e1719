/**
 * `npm run resume -- [--account <a>] --region <r> --instance <id>`
 *
 * Lifts an instance's pause (DESIGN §7); see scripts/lib/ops/pause.ts.
 */
import { OPS_NOTES, runOpsCommand, TARGET_OPTIONS } from "./lib/ops/context";
import { resume } from "./lib/ops/pause";

const command = {
  invocation: "npm run resume --",
  name: "resume",
  description:
    "Lifts the pause of one instance: deletes its pause item from the region's lock table, so the next\n" +
    "alarm is handled again. Says so when there was no pause (exit 0).",
  options: TARGET_OPTIONS,
  required: ["region", "instance"],
  notes: ["Example: npm run resume -- --region eu-west-1 --instance i-0123456789abcdef0", ...OPS_NOTES],
} as const;

runOpsCommand(command, resume);
