/**
 * Notification settings through the real synth (main.ts `synthesize`, as the bare app and
 * `cdktf synth` run it): every chat and pager service reaches the workflow input, and the first
 * release's keys give the same stack as the new keys, byte for byte, with a warning naming them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesize } from "../../main";

type Json = Record<string, unknown>;
interface NotifyInput {
  readonly instance: { readonly notifications: unknown };
}

function document(notifications: Json, stackName = "legacy-keys"): Json {
  return {
    stackName,
    backend: { type: "s3", bucket: "acme-tfstate", key: "first-line.tfstate", region: "eu-central-1" },
    operator: { subscriptions: [{ protocol: "email", endpoint: "platform-oncall@example.com" }] },
    defaults: { notifications },
    regions: {
      "eu-west-1": {
        instances: [{ instanceId: "i-0123456789abcdef0", url: "https://eu.example.com/health" }],
      },
      "us-east-1": {
        notifications:
          notifications === LEGACY ? { opsgeniePriority: "P1" } : { escalation: { priority: "P1" } },
        instances: [{ instanceId: "i-0aaaaaaaaaaaaaaa1", url: "https://us.example.com/health" }],
      },
    },
  };
}

const LEGACY: Json = {
  slackWebhookSecret: "first-line/slack-webhook",
  opsgenieApiKeySecret: "first-line/opsgenie-api-key",
  opsgenieApiUrl: "https://api.opsgenie.com",
};

const NEW: Json = {
  chat: { type: "slack", webhookSecret: "first-line/slack-webhook" },
  escalation: { type: "opsgenie", secret: "first-line/opsgenie-api-key", apiUrl: "https://api.opsgenie.com" },
  chatOn: ["recovered"],
};

/** The stack's cdk.tf.json and the warnings synth printed, for `raw` synthesized in a fresh folder. */
async function synth(raw: Json): Promise<{ text: string; warnings: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "first-line-legacy-"));
  try {
    writeFileSync(join(dir, "config.json"), JSON.stringify(raw));
    const warnings: string[] = [];
    await synthesize({
      cwd: dir,
      env: { FIRST_LINE_CONFIG: "config.json", CDKTF_OUTDIR: "cdktf.out" },
      log: () => {},
      warn: (line) => warnings.push(line),
    });
    const text = readFileSync(join(dir, "cdktf.out", "stacks", String(raw.stackName), "cdk.tf.json"), "utf8");
    return { text, warnings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every EventBridge target's input template in a synthesized stack. */
function inputTemplates(text: string): string[] {
  const json = JSON.parse(text) as {
    resource: {
      aws_cloudwatch_event_target?: Record<string, { input_transformer: { input_template: string } }>;
    };
  };
  return Object.values(json.resource.aws_cloudwatch_event_target ?? {}).map(
    (target) => target.input_transformer.input_template,
  );
}

describe("synth of a configuration on the first release's keys", () => {
  let legacy: { text: string; warnings: string[] };
  let current: { text: string; warnings: string[] };

  beforeAll(async () => {
    legacy = await synth(document(LEGACY));
    current = await synth(document(NEW));
  }, 180_000);

  it("writes the same stack as the new keys, byte for byte", () => {
    expect(inputTemplates(legacy.text)).toHaveLength(2);
    expect(inputTemplates(legacy.text)).toEqual(inputTemplates(current.text));
    expect(legacy.text).toBe(current.text);
  });

  it("prints one warning per block that uses them, naming the new keys, and none for the new keys", () => {
    expect(legacy.warnings).toEqual([
      'first-line: warning: defaults.notifications: "slackWebhookSecret", "opsgenieApiKeySecret", "opsgenieApiUrl" are keys of the first release, still accepted; write "chat": {"type":"slack","webhookSecret":"first-line/slack-webhook"}, "escalation": {"type":"opsgenie","secret":"first-line/opsgenie-api-key","apiUrl":"https://api.opsgenie.com"} instead',
      'first-line: warning: regions.us-east-1.notifications: "opsgeniePriority" is a key of the first release, still accepted; write "escalation": {"priority":"P1"} instead',
      expect.stringMatching(
        /^first-line: warning: defaults\.notifications\.chatOn: not set, so chat is told only of recoveries/,
      ),
    ]);
    expect(current.warnings).toEqual([]);
  });
});

describe("synth of a configuration on Teams, Jira Service Management and PagerDuty", () => {
  it("hands each instance's workflow its service, secret name and the service's default base URL", async () => {
    const raw = document({
      chat: { type: "teams", webhookSecret: "first-line/teams-webhook" },
      escalation: { type: "jsm", secret: "first-line/jsm-api-key" },
    });
    raw.stackName = "new-services";
    (raw.regions as Record<string, Json>)["us-east-1"] = {
      notifications: {
        escalation: { type: "pagerduty", secret: "first-line/pagerduty-routing-key", priority: "P1" },
      },
      instances: [{ instanceId: "i-0aaaaaaaaaaaaaaa1", url: "https://us.example.com/health" }],
    };

    const { text, warnings } = await synth(raw);

    const notifications = inputTemplates(text).map(
      (template) =>
        (JSON.parse(template.replace(/<(alarmName|alarmArn|time)>/g, '"$1"')) as NotifyInput).instance
          .notifications,
    );
    expect(notifications).toEqual([
      {
        chat: { type: "teams", webhookSecret: "first-line/teams-webhook" },
        escalation: {
          type: "jsm",
          secret: "first-line/jsm-api-key",
          apiUrl: "https://api.atlassian.com",
          priority: "P2",
        },
        chatOn: ["restarting", "recovered", "escalated"],
      },
      {
        chat: { type: "teams", webhookSecret: "first-line/teams-webhook" },
        escalation: {
          type: "pagerduty",
          secret: "first-line/pagerduty-routing-key",
          apiUrl: "https://events.pagerduty.com",
          priority: "P1",
        },
        chatOn: ["restarting", "recovered", "escalated"],
      },
    ]);
    expect(warnings).toEqual([]);
  }, 180_000);
});
