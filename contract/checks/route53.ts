/**
 * Route 53 check (DESIGN §3): `GetHealthCheckStatus` of the configured health check; passes when
 * the share of checkers reporting Success is at least `minHealthyShare`. Route 53 API errors
 * mean the check could not ask (`unavailable`), never that the instance failed.
 * Function: functions/route53-check.
 */
import { decimal } from "../fields";
import { healthCheckIdField } from "../identifiers";
import { defineCheck } from "./check";

const settings = {
  minHealthyShare: decimal(0, 1, {
    minExclusive: true,
    what: "a share of checkers (more than 0, at most 1)",
  }),
} as const;
const defaults = { minHealthyShare: 0.5 } as const;

/** One GetHealthCheckStatus call with the SDK's own retries fits well inside this. */
const FUNCTION_WORK_SECONDS = 10;

export const route53Check = defineCheck({
  name: "route53",
  label: "Route 53",
  functionName: "route53-check",
  settings,
  defaults,
  target: { healthCheckId: healthCheckIdField },
  placement: { in: "key", key: "route53HealthCheckId", field: "healthCheckId" },
  configuredBy: 'a "route53HealthCheckId"',
  vpc: false,
  input: { healthCheckId: healthCheckIdField, minHealthyShare: settings.minHealthyShare },
  resolve: ({ target, settings: s }) => ({
    healthCheckId: target.healthCheckId,
    minHealthyShare: s.minHealthyShare,
  }),
  iam: (instances, ctx) => {
    const ids = [...new Set(instances.map((i) => i.healthCheckId))].sort();
    return ids.length === 0
      ? []
      : [
          {
            Sid: "ReadConfiguredHealthChecks",
            Effect: "Allow",
            Action: ["route53:GetHealthCheckStatus"],
            Resource: ids.map((id) => `arn:${ctx.partition}:route53:::healthcheck/${id}`),
          },
        ];
  },
  timeoutSeconds: () => FUNCTION_WORK_SECONDS,
  defaultTimeoutSeconds: FUNCTION_WORK_SECONDS,
  describe: (s) => `\`${s.healthCheckId}\` ≥ ${s.minHealthyShare}`,
});
