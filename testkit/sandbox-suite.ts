/**
 * A jest suite that runs the real handlers in the process's sandbox (testkit/sandbox.ts), as
 * `simulate` does. Call it at the top of the test file.
 */
import { closeSandbox } from "./sandbox";

/**
 * Keeps stdout quiet while the suite runs (the handlers log a JSON line per call, as Lambda
 * would, which buries jest's report) and closes the sandbox after the suite.
 */
export function useQuietSandbox(): void {
  let restoreStdout: () => void = () => {};
  beforeAll(() => {
    const spy = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    restoreStdout = () => spy.mockRestore();
  });
  afterAll(async () => {
    restoreStdout();
    await closeSandbox();
  });
}
