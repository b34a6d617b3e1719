import type { EC2Client } from "@aws-sdk/client-ec2";
import { type ParsedKey, utils } from "ssh2";
import type { CheckSettings } from "../../contract/checks";
import { type CheckEvent, type CheckResult, DEPENDENCIES } from "../../contract/workflow";
import { checkResult, unavailableReason, type Verdict } from "../shared/check-result";
import { describeAwsError } from "../shared/error-text";
import { InvalidInputError, SecretUnavailableError } from "../shared/errors";
import { instanceAddress } from "../shared/instance-address";
import { scrub } from "../shared/log";
import type { SecretReader } from "../shared/secrets";
import { MAX_OUTPUT_BYTES, runSession, type SessionOutcome, type SessionPlan } from "./session";

/** What the SSH check needs from outside; the handler builds these once per container. */
export interface SshCheckDeps {
  readonly ec2: Pick<EC2Client, "send">;
  readonly readSecret: SecretReader;
  /** Clock for durationMs; tests may pin it. */
  readonly now?: () => number;
}

type Details = Record<string, string | number | boolean>;
type SshSettings = CheckSettings<"ssh">;

/**
 * DESIGN §3 SSH check: connect, verify the host key against the pins, then either stop at the
 * authentication stage (`handshake`) or log in with the stored key and run the command
 * (`command`). What the instance does (refused, timed out, wrong host key, login refused, the
 * command failing, no IP address) is `failed`. What its dependencies do is `unavailable`
 * (DESIGN §3.6), never a restart: Secrets Manager not returning a usable private key (any
 * error, or a value that is not an unencrypted private key) and `DescribeInstances` failing or
 * not knowing the instance. It throws only InvalidInputError (command mode without a key
 * secret, which parsing already rejects).
 */
export async function runSshCheck(event: CheckEvent<SshSettings>, deps: SshCheckDeps): Promise<CheckResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const { settings } = event;
  const base: Details = { mode: settings.mode, port: settings.port, user: settings.user };
  const finish = (verdict: Verdict, reason: string, details: Details): CheckResult =>
    checkResult("ssh", verdict, reason, Math.max(0, now() - started), details);

  // The key is read before anything is dialled: a broken secret says nothing about the
  // instance, whatever state it is in.
  let plan: SessionPlan = { mode: "handshake" };
  if (settings.mode === "command") {
    const key = await loadPrivateKey(deps.readSecret, settings);
    if (!key.ok) return finish("unavailable", key.reason, base);
    plan = { mode: "command", key: key.key, command: settings.command };
  }

  const lookup = await instanceAddress(event.instanceId, settings, deps.ec2);
  if (!lookup.ok) return finish(lookup.verdict, lookup.reason, base);
  const details: Details = { ...base, host: lookup.host, hostSource: lookup.source };

  const outcome = await runSession(
    {
      host: lookup.host,
      port: settings.port,
      user: settings.user,
      pinned: settings.hostKeySha256,
      timeoutMs: settings.timeoutSeconds * 1000,
    },
    plan,
  );
  const { passed, reason, extra } = judge(outcome, settings, `${lookup.host}:${settings.port}`);
  return finish(passed ? "passed" : "failed", reason, { ...details, ...extra });
}

function judge(
  outcome: SessionOutcome,
  settings: SshSettings,
  address: string,
): { passed: boolean; reason: string; extra: Details } {
  switch (outcome.kind) {
    case "reached-auth":
      return {
        passed: true,
        reason: `sshd at ${address} presented pinned host key ${outcome.fingerprint} and reached authentication`,
        extra: { hostKey: outcome.fingerprint },
      };
    case "exited": {
      const extra: Details = { hostKey: outcome.fingerprint };
      if (outcome.exitCode !== null) extra.exitCode = outcome.exitCode;
      if (outcome.signal !== null) extra.signal = outcome.signal;
      // Output can echo anything the command touched: scrub whole secrets, then cut.
      if (outcome.stdout) extra.stdout = keepStart(scrub(outcome.stdout));
      if (outcome.stderr) extra.stderr = keepStart(scrub(outcome.stderr));
      if (outcome.exitCode === 0) return { passed: true, reason: "command exited 0", extra };
      const reason =
        outcome.exitCode !== null
          ? `command exited ${outcome.exitCode}`
          : outcome.signal !== null
            ? `command killed by signal ${outcome.signal}`
            : "command ended without an exit status";
      return { passed: false, reason, extra };
    }
    case "host-key-mismatch":
      return {
        passed: false,
        reason: `host key ${outcome.fingerprint} does not match the pinned fingerprint(s)`,
        extra: { hostKey: outcome.fingerprint },
      };
    case "auth-failed":
      return {
        passed: false,
        reason: `authentication failed for user ${settings.user}`,
        extra: { hostKey: outcome.fingerprint },
      };
    case "timeout":
      return { passed: false, reason: `timed out after ${settings.timeoutSeconds} s`, extra: {} };
    case "error":
      return { passed: false, reason: outcome.reason, extra: {} };
  }
}

type KeyLoad =
  | { readonly ok: true; readonly key: ParsedKey }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads and parses the private key. A failure is a reason starting with "Secrets Manager" (the
 * reader's own errors already do); it names the secret, never its content: ssh2's own parse
 * messages can quote decoded bytes, so they are replaced by fixed wording.
 */
async function loadPrivateKey(readSecret: SecretReader, settings: SshSettings): Promise<KeyLoad> {
  const name = settings.privateKeySecret;
  if (!name) throw new InvalidInputError(['settings.privateKeySecret: required when mode is "command"']);
  let text: string;
  try {
    text = await readSecret(name);
  } catch (err) {
    if (err instanceof SecretUnavailableError) return { ok: false, reason: err.message };
    // A reader that is not ours (tests, a future one) may throw anything: still not the instance.
    return {
      ok: false,
      reason: unavailableReason(
        DEPENDENCIES.secretsManager,
        `secret ${name} could not be read: ${describeAwsError(err)}`,
      ),
    };
  }
  const unusable = (what: string): KeyLoad => ({
    ok: false,
    reason: unavailableReason(DEPENDENCIES.secretsManager, `secret ${name} ${what}`),
  });
  const parsed = utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || key instanceof Error) {
    const encrypted = key instanceof Error && /passphrase|encrypted/i.test(key.message);
    return encrypted
      ? unusable("holds an encrypted private key; store it without a passphrase")
      : unusable("does not hold an OpenSSH or PEM private key");
  }
  if (!key.isPrivateKey()) return unusable("holds a public key, not a private key");
  return { ok: true, key };
}

/** The first {@link MAX_OUTPUT_BYTES} bytes of `text`, never splitting a UTF-8 character. */
function keepStart(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= MAX_OUTPUT_BYTES) return text;
  return new TextDecoder("utf-8", { fatal: false })
    .decode(bytes.subarray(0, MAX_OUTPUT_BYTES))
    .replace(/\uFFFD$/, "");
}
