/**
 * Fixtures every test and tool builds its inputs from: one instance's resolved settings with every
 * check and the DESIGN defaults. Change a field with `overrides`; leave a check out by setting it
 * to undefined (it disappears through JSON, as EventBridge delivers the input).
 */
import type { InstanceSettings } from "../contract/workflow";

/** A fingerprint pinned by the fixture (any valid OpenSSH SHA-256 form). */
export const FIXTURE_FINGERPRINT = "SHA256:UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw";

/** `restart` as an instance resolves with DESIGN's defaults (polls = ceil(600 / 15)). */
export const RESOLVED_RESTART: InstanceSettings["restart"] = {
  method: "reboot",
  settleSeconds: 90,
  pollSeconds: 15,
  maxWaitSeconds: 600,
  maxPolls: 40,
  cooldownMinutes: 30,
};

/** `notifications` as the committed example's defaults resolve (Slack, OpsGenie P2, every chat event but paused). */
export const RESOLVED_NOTIFICATIONS: InstanceSettings["notifications"] = {
  chat: { type: "slack", webhookSecret: "first-line/slack-webhook" },
  escalation: {
    type: "opsgenie",
    secret: "first-line/opsgenie-api-key",
    apiUrl: "https://api.opsgenie.com",
    priority: "P2",
  },
  chatOn: ["restarting", "recovered", "escalated"],
};

type SshSettings = NonNullable<InstanceSettings["ssh"]>;
type UrlSettings = NonNullable<InstanceSettings["url"]>;

/** `url` of the fixture instance, its address with DESIGN's defaults; `overrides` change fields. */
export function resolvedUrl(overrides: Partial<UrlSettings> = {}): UrlSettings {
  return {
    address: "https://eu.example.com/health",
    timeoutSeconds: 10,
    expectStatus: "200-399",
    ...overrides,
  };
}

/** `ssh` of the fixture instance: handshake mode (no key), outside a VPC. A fresh copy each call. */
function handshakeSsh(): SshSettings {
  return {
    host: "203.0.113.10",
    port: 22,
    user: "ec2-user",
    hostKeySha256: [FIXTURE_FINGERPRINT],
    mode: "handshake",
    command: "true",
    timeoutSeconds: 15,
    inVpc: false,
  };
}

/**
 * `ssh` of the fixture instance in command mode, run from inside its region's VPC with the key
 * secret DESIGN §4's example names in `defaults`; `overrides` change fields.
 */
export function commandModeSsh(overrides: Partial<SshSettings> = {}): SshSettings {
  return {
    ...handshakeSsh(),
    mode: "command",
    privateKeySecret: "first-line/ssh-key",
    inVpc: true,
    ...overrides,
  };
}

export function instanceSettings(overrides: Partial<InstanceSettings> = {}): InstanceSettings {
  return {
    instanceId: "i-0123456789abcdef0",
    region: "eu-west-1",
    url: resolvedUrl(),
    route53: { healthCheckId: "abcdef01-2345-6789-abcd-ef0123456789", minHealthyShare: 0.5 },
    ssh: handshakeSsh(),
    tcp: { host: "203.0.113.10", port: 5432, timeoutSeconds: 5, inVpc: false },
    restart: RESOLVED_RESTART,
    notifications: RESOLVED_NOTIFICATIONS,
    ...overrides,
  };
}

/**
 * DESIGN §4's example instance as it resolves (the committed example's first eu-west-1 instance
 * too): every check but TCP, SSH in command mode inside the region's VPC, every other default.
 */
export function designExampleSettings(overrides: Partial<InstanceSettings> = {}): InstanceSettings {
  return instanceSettings({ ssh: commandModeSsh(), tcp: undefined, ...overrides });
}
