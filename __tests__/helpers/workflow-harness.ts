/**
 * The workflow harness moved to scripts/lib so `npm run simulate` runs the same executions the
 * tests do; this path stays for the tests that import it.
 */
export * from "../../scripts/lib/workflow-harness";
