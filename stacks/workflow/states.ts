/**
 * Names of the states other code refers to (tests, the simulator, runbooks, the summary). A
 * state's name is what an operator reads in the execution history, so names say what happens.
 */
import type { AnyCheck } from "../../contract/checks/check";
import type { EscalationReason } from "../../contract/workflow";

export const STATE = {
  validate: "Validate input",
  invalidInput: "Reject invalid input",
  prepare: "Prepare",
  wholeNumbers: "Whole numbers?",
  readPause: "Read pause",
  paused: "Paused?",
  pausedOutcome: "Paused",
  pausedWithoutReason: "Paused (no reason given)",
  plan: "Plan lock and cooldown",
  acquire: "Acquire lock",
  alreadyRunning: "Already running",
  healthy: "Healthy",
  cooldown: "Within cooldown?",
  recordRestart: "Record restart time",
  method: "Restart method?",
  reboot: "Reboot instance",
  stop: "Stop instance",
  start: "Start instance",
  settle: "Wait for settle",
  backOnline: "Back online",
  measure: "Measure the restart",
  recovered: "Recovered",
  escalated: "Escalated",
  page: "Page the on-call",
  release: "Release lock",
  record: "Restarted?",
  delivered: "Notifications delivered?",
  notificationFailed: "Notification failed",
  done: "Done",
} as const;

/** The state a given escalation reason is recorded in. */
export function escalationState(reason: EscalationReason): string {
  return `Escalate: ${reason}`;
}

/** The two runs of the checks (DESIGN §3 steps 1 and 3). */
export type Run = 1 | 2;

/** The output key of a run: `runs.first`, `runs.second`. */
export function runKey(run: Run): "first" | "second" {
  return run === 1 ? "first" : "second";
}

/** State names of a run's entry and of its three ways out. */
export function runStates(run: Run) {
  return {
    start: `Run ${run}`,
    passed: `Run ${run} passed`,
    failed: `Run ${run} failed`,
    unavailable: `Run ${run} could not check`,
  };
}

/** State names of one check (shared by both runs; `$.run` says which run it is in). */
export function checkStates(check: Pick<AnyCheck, "label">) {
  const base = `${check.label} check`;
  return {
    configured: `${base} configured?`,
    skipped: `${base} skipped`,
    task: base,
    result: `${base} result?`,
    recorded: `${base} recorded`,
    unusable: `${base} unusable output`,
    errored: `${base} errored`,
    couldNotRun: `${base} could not run`,
    verdict: `${base} verdict?`,
  };
}

/** State names of a poll loop ("stop": until stopped; "status": until running with status ok). */
export function pollStates(loop: "stop" | "status") {
  return loop === "stop"
    ? {
        count: "Count stop polls",
        poll: "Poll until stopped",
        test: "Stopped?",
        spend: "Spend stop poll",
        left: "Stop polls left?",
        wait: "Wait before stop poll",
      }
    : {
        count: "Count status polls",
        poll: "Poll instance status",
        test: "Back online?",
        spend: "Spend status poll",
        left: "Status polls left?",
        wait: "Wait before status poll",
      };
}

/** State names of telling chat about an event (asked only when `chatOn` includes it). */
export function chatStates(event: string) {
  return { ask: `Tell chat: ${event}?`, task: `Notify chat: ${event}` };
}

/** State names of recording the outcome metrics. */
export const RECORD_STATES = {
  back: "Record outcome: restarted and back",
  restarted: "Record outcome: restarted",
  plain: "Record outcome",
} as const;
