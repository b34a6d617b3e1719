/**
 * DESIGN §4 "Whatever validates runs", as a property (fast-check): for any configuration the
 * synth accepts, each instance's input — as its EventBridge target delivers it — passes the
 * workflow's own input validation, and every function the workflow then invokes (each check,
 * restart-instance, notify-chat with each chat service, escalate with each pager) accepts the
 * payload the synthesized state machine builds for it. The configurations mix well-formed values
 * with hostile ones (`-oProxyCommand`, `${x}`, `<time>`, control characters, URLs with
 * credentials, partial secret ARNs, out-of-range numbers), so the synth rejects many; the
 * property is about those it accepts, and the test also asserts that enough were accepted for it
 * to mean something (about 57 of 150 with the default seed). FIRST_LINE_PROPERTY_RUNS and
 * FIRST_LINE_PROPERTY_SEED explore further; a failure prints the seed and the shrunk document.
 */
import {
  EC2Client,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { CHECKS, type CheckName } from "../../contract/checks";
import { CHAT_EVENTS, PRIORITIES } from "../../contract/notifications";
import { CHAT_TYPES, PAGER_TYPES } from "../../contract/senders";
import type { InstanceSettings } from "../../contract/workflow";
import { createEscalate } from "../../functions/escalate/escalate";
import { createNotifyChat } from "../../functions/notify-chat/notify-chat";
import { createRestartInstance } from "../../functions/restart-instance/restart";
import { InvalidInputError } from "../../functions/shared/errors";
import { parseCheckEvent } from "../../functions/shared/input";
import { ConfigError, parseConfig, type ResolvedConfig } from "../../stacks/config";
import { inputTemplate } from "../../stacks/regional-first-line";
import { regionalWorkflow } from "../../stacks/regional-workflow";
import { renderInputTemplate, SAMPLE_ALARM_EVENT } from "../../testkit/input-template";
import { BACK_ONLINE, checkResult, type LambdaHandler, runWorkflow } from "../../testkit/workflow-harness";

jest.setTimeout(300_000);

// --- values ---------------------------------------------------------------------------------------

/**
 * Mostly a valid value, now and then a hostile one: a document has about twenty-five fields, so
 * with each hostile one time in forty about half the documents are accepted, and the rest probe
 * the synth's refusals.
 */
const mostly = <T, U>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 39 }, { arbitrary: hostile, weight: 1 });

/** Text that has broken a tool before: template syntax, placeholders, quoting, odd characters. */
const AWKWARD_TEXT = [
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's template syntax, as text, is the point
  "${var.x}",
  "%{ if true }x%{ endif }",
  "$${escaped}",
  "<time>",
  "<alarmName>",
  '"quoted"',
  "back\\slash",
  "new\nline",
  "ünïcödé ✓",
  "-oProxyCommand=sh -c reboot",
];
/** What no field may hold. */
const BROKEN = fc.constantFrom("", " ", "nul\u0000", "x".repeat(5000), "-l root", "a b");
const text = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom(...AWKWARD_TEXT));
const whole = (min: number, max: number) =>
  mostly(fc.integer({ min, max }), fc.oneof(fc.constantFrom(min - 1, max + 1), fc.double({ min, max })));
const host = mostly(
  fc.oneof(fc.domain(), fc.ipV4(), fc.constantFrom("127.0.0.1", "10.0.0.5", "::1")),
  fc.oneof(fc.constantFrom("-oProxyCommand", "host_name", "a..b", "user@host", "[::1]"), BROKEN),
);
const fingerprint = mostly(
  fc.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/),
  fc.constantFrom("SHA256:short", "MD5:aa:bb", "SHA256:UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw="),
);
const secretRef = mostly(
  fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9/_+=.@-]{1,40}$/),
    fc.stringMatching(
      /^arn:aws:secretsmanager:(eu-west-1|us-east-1):\d{12}:secret:[a-z/-]{1,20}-[A-Za-z0-9]{6}$/,
    ),
  ),
  // A partial ARN (no suffix), another service's ARN, text.
  fc.oneof(
    fc.constantFrom(
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:first-line/ssh-key",
      "arn:aws:s3:::bucket",
    ),
    BROKEN,
  ),
);
const httpUrl = mostly(
  fc.oneof(
    fc.webUrl({ validSchemes: ["https", "http"], withQueryParameters: true, withFragments: true }),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's template syntax, as text, is the point
    fc.constantFrom("http://127.0.0.1:8080/ok", "https://example.com/<time>?q=${x}"),
  ),
  fc.oneof(
    fc.constantFrom("https://user:hunter2@example.com/health", "ftp://example.com/", "https://exa mple.com/"),
    BROKEN,
  ),
);
const statusList = mostly(
  fc.constantFrom("200-399", "200,204", "301-302,200", "100-599", "200"),
  fc.constantFrom("599-100", "200-", "2xx", "99"),
);

// --- configuration blocks -------------------------------------------------------------------------

const urlBlock = fc.oneof(
  httpUrl,
  fc.record(
    { address: httpUrl, timeoutSeconds: whole(1, 60), expectStatus: statusList, expectBody: text },
    { requiredKeys: ["address"] },
  ),
);
const sshBlock = fc.record(
  {
    host,
    hostKeySha256: fc.oneof(fingerprint, fc.array(fingerprint, { minLength: 1, maxLength: 3 })),
    port: whole(1, 65_535),
    user: mostly(fc.stringMatching(/^[a-z_][a-z0-9_-]{0,15}$/), fc.constantFrom("-l", "root user", "")),
    mode: mostly(fc.constantFrom("handshake", "command"), fc.constant("shell")),
    privateKeySecret: secretRef,
    command: text,
    timeoutSeconds: whole(1, 60),
  },
  { requiredKeys: ["hostKeySha256"] },
);
const tcpBlock = fc.record(
  { host, port: whole(1, 65_535), timeoutSeconds: whole(1, 60) },
  { requiredKeys: ["port"] },
);
const restartBlock = fc.record(
  {
    method: mostly(fc.constantFrom("reboot", "stop-start"), fc.constant("hibernate")),
    settleSeconds: whole(0, 3600),
    pollSeconds: whole(5, 300),
    // At least the longest poll: a shorter wait is refused (restartProblem), and seen often enough.
    maxWaitSeconds: whole(300, 3600),
    cooldownMinutes: whole(0, 1440),
  },
  { requiredKeys: [] },
);
const chatBlock = fc.record(
  { type: mostly(fc.constantFrom(...CHAT_TYPES), fc.constant("discord")), webhookSecret: secretRef },
  { requiredKeys: ["type"] },
);
const escalationBlock = fc.record(
  {
    type: mostly(fc.constantFrom(...PAGER_TYPES), fc.constant("victorops")),
    secret: secretRef,
    apiUrl: mostly(
      fc.constantFrom(
        "https://api.eu.opsgenie.com",
        "https://events.eu.pagerduty.com/",
        "http://127.0.0.1:9/x",
      ),
      fc.constantFrom(
        "http://api.opsgenie.com",
        "https://k:hunter2@api.opsgenie.com",
        "https://a.example/?q=1",
      ),
    ),
    priority: mostly(fc.constantFrom(...PRIORITIES), fc.constant("P0")),
  },
  { requiredKeys: ["type"] },
);
const notificationsBlock = fc.record(
  {
    chat: chatBlock,
    escalation: escalationBlock,
    chatOn: mostly(fc.subarray([...CHAT_EVENTS]), fc.constant(["recoverd"])),
  },
  { requiredKeys: [] },
);

const instance = fc.record(
  {
    instanceId: mostly(
      fc.stringMatching(/^i-([0-9a-f]{8}|[0-9a-f]{17})$/),
      fc.constantFrom("i-123", "i-0123456789ABCDEF0"),
    ),
    url: urlBlock,
    route53HealthCheckId: mostly(fc.uuid({ version: 4 }), text),
    route53: fc.record(
      { minHealthyShare: mostly(fc.double({ min: 0.01, max: 1, noNaN: true }), fc.constantFrom(0, 1.5)) },
      { requiredKeys: [] },
    ),
    ssh: sshBlock,
    tcp: tcpBlock,
    restart: restartBlock,
    notifications: notificationsBlock,
  },
  { requiredKeys: ["instanceId"] },
);

/** A whole document: valid notifications at defaults (so instances may override them), one region. */
const document = fc.record({ instance, vpc: fc.boolean() }).map(({ instance: inst, vpc }) => ({
  backend: { type: "s3", bucket: "acme-tfstate", key: "first-line.tfstate", region: "eu-central-1" },
  operator: { subscriptions: [{ protocol: "email", endpoint: "oncall@example.com" }] },
  defaults: {
    notifications: {
      chat: { type: "slack", webhookSecret: "first-line/slack-webhook" },
      escalation: { type: "opsgenie", secret: "first-line/opsgenie-api-key" },
    },
  },
  regions: {
    "eu-west-1": {
      ...(vpc
        ? { vpc: { subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: ["sg-0123456789abcdef0"] } }
        : {}),
      instances: [inst],
    },
  },
}));

// --- the functions, with only their outside faked -------------------------------------------------

const ec2 = mockClient(EC2Client);
/** Every InvalidInputError a function threw, with the function's name. */
const rejected: { fn: string; problems: readonly string[] }[] = [];

/** A function's handler that records its input errors (the workflow would turn them into a failed step). */
function recording(fn: string, handler: LambdaHandler): LambdaHandler {
  return async (event) => {
    try {
      return await handler(event);
    } catch (err) {
      if (err instanceof InvalidInputError) rejected.push({ fn, problems: err.problems });
      throw err;
    }
  };
}

const silent = () => undefined;
const delivered = async () => ({ status: 202, text: async () => '{"result":"ok"}' });
const notifiers = {
  "notify-chat": recording(
    "notify-chat",
    createNotifyChat({
      readSecret: async () => "https://chat.example.com/hook/secret-path",
      fetch: delivered,
      log: silent,
    }),
  ),
  escalate: recording(
    "escalate",
    createEscalate({ readSecret: async () => "pager-key", fetch: delivered, log: silent }),
  ),
  "restart-instance": recording(
    "restart-instance",
    createRestartInstance({ ec2For: () => new EC2Client({ region: "eu-west-1" }), log: silent }),
  ),
};

/** Each check's function: the handler's own parse, then the verdict the run asks for. */
function checkFunctions(failing: CheckName | undefined): Record<string, LambdaHandler> {
  return Object.fromEntries(
    CHECKS.map((check) => [
      check.functionName,
      recording(check.functionName, (event) => {
        parseCheckEvent(event, check);
        return checkResult(check.name, check.name === failing ? "failed" : "passed");
      }),
    ]),
  );
}

beforeEach(() => {
  ec2.reset();
  ec2.on(RebootInstancesCommand).resolves({});
  ec2.on(StopInstancesCommand).resolves({ StoppingInstances: [] });
  ec2.on(StartInstancesCommand).resolves({ StartingInstances: [] });
});

/** What the synth accepted, or undefined. */
function accepted(raw: unknown): ResolvedConfig | undefined {
  try {
    return parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return undefined;
    throw err;
  }
}

/** The instance's input exactly as its rule target delivers it (Terraform and EventBridge applied). */
function deliveredInput(settings: InstanceSettings): unknown {
  return renderInputTemplate(inputTemplate(settings), SAMPLE_ALARM_EVENT);
}

describe("whatever validates runs (property)", () => {
  it("every configuration the synth accepts is accepted by the workflow and by every function it invokes", async () => {
    let acceptedCount = 0;
    let tried = 0;
    const checksSeen = new Set<string>();
    const sendersSeen = new Set<string>();

    await fc.assert(
      fc.asyncProperty(document, async (raw) => {
        tried++;
        const config = accepted(raw);
        if (config === undefined) return;
        acceptedCount++;
        const region = config.regions[0];
        const settings = region?.instances[0]?.settings;
        if (region === undefined || settings === undefined)
          throw new Error("an accepted config lost its instance");
        const { definition } = regionalWorkflow(config.stackName, region);
        const configured = CHECKS.filter((c) => settings[c.name] !== undefined).map((c) => c.name);
        // Run A: every check passes (each function gets its payload); run B: the last check fails,
        // so restart-instance, escalate and (as chatOn says) notify-chat get theirs.
        for (const failing of [undefined, configured[configured.length - 1]]) {
          rejected.length = 0;
          const run = await runWorkflow({
            definition,
            input: deliveredInput(settings),
            lambdas: { ...checkFunctions(failing), ...notifiers },
            ec2Statuses: [BACK_ONLINE],
          });

          expect({ status: run.status, error: run.error, cause: run.cause, rejected }).toEqual({
            status: "SUCCEEDED",
            error: undefined,
            cause: undefined,
            rejected: [],
          });
          for (const call of run.calls) {
            if (CHECKS.some((c) => c.functionName === call.fn)) checksSeen.add(call.fn);
          }
          if (run.calls.some((c) => c.fn === "notify-chat"))
            sendersSeen.add(settings.notifications.chat.type);
          if (run.calls.some((c) => c.fn === "escalate"))
            sendersSeen.add(settings.notifications.escalation.type);
        }
      }),
      {
        numRuns: Number(process.env.FIRST_LINE_PROPERTY_RUNS ?? 150),
        seed: Number(process.env.FIRST_LINE_PROPERTY_SEED ?? 20261127),
      },
    );

    // Enough accepted, and every check and sender exercised, for the property to mean something.
    expect(acceptedCount).toBeGreaterThanOrEqual(tried / 5);
    expect([...checksSeen].sort()).toEqual(CHECKS.map((c) => c.functionName).sort());
    expect([...sendersSeen].sort()).toEqual([...CHAT_TYPES, ...PAGER_TYPES].sort());
  });
});
