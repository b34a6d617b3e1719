/**
 * The small kit the workflow is composed with: a fragment is a few states with one way in; a
 * state's `Next` (or a Choice's `Default`, a rule's `Next`, a Catch's `Next`) may say {@link NEXT},
 * "whatever follows me", and {@link chain} wires a list of fragments top to bottom.
 */
import type { AslState, ChoiceCondition, ChoiceState } from "./asl";

/** "The next fragment in the chain": replaced by {@link chain}. */
export const NEXT = "→ next";

/** A few states with one way in. */
export interface Fragment {
  readonly start: string;
  readonly states: Readonly<Record<string, AslState>>;
}

/** The Choice condition "`Variable` is present". */
export const isPresent = (Variable: string): ChoiceCondition => ({ Variable, IsPresent: true });

/** The Choice condition that holds when `condition` does not. */
export const not = (condition: ChoiceCondition): ChoiceCondition => ({ Not: condition });

/** A fragment starting at its first state. */
export function fragment(states: Readonly<Record<string, AslState>>): Fragment {
  const [start] = Object.keys(states);
  if (start === undefined) throw new Error("a fragment needs at least one state");
  return { start, states };
}

function retarget(state: AslState, from: string, to: string): AslState {
  const swap = (name: string) => (name === from ? to : name);
  if (state.Type === "Choice") {
    const choice: ChoiceState = {
      ...state,
      Choices: state.Choices.map((rule) => ({ ...rule, Next: swap(rule.Next) })),
      Default: swap(state.Default),
    };
    return choice;
  }
  if (state.Type === "Succeed" || state.Type === "Fail") return state;
  return {
    ...state,
    ...(state.Next === undefined ? {} : { Next: swap(state.Next) }),
    ...(state.Type === "Task" && state.Catch
      ? { Catch: state.Catch.map((c) => ({ ...c, Next: swap(c.Next) })) }
      : {}),
  };
}

function mergeStates(target: Record<string, AslState>, states: Readonly<Record<string, AslState>>): void {
  for (const [name, state] of Object.entries(states)) {
    if (name in target) throw new Error(`duplicate state ${name}`);
    target[name] = state;
  }
}

/** The fragments one after another: each one's {@link NEXT} becomes the start of the one after it. */
export function chain(...fragments: readonly Fragment[]): Fragment {
  const first = fragments[0];
  if (first === undefined) throw new Error("chain of nothing");
  const states: Record<string, AslState> = {};
  fragments.forEach((part, i) => {
    const following = fragments[i + 1];
    mergeStates(states, following ? ending(part, following.start).states : part.states);
  });
  return { start: first.start, states };
}

/** The fragment with its {@link NEXT} going to `target` (a branch that rejoins the main line). */
export function ending(part: Fragment, target: string): Fragment {
  return {
    start: part.start,
    states: Object.fromEntries(Object.entries(part.states).map(([n, s]) => [n, retarget(s, NEXT, target)])),
  };
}

/** Every state of the main line and its side branches, checked: no dangling {@link NEXT}, every target exists. */
export function allStates(main: Fragment, ...branches: readonly Fragment[]): Record<string, AslState> {
  const states: Record<string, AslState> = {};
  for (const part of [main, ...branches]) mergeStates(states, part.states);
  for (const [name, state] of Object.entries(states)) {
    const targets =
      state.Type === "Choice"
        ? [...state.Choices.map((r) => r.Next), state.Default]
        : state.Type === "Succeed" || state.Type === "Fail"
          ? []
          : [
              ...(state.Next ? [state.Next] : []),
              ...(state.Type === "Task" ? (state.Catch ?? []).map((c) => c.Next) : []),
            ];
    for (const target of targets) {
      if (!(target in states)) throw new Error(`state ${name} goes to ${target}, which does not exist`);
    }
  }
  return states;
}
