/**
 * Configurations that push the synthesized Terraform where the committed example does not:
 * awkward literal text and every optional block. Each is a base document plus a list of
 * features, one function per feature, so covering a new block (KMS keys, accounts) is one more
 * feature and one more entry in a list. The terraform test plans them; the unit tests run the
 * static rules over their synth. At most five regions each: CI plans them with the real AWS
 * provider, one provider process (~0.6 GB) per region.
 */

/** A configuration document under construction; features edit it in place. */
export type Draft = Record<string, unknown> & {
  backend: Record<string, unknown>;
  defaults: Record<string, Record<string, unknown>>;
  regions: Record<string, DraftRegion>;
};
export type DraftRegion = Record<string, unknown> & { instances: Record<string, unknown>[] };

/** One optional block or kind of value, applied to a draft. */
export interface Feature {
  readonly name: string;
  apply(draft: Draft): void;
}

export interface StressConfig {
  /** Printed by the terraform test beside its results. */
  readonly name: string;
  /** The features it exercises, by name. */
  readonly features: readonly string[];
  readonly raw: Draft;
}

/** Shell text with every sequence Terraform's templates or EventBridge could misread. */
const AWKWARD_COMMAND = `test -n "\${HOME}" && printf '%{ok} %%{kept} $\${kept} $$\${kept}' 'C:\\temp\\' "quoted \\"twice\\"" ✓`;
/** A body text with unicode, a directive, quotes and a backslash. */
const AWKWARD_BODY = `Grüße – 健康 ✓ 🚑 "%{ if ok }up%{ endif }" \\ done`;
/** An address whose query string holds both template openers. */
const AWKWARD_ADDRESS = `https://eu.example.com/health?probe=\${x}&tag=%{y}&raw=$\${z}`;
/** A value equal to an EventBridge placeholder: it must arrive as text. */
const PLACEHOLDER_LOOKALIKE = "<time>";

const FINGERPRINTS = [
  "SHA256:UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw",
  "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
  "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
];

/** A 17-digit instance id unique per region and position. */
function instanceId(regionIndex: number, position: number): string {
  return `i-0${regionIndex.toString(16)}${position.toString(16)}${"0".repeat(13)}a`;
}

function base(stackName: string, regions: readonly string[]): Draft {
  return {
    stackName,
    backend: {
      type: "s3",
      bucket: "acme-tfstate",
      key: `${stackName}/terraform.tfstate`,
      region: "eu-central-1",
    },
    defaults: {
      notifications: {
        slackWebhookSecret: "first-line/slack-webhook",
        opsgenieApiKeySecret: "first-line/opsgenie",
      },
    },
    regions: Object.fromEntries(
      regions.map((region, r) => [
        region,
        { instances: [{ instanceId: instanceId(r, 0), url: `https://${region}.example.com/health` }] },
      ]),
    ),
  };
}

function eachRegion(draft: Draft): [string, DraftRegion, number][] {
  return Object.entries(draft.regions).map(([name, region], index) => [name, region, index]);
}

const FEATURES = {
  awkwardLiterals: {
    name: "awkward literal text (${, %{, $${, quotes, backslashes, unicode, <time>)",
    apply: (draft) => {
      draft.defaults.ssh = { privateKeySecret: "first-line/ssh-key", mode: "command" };
      for (const [, region, r] of eachRegion(draft)) {
        region.instances = [
          {
            instanceId: instanceId(r, 0),
            url: { address: AWKWARD_ADDRESS, expectBody: AWKWARD_BODY },
            ssh: { host: "203.0.113.10", command: AWKWARD_COMMAND, hostKeySha256: FINGERPRINTS[0] },
          },
          {
            instanceId: instanceId(r, 1),
            url: { address: "https://eu.example.com/time", expectBody: PLACEHOLDER_LOOKALIKE },
          },
        ];
      }
    },
  },
  operatorSubscriptions: {
    name: "operator subscriptions (e-mail and https)",
    apply: (draft) => {
      draft.operator = {
        subscriptions: [
          { protocol: "email", endpoint: "oncall+%{team}@example.com" },
          {
            protocol: "https",
            endpoint: `https://events.pagerduty.com/integration/0123abcd/enqueue?x=\${y}`,
          },
        ],
      };
    },
  },
  regionOperatorTopics: {
    name: "per-region operator topics (every other region names its own)",
    apply: (draft) => {
      for (const [name, region, r] of eachRegion(draft)) {
        if (r % 2 === 1) region.operatorTopicArn = `arn:aws:sns:${name}:123456789012:platform-oncall`;
      }
    },
  },
  cloudBackend: {
    name: "Terraform Cloud backend",
    apply: (draft) => {
      draft.backend = {
        type: "cloud",
        organization: "acme",
        workspace: "first-line-stress",
        project: "platform",
      };
    },
  },
  vpc: {
    name: "VPC (the SSH check in the first two regions)",
    apply: (draft) => {
      for (const [, region, r] of eachRegion(draft).slice(0, 2)) {
        region.vpc = {
          subnetIds: [`subnet-0${r}aaaaaaaaaaaaaaa`, `subnet-0${r}bbbbbbbbbbbbbbb`],
          securityGroupIds: [`sg-0${r}ccccccccccccccc`],
        };
      }
    },
  },
  stopStart: {
    name: "stop-start restarts (a region, and one instance overriding it back)",
    apply: (draft) => {
      const [, region] = eachRegion(draft)[0] ?? [];
      if (!region) return;
      region.restart = { method: "stop-start", maxWaitSeconds: 900 };
      region.instances.push({
        instanceId: "i-0fffffffffffffff1",
        route53HealthCheckId: "abcdef01-2345-6789-abcd-ef0123456789",
        restart: { method: "reboot" },
      });
    },
  },
  hostKeyLists: {
    name: "SSH with lists of host keys (handshake, and command mode without a host)",
    apply: (draft) => {
      draft.defaults.ssh = { ...draft.defaults.ssh, privateKeySecret: "first-line/ssh-key" };
      for (const [, region, r] of eachRegion(draft)) {
        region.instances.push(
          {
            instanceId: instanceId(r, 2),
            ssh: { mode: "handshake", hostKeySha256: FINGERPRINTS, port: 2222 },
          },
          { instanceId: instanceId(r, 3), ssh: { mode: "command", hostKeySha256: FINGERPRINTS.slice(1) } },
        );
      }
    },
  },
  alarmSettings: {
    name: "alarm settings at every level (60 s and 10 s periods)",
    apply: (draft) => {
      draft.defaults.alarm = { statistic: "Maximum", periodSeconds: 60 };
      for (const [, region] of eachRegion(draft).slice(-1)) {
        region.alarm = { evaluationPeriods: 3, datapointsToAlarm: 2 };
        const first = region.instances[0];
        if (first) first.alarm = { periodSeconds: 10, threshold: 95 };
      }
    },
  },
  tcpChecks: {
    name: "TCP checks (with a host, and the instance's IP in a VPC region)",
    apply: (draft) => {
      for (const [, region, r] of eachRegion(draft)) {
        region.instances.push({
          instanceId: instanceId(r, 4),
          tcp:
            r % 2 === 0 ? { port: 5432 } : { host: "db.internal.example.com", port: 6379, timeoutSeconds: 3 },
        });
      }
    },
  },
  kmsKeys: {
    name: "customer-managed KMS keys (defaults, and a region with its own)",
    apply: (draft) => {
      draft.defaults.kms = {
        secretsKeyArns: ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"],
        ebsKeyArns: [],
      };
      const [name, region] = eachRegion(draft)[0] ?? [];
      if (!region || !name) return;
      region.kms = {
        ebsKeyArns: [`arn:aws:kms:${name}:123456789012:key/66666666-7777-8888-9999-000000000000`],
      };
    },
  },
  disabled: {
    name: "enabled: false (a whole region, one instance elsewhere, and an instance back on in that region)",
    apply: (draft) => {
      const regions = eachRegion(draft);
      const [, off] = regions[regions.length - 1] ?? [];
      if (off) {
        off.enabled = false;
        const first = off.instances[0];
        if (first) first.enabled = true;
      }
      const [, other] = regions[0] ?? [];
      const second = other?.instances[1];
      if (second) second.enabled = false;
    },
  },
  notificationServices: {
    name: "every chat and pager service (Teams and PagerDuty in a region, JSM with chatOn [] on an instance)",
    apply: (draft) => {
      const regions = eachRegion(draft);
      const [, teams] = regions[1] ?? [];
      if (teams) {
        teams.notifications = {
          chat: { type: "teams", webhookSecret: "first-line/teams-webhook" },
          escalation: { type: "pagerduty", secret: "first-line/pagerduty-routing-key" },
          chatOn: ["restarting", "recovered", "escalated", "paused"],
        };
      }
      const [, jsm] = regions[2] ?? [];
      const first = jsm?.instances[0];
      if (first) {
        first.notifications = {
          escalation: { type: "jsm", secret: "first-line/jsm-api-key", priority: "P1" },
          chatOn: [],
        };
      }
    },
  },
} satisfies Record<string, Feature>;

function stress(name: string, stackName: string, regions: readonly string[], features: readonly Feature[]) {
  const raw = base(stackName, regions);
  for (const feature of features) feature.apply(raw);
  return { name, features: features.map((f) => f.name), raw };
}

/** Fresh documents every call (tests may mutate them). */
export function stressConfigs(): StressConfig[] {
  const f = FEATURES;
  return [
    // Only keys main already had, so this document shows the literal-text fix on its own.
    stress("awkward literals", "fl-literals", ["eu-west-1", "us-east-1"], [f.awkwardLiterals]),
    stress(
      "every optional block",
      "fl-every-block",
      ["eu-west-1", "us-east-1", "ap-southeast-2", "eu-north-1", "sa-east-1"],
      [
        f.cloudBackend,
        f.vpc,
        f.stopStart,
        f.hostKeyLists,
        f.operatorSubscriptions,
        f.regionOperatorTopics,
        f.alarmSettings,
        f.tcpChecks,
        f.kmsKeys,
        f.disabled,
        f.notificationServices,
      ],
    ),
  ];
}
