/**
 * SSH check (DESIGN §3): connect, verify the host key against the pinned SHA-256 fingerprints
 * (never trust on first use), then stop at the authentication stage (`handshake`) or log in with
 * the key from Secrets Manager and run the command (`command`, passes on exit 0).
 * Function: functions/ssh-check.
 */
import { flag, list, oneOf, oneOrMore, optional, text, whole } from "../fields";
import { instanceIpLookup } from "../iam";
import { fingerprintField, hostField, PORT_MAX, secretField, userField } from "../identifiers";
import { defineCheck } from "./check";

/** `handshake` proves sshd answers with no credentials stored; `command` logs in and runs one. */
export const SSH_MODES = ["handshake", "command"] as const;
export type SshMode = (typeof SSH_MODES)[number];

const FINGERPRINTS =
  "an OpenSSH SHA-256 host key fingerprint or a list of them (ssh-keyscan <host> | ssh-keygen -lf -)";

const settings = {
  user: userField,
  port: whole(1, PORT_MAX),
  mode: oneOf(SSH_MODES),
  privateKeySecret: secretField,
  command: text({ what: "a shell command" }),
  timeoutSeconds: whole(1, 60),
} as const;
const defaults = { user: "ec2-user", port: 22, command: "true", timeoutSeconds: 15 } as const;

export const sshCheck = defineCheck({
  name: "ssh",
  label: "SSH",
  functionName: "ssh-check",
  settings,
  defaults,
  target: { host: optional(hostField), hostKeySha256: oneOrMore(fingerprintField, { what: FINGERPRINTS }) },
  placement: { in: "block" },
  configuredBy: 'an "ssh" block with "hostKeySha256"',
  vpc: true,
  input: {
    host: optional(hostField),
    port: settings.port,
    user: settings.user,
    hostKeySha256: list(fingerprintField, { what: FINGERPRINTS }),
    mode: settings.mode,
    privateKeySecret: optional(settings.privateKeySecret),
    command: settings.command,
    timeoutSeconds: settings.timeoutSeconds,
    /** The function runs in a VPC: the default host is the private IP. */
    inVpc: flag(),
  },
  resolve: ({ target, settings: s, inVpc }) => {
    // DESIGN §3: without a key there is nothing to log in with, so the check proves sshd answers.
    const mode = s.mode ?? (s.privateKeySecret === undefined ? "handshake" : "command");
    const pins = typeof target.hostKeySha256 === "string" ? [target.hostKeySha256] : target.hostKeySha256;
    return {
      ...(target.host === undefined ? {} : { host: target.host }),
      port: s.port,
      user: s.user,
      hostKeySha256: [...new Set(pins)],
      mode,
      // Handshake mode never reads the key: leaving it out keeps it out of the function's IAM policy.
      ...(mode === "command" && s.privateKeySecret !== undefined
        ? { privateKeySecret: s.privateKeySecret }
        : {}),
      command: s.command,
      timeoutSeconds: s.timeoutSeconds,
      inVpc,
    };
  },
  rules: (s) =>
    s.mode === "command" && s.privateKeySecret === undefined
      ? [
          {
            path: ["privateKeySecret"],
            because: "mode",
            message:
              'required because ssh mode is "command": name the Secrets Manager secret holding the private key, or use mode "handshake"',
          },
        ]
      : [],
  iam: (instances, ctx) => [
    ...instanceIpLookup(instances),
    ...ctx.readSecrets(
      "ReadSshPrivateKeys",
      instances.map((i) => (i.mode === "command" ? i.privateKeySecret : undefined)),
    ),
  ],
  timeoutSeconds: (s) => s.timeoutSeconds,
  defaultTimeoutSeconds: defaults.timeoutSeconds,
  describe: (s) =>
    `${s.mode} ${s.user}@${s.host ?? "(instance IP)"}:${s.port}, ${s.hostKeySha256.length} pinned key(s)`,
});
