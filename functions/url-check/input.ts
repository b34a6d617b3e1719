import type { CheckEvent, UrlSettings } from "../shared/contracts";
import { INSTANCE_ID, parseInput, REGION } from "../shared/input";
import { hasUrlCredentials, URL_CREDENTIALS_PROBLEM } from "../shared/url";
import { parseExpectStatus } from "./status";

/** DESIGN §4 defaults, applied when the workflow passes a field unresolved. */
export const URL_DEFAULTS = { timeoutSeconds: 10, expectStatus: "200-399" } as const;

/** Lambda's own hard limit: a longer check could never finish anyway. */
const MAX_TIMEOUT_SECONDS = 900;

/**
 * Validates the url-check event and throws one InvalidInputError naming every bad field, before
 * anything touches the network.
 */
export function parseUrlCheckEvent(event: unknown): CheckEvent<UrlSettings> {
  return parseInput(event, (read) => {
    const instanceId = read.string(["instanceId"], {
      pattern: INSTANCE_ID,
      hint: "an EC2 instance id (i-...)",
    });
    const region = read.string(["region"], { pattern: REGION, hint: "an AWS region name (e.g. eu-west-1)" });
    if (!read.object(["settings"])) {
      return { instanceId, region, settings: { address: "", ...URL_DEFAULTS } };
    }

    const address = read.string(["settings", "address"]);
    if (address && hasUrlCredentials(address)) {
      // Checked first and alone: the message below would echo the password.
      read.check(false, ["settings", "address"], URL_CREDENTIALS_PROBLEM);
    } else if (address) {
      const url = URL.canParse(address) ? new URL(address) : undefined;
      read.check(
        url !== undefined && (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "",
        ["settings", "address"],
        `"${address.slice(0, 80)}" is not an http(s) URL (e.g. https://example.com/health)`,
      );
    }

    const timeoutSeconds = read.has(["settings", "timeoutSeconds"])
      ? read.number(["settings", "timeoutSeconds"], { min: 1, max: MAX_TIMEOUT_SECONDS })
      : URL_DEFAULTS.timeoutSeconds;

    const expectStatus = read.has(["settings", "expectStatus"])
      ? read.string(["settings", "expectStatus"])
      : URL_DEFAULTS.expectStatus;
    if (expectStatus) {
      const parsed = parseExpectStatus(expectStatus);
      if (!parsed.ok) read.check(false, ["settings", "expectStatus"], parsed.error);
    }

    const expectBody = read.optionalString(["settings", "expectBody"]);
    const settings: UrlSettings = {
      address,
      timeoutSeconds,
      expectStatus,
      ...(expectBody !== undefined ? { expectBody } : {}),
    };
    return { instanceId, region, settings };
  });
}
