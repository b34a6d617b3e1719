import { regionalName } from "../naming";
import type { ResolvedConfig } from "./types";

/**
 * What a valid configuration leaves the operator to decide: synth prints each line as a warning
 * and goes on. Pure, so tests read the same lines main.ts prints.
 */
export function configWarnings(config: ResolvedConfig): string[] {
  const warnings: string[] = [];
  const created = config.regions.filter((region) => region.operatorTopicArn === undefined);
  if (created.length > 0 && config.operatorSubscriptions.length === 0) {
    const topics = created.map((region) => regionalName(config.stackName, region.name, "operator"));
    warnings.push(
      `operator.subscriptions is empty: the operator topic${topics.length === 1 ? "" : "s"} ${topics.join(", ")} will have no subscriber, so nobody hears when first-line itself fails (failed executions, dead-lettered alarm events); add e-mail or https endpoints to operator.subscriptions, or name an existing topic per region in regions.<region>.operatorTopicArn`,
    );
  }
  return warnings;
}
