import { DEFAULT_CHAT_ON, LEGACY_CHAT_ON } from "../../contract/notifications";
import { parseConfig, type ResolvedInstance } from "../../stacks/config";
import { inputTemplate } from "../../stacks/regional-first-line";
import { configErrorOf } from "../fixtures/config/helpers";

type Json = Record<string, unknown>;

/** A two-region document whose notifications blocks are `defaults`, `region` (eu-west-1) and `instance`. */
function document(notifications: { defaults?: Json; region?: Json; instance?: Json }): Json {
  return {
    backend: { type: "s3", bucket: "acme-tfstate", key: "first-line.tfstate", region: "eu-central-1" },
    operator: { subscriptions: [{ protocol: "email", endpoint: "platform-oncall@example.com" }] },
    defaults: { notifications: notifications.defaults },
    regions: {
      "eu-west-1": {
        notifications: notifications.region,
        instances: [
          { instanceId: "i-0123456789abcdef0", url: "https://eu.example.com/health" },
          {
            instanceId: "i-0123456789abcdef1",
            url: "https://eu2.example.com/health",
            notifications: notifications.instance,
          },
        ],
      },
      "us-east-1": {
        instances: [{ instanceId: "i-0aaaaaaaaaaaaaaa1", url: "https://us.example.com/health" }],
      },
    },
  };
}

/** The first release's keys at every level: the base at defaults, a priority per region, a chat per instance. */
const LEGACY = {
  defaults: {
    slackWebhookSecret: "first-line/slack-webhook",
    opsgenieApiKeySecret: "first-line/opsgenie-api-key",
    opsgenieApiUrl: "https://api.eu.opsgenie.com/",
    opsgeniePriority: "P2",
  },
  region: { opsgeniePriority: "P1" },
  instance: { slackWebhookSecret: "first-line/team-b-slack" },
};

/** The same settings in the new keys, with the chatOn the first release implied. */
const NEW = {
  defaults: {
    chat: { type: "slack", webhookSecret: "first-line/slack-webhook" },
    escalation: {
      type: "opsgenie",
      secret: "first-line/opsgenie-api-key",
      apiUrl: "https://api.eu.opsgenie.com/",
      priority: "P2",
    },
    chatOn: ["recovered"],
  },
  region: { escalation: { priority: "P1" } },
  instance: { chat: { type: "slack", webhookSecret: "first-line/team-b-slack" } },
};

/** Exactly what the stack hands each instance's EventBridge target. */
function inputTemplates(raw: Json): string[] {
  return parseConfig(raw).regions.flatMap((region) =>
    region.instances.map((instance) => inputTemplate(instance.settings)),
  );
}

function instance(raw: Json, region: string, index: number): ResolvedInstance {
  const found = parseConfig(raw).regions.find((r) => r.name === region)?.instances[index];
  if (found === undefined) throw new Error(`no instance ${index} in ${region}`);
  return found;
}

describe("the first release's notification keys", () => {
  it("resolve to exactly the settings the new keys give, level by level", () => {
    const { warnings: _legacyWarnings, ...legacy } = parseConfig(document(LEGACY));
    const { warnings: _newWarnings, ...current } = parseConfig(document(NEW));
    expect(legacy).toEqual(current);
    expect(instance(document(LEGACY), "eu-west-1", 1).settings.notifications).toEqual({
      chat: { type: "slack", webhookSecret: "first-line/team-b-slack" },
      escalation: {
        type: "opsgenie",
        secret: "first-line/opsgenie-api-key",
        apiUrl: "https://api.eu.opsgenie.com",
        priority: "P1",
      },
      chatOn: ["recovered"],
    });
  });

  it("give every instance's workflow input template byte for byte as the new keys do", () => {
    const legacy = inputTemplates(document(LEGACY));

    expect(legacy).toHaveLength(3);
    expect(legacy).toEqual(inputTemplates(document(NEW)));
  });

  it("warn at synth, naming each key used and the block to write instead", () => {
    expect(parseConfig(document(LEGACY)).warnings).toEqual([
      'defaults.notifications: "slackWebhookSecret", "opsgenieApiKeySecret", "opsgenieApiUrl", "opsgeniePriority" are keys of the first release, still accepted; write "chat": {"type":"slack","webhookSecret":"first-line/slack-webhook"}, "escalation": {"type":"opsgenie","secret":"first-line/opsgenie-api-key","apiUrl":"https://api.eu.opsgenie.com/","priority":"P2"} instead',
      'regions.eu-west-1.notifications: "opsgeniePriority" is a key of the first release, still accepted; write "escalation": {"priority":"P1"} instead',
      'regions.eu-west-1.instances[1].notifications: "slackWebhookSecret" is a key of the first release, still accepted; write "chat": {"type":"slack","webhookSecret":"first-line/team-b-slack"} instead',
      'defaults.notifications.chatOn: not set, so chat is told only of recoveries, as in the first release (3 instance(s) use only its keys); with "chat" and "escalation" it is also told of restarts and escalations, unless you add "chatOn": ["recovered"]',
    ]);
  });

  it("leave a configuration on the new keys without warnings", () => {
    expect(parseConfig(document(NEW)).warnings).toEqual([]);
  });

  it("are an error beside the new key for the same target in one block, naming the fix", () => {
    const problems = configErrorOf(
      document({
        defaults: { ...NEW.defaults, slackWebhookSecret: "first-line/slack-webhook" },
        region: { escalation: { priority: "P1" }, opsgeniePriority: "P3" },
      }),
    ).problems;

    expect(problems).toEqual([
      'defaults.notifications.slackWebhookSecret: the first release\'s key beside "chat" in the same block; move its value into "chat" and remove it',
      'regions.eu-west-1.notifications.opsgeniePriority: the first release\'s key beside "escalation" in the same block; move its value into "escalation" and remove it',
    ]);
  });

  it("may sit beside the new key of the other target, and across levels the nearer level wins", () => {
    const raw = document({
      defaults: {
        chat: { type: "teams", webhookSecret: "first-line/teams-webhook" },
        opsgenieApiKeySecret: "first-line/opsgenie-api-key",
      },
      instance: { escalation: { type: "pagerduty", secret: "first-line/pagerduty-routing-key" } },
    });

    const config = parseConfig(raw);
    const { warnings } = config;

    expect(config.regions[0]?.instances[0]?.settings.notifications.escalation.type).toBe("opsgenie");
    expect(instance(raw, "eu-west-1", 1).settings.notifications.escalation).toEqual({
      type: "pagerduty",
      secret: "first-line/pagerduty-routing-key",
      apiUrl: "https://events.pagerduty.com",
      priority: "P2",
    });
    expect(warnings).toEqual([
      'defaults.notifications: "opsgenieApiKeySecret" is a key of the first release, still accepted; write "escalation": {"type":"opsgenie","secret":"first-line/opsgenie-api-key"} instead',
    ]);
  });
});

describe("chatOn", () => {
  const chatOn = (raw: Json) => instance(raw, "us-east-1", 0).settings.notifications.chatOn;
  const { chatOn: _legacyChatOn, ...newWithoutChatOn } = NEW.defaults;

  it("defaults to restarting, recovered and escalated with the new keys", () => {
    expect(chatOn(document({ defaults: newWithoutChatOn }))).toEqual([
      "restarting",
      "recovered",
      "escalated",
    ]);
    expect(DEFAULT_CHAT_ON).toEqual(["restarting", "recovered", "escalated"]);
  });

  it("keeps the first release's recoveries only for a config still on its keys alone", () => {
    expect(chatOn(document({ defaults: LEGACY.defaults }))).toEqual(["recovered"]);
    expect(LEGACY_CHAT_ON).toEqual(["recovered"]);
  });

  it("takes the whole history for an instance whose blocks use the new keys, per instance", () => {
    const raw = document({ defaults: LEGACY.defaults, region: NEW.region });

    expect(instance(raw, "eu-west-1", 0).settings.notifications.chatOn).toEqual(DEFAULT_CHAT_ON);
    expect(chatOn(raw)).toEqual(["recovered"]);
    expect(parseConfig(raw).warnings.filter((w) => w.includes("chatOn: not set"))).toEqual([
      expect.stringContaining("(1 instance(s) use only its keys)"),
    ]);
  });

  it("is what the nearest level sets, whatever the keys", () => {
    const raw = document({
      defaults: { ...LEGACY.defaults, chatOn: ["recovered", "escalated"] },
      instance: { chatOn: ["paused"] },
    });

    expect(chatOn(raw)).toEqual(["recovered", "escalated"]);
    expect(instance(raw, "eu-west-1", 1).settings.notifications.chatOn).toEqual(["paused"]);
    expect(parseConfig(raw).warnings.some((w) => w.includes("chatOn: not set"))).toBe(false);
  });
});
