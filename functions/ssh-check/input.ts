import type { CheckEvent, SshMode, SshSettings } from "../shared/contracts";
import { INSTANCE_ID, parseInput, REGION } from "../shared/input";
import { FINGERPRINT } from "./fingerprint";

const MODES: readonly SshMode[] = ["handshake", "command"];
/** Host name, IPv4 or IPv6 literal: no spaces, no URL, nothing ssh2 would misread. */
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.:-]{0,252}[A-Za-z0-9])?$/;
/** POSIX-ish login names (ec2-user, ubuntu, admin@domain for AD-joined hosts). */
const USER = /^[A-Za-z0-9_.][A-Za-z0-9_.@-]{0,63}$/;
/** A Secrets Manager secret name, or the ARN of one (possibly in another region). */
const SECRET = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[A-Za-z0-9/_+=.@-]{1,512}$/;
/** Lambda's own ceiling; a longer check could never report. */
const MAX_TIMEOUT_SECONDS = 900;

/**
 * Validates an untrusted ssh-check event and returns it typed. Throws one InvalidInputError
 * naming every problem, before any AWS or network call.
 */
export function parseSshCheckEvent(event: unknown): CheckEvent<SshSettings> {
  return parseInput(event, (read) => {
    const instanceId = read.string(["instanceId"], { pattern: INSTANCE_ID, hint: "an EC2 instance id" });
    const region = read.string(["region"], { pattern: REGION, hint: "an AWS region name" });
    if (!read.object(["settings"])) return { instanceId, region, settings: {} as SshSettings };

    const s = (field: string) => ["settings", field];
    const mode = read.oneOf(s("mode"), MODES);
    const host = read.optionalString(s("host"), { pattern: HOST, hint: "a host name or IP address" });
    const privateKeySecret = read.optionalString(s("privateKeySecret"), {
      pattern: SECRET,
      hint: "a Secrets Manager secret name or ARN",
    });
    read.check(
      mode !== "command" || read.has(s("privateKeySecret")),
      s("privateKeySecret"),
      'required when mode is "command" (the private key to log in with)',
    );
    // Handshake mode never runs a command, so a resolved config may leave it out.
    const command = mode === "command" || read.has(s("command")) ? read.string(s("command")) : "true";
    const settings: SshSettings = {
      ...(host === undefined ? {} : { host }),
      port: read.number(s("port"), { integer: true, min: 1, max: 65535 }),
      user: read.string(s("user"), { pattern: USER, hint: "a login name" }),
      hostKeySha256: read.stringList(s("hostKeySha256"), {
        pattern: FINGERPRINT,
        hint: "an OpenSSH SHA-256 fingerprint (SHA256: followed by 43 base64 characters)",
      }),
      mode,
      ...(privateKeySecret === undefined ? {} : { privateKeySecret }),
      command,
      timeoutSeconds: read.number(s("timeoutSeconds"), { integer: true, min: 1, max: MAX_TIMEOUT_SECONDS }),
      inVpc: read.boolean(s("inVpc"), false),
    };
    return { instanceId, region, settings };
  });
}
