/**
 * The remediation workflow: a pure builder of its ASL definition, the names of its states, and
 * the timeouts that keep the functions, their Task states and the machine consistent.
 */
export type { AslDefinition, AslState } from "./asl";
export { buildDefinition, type WorkflowOutput } from "./definition";
export { METRICS, NOTIFICATION_FAILED_ERROR } from "./fragments/finish";
export { INVALID_INPUT_ERROR } from "./fragments/input";
export { LOCK_ATTRIBUTES } from "./fragments/lock";
export { PAUSE_KEY_PREFIX } from "./fragments/pause";
// The state names and the helpers that build them: all of states.ts.
export * from "./states";
export type { WorkflowProps } from "./tasks";
export {
  functionTimeoutSeconds,
  machineTimeoutSeconds,
  type TimeBudget,
  taskTimeoutSeconds,
  timeBudget,
  type WorkflowTimeouts,
  workflowTimeouts,
} from "./timeouts";
