/**
 * URL check (DESIGN §3): GET the address, following up to 5 redirects; passes when the final
 * status is in `expectStatus` and, if set, the body contains `expectBody`, within
 * `timeoutSeconds`. Function: functions/url-check.
 */
import { isStatusList } from "../expect-status";
import { optional, text, whole } from "../fields";
import { httpUrlField } from "../identifiers";
import { defineCheck } from "./check";

/** A status list like "200-399" or "200,204,300-302". */
export const expectStatusField = text({
  test: isStatusList,
  what: 'a status list (codes 100-599 and ranges, e.g. "200-399" or "200,204,300-302")',
});

const settings = {
  timeoutSeconds: whole(1, 60),
  expectStatus: expectStatusField,
  expectBody: text({ what: "a string the body must contain" }),
} as const;
const defaults = { timeoutSeconds: 10, expectStatus: "200-399" } as const;

export const urlCheck = defineCheck({
  name: "url",
  label: "URL",
  functionName: "url-check",
  settings,
  defaults,
  target: { address: httpUrlField },
  placement: { in: "block", shorthand: "address" },
  configuredBy: 'a "url"',
  vpc: false,
  input: {
    address: httpUrlField,
    timeoutSeconds: settings.timeoutSeconds,
    expectStatus: settings.expectStatus,
    expectBody: optional(settings.expectBody),
  },
  resolve: ({ target, settings: s }) => ({
    address: target.address,
    timeoutSeconds: s.timeoutSeconds,
    expectStatus: s.expectStatus,
    ...(s.expectBody === undefined ? {} : { expectBody: s.expectBody }),
  }),
  // Plain HTTP(S) from Lambda: no AWS call, nothing to allow.
  iam: () => [],
  timeoutSeconds: (s) => s.timeoutSeconds,
  defaultTimeoutSeconds: defaults.timeoutSeconds,
  describe: (s) =>
    `\`${s.address}\` expect ${s.expectStatus}${s.expectBody ? ` + body "${s.expectBody}"` : ""}, ${s.timeoutSeconds} s`,
});
