import type { CheckResult } from "../shared/contracts";
import { InvalidInputError } from "../shared/errors";
import { createLogger } from "../shared/log";
import { runUrlCheck } from "./check";
import { parseUrlCheckEvent } from "./input";
import { createNodeHttpGet } from "./transport";

const FN = "url-check";
const get = createNodeHttpGet();

/** Lambda entry: validate the event, run the check, log one line with the result. */
export async function handler(event: unknown): Promise<CheckResult> {
  let input: ReturnType<typeof parseUrlCheckEvent>;
  try {
    input = parseUrlCheckEvent(event);
  } catch (err) {
    if (err instanceof InvalidInputError) {
      createLogger({ fn: FN }).error("invalid input", { problems: err.problems });
    }
    throw err;
  }
  const log = createLogger({ fn: FN, region: input.region, instanceId: input.instanceId });
  const result = await runUrlCheck(input.settings, { get });
  log.info("url check finished", { ...result });
  return result;
}
