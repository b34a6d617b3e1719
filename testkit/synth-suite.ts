/**
 * A synthesized configuration as a jest suite's fixture: synthesized once before the suite's
 * tests, its temporary folder removed after them, so test files declare what they synthesize
 * instead of each writing the same `let` / `beforeAll` / `afterAll` triple.
 */
import { type Synthesized, synthConfig } from "./synth";

/**
 * Registers, in the enclosing `describe` (or file), a `beforeAll` that synthesizes `raw()` with
 * {@link synthConfig} and an `afterAll` that cleans it up, and returns a handle whose properties
 * read that synth. Calls in one suite synthesize one after another in call order (each synth is
 * CPU-bound and the machine is shared), so a later `raw` may read an earlier handle. Reading the
 * handle outside the suite's tests and later hooks throws.
 */
export function synthesizedOnce(raw: () => unknown): Synthesized {
  let synth: Synthesized | undefined;
  beforeAll(async () => {
    synth = await synthConfig(raw());
  });
  afterAll(() => {
    synth?.cleanup();
    synth = undefined;
  });
  // Every property is read from the synth at the time of reading: the handle exists before it.
  return new Proxy({} as Synthesized, {
    get: (_target, key) => {
      if (synth === undefined) throw new Error("synthesizedOnce: read outside its suite's tests and hooks");
      return Reflect.get(synth, key);
    },
  });
}
