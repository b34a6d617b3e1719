import type { CheckEvent, Route53Settings } from "../shared/contracts";
import { INSTANCE_ID, parseInput, REGION } from "../shared/input";

/** Route 53 health check ids are lowercase UUIDs. */
export const HEALTH_CHECK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** DESIGN §4 default, applied when the workflow passes the field unresolved. */
export const DEFAULT_MIN_HEALTHY_SHARE = 0.5;

/**
 * Validates the route53-check event and throws one InvalidInputError naming every bad field,
 * before any Route 53 call.
 */
export function parseRoute53CheckEvent(event: unknown): CheckEvent<Route53Settings> {
  return parseInput(event, (read) => {
    const instanceId = read.string(["instanceId"], {
      pattern: INSTANCE_ID,
      hint: "an EC2 instance id (i-...)",
    });
    const region = read.string(["region"], { pattern: REGION, hint: "an AWS region name (e.g. eu-west-1)" });
    if (!read.object(["settings"])) {
      return {
        instanceId,
        region,
        settings: { healthCheckId: "", minHealthyShare: DEFAULT_MIN_HEALTHY_SHARE },
      };
    }
    const healthCheckId = read.string(["settings", "healthCheckId"], {
      pattern: HEALTH_CHECK_ID,
      hint: "a Route 53 health check id (lowercase UUID, e.g. abcdef01-2345-6789-abcd-ef0123456789)",
    });
    let minHealthyShare = DEFAULT_MIN_HEALTHY_SHARE;
    if (read.has(["settings", "minHealthyShare"])) {
      minHealthyShare = read.number(["settings", "minHealthyShare"], { max: 1 });
      read.check(
        minHealthyShare > 0 || typeof read.raw(["settings", "minHealthyShare"]) !== "number",
        ["settings", "minHealthyShare"],
        `must be > 0, got ${minHealthyShare}`,
      );
    }
    return { instanceId, region, settings: { healthCheckId, minHealthyShare } };
  });
}
