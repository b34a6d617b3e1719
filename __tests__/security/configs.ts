/**
 * Configurations the security tests synthesize besides the committed example (cdktf.json):
 * each exercises a different branch of the stack (cloud backend, secrets given as ARNs, VPC,
 * stop-start, SSH without a configured host, the smallest possible config).
 */

/** Secret given as an ARN in another region: the policy must grant exactly that ARN. */
export const SLACK_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shared/slack-AbCdEf";

/**
 * Cloud backend, a VPC region with stop-start and an SSH command check without a host (so
 * ssh-check needs DescribeInstances), a second region with a handshake-only SSH check.
 */
export function variantConfig(): Record<string, unknown> {
  return {
    stackName: "fl-sec",
    backend: { type: "cloud", organization: "acme", workspace: "first-line", project: "platform" },
    defaults: {
      logs: { retentionDays: 7 },
      notifications: {
        slackWebhookSecret: SLACK_SECRET_ARN,
        opsgenieApiKeySecret: "ops/genie",
        opsgenieApiUrl: "https://api.eu.opsgenie.com",
      },
    },
    regions: {
      "eu-north-1": {
        vpc: { subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"], securityGroupIds: ["sg-0aaaaaaaaaaaaaaa1"] },
        restart: { method: "stop-start" },
        instances: [
          {
            instanceId: "i-0aaaaaaaaaaaaaaa1",
            ssh: {
              mode: "command",
              privateKeySecret: "ops/ssh",
              hostKeySha256: "SHA256:UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw",
            },
          },
          { instanceId: "i-0aaaaaaaaaaaaaaa2", url: "https://north.example.com/health" },
        ],
      },
      "ca-central-1": {
        instances: [
          {
            instanceId: "i-0bbbbbbbbbbbbbbb1",
            route53HealthCheckId: "abcdef01-2345-6789-abcd-ef0123456789",
            ssh: { mode: "handshake", hostKeySha256: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU" },
          },
        ],
      },
    },
  };
}

/** One region, one instance, one URL check, S3 backend: the smallest valid configuration. */
export function smallestConfig(): Record<string, unknown> {
  return {
    backend: { type: "s3", bucket: "acme-tfstate", key: "first-line.tfstate", region: "eu-central-1" },
    defaults: { notifications: { slackWebhookSecret: "fl/slack", opsgenieApiKeySecret: "fl/opsgenie" } },
    regions: {
      "eu-west-1": {
        instances: [{ instanceId: "i-0123456789abcdef0", url: "https://eu.example.com/health" }],
      },
    },
  };
}
