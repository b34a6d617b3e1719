/**
 * The remediation workflow: a pure builder of its ASL definition and the timeouts that keep
 * the functions, their Task states and the machine consistent with each other.
 */
export type { AslDefinition, AslState } from "./asl";
export {
  buildDefinition,
  checkStates,
  escalationState,
  INVALID_INPUT_ERROR,
  NOTIFICATION_FAILED_ERROR,
  pollStates,
  STATE,
  type WorkflowOutput,
  type WorkflowProps,
} from "./definition";
export {
  functionTimeoutSeconds,
  machineTimeoutSeconds,
  type TimeBudget,
  taskTimeoutSeconds,
  timeBudget,
  type WorkflowTimeouts,
  workflowTimeouts,
} from "./timeouts";
