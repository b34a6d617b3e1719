/**
 * `npm run simulate`: one region's real state machine definition, executed locally
 * (aws-local-stepfunctions through the workflow harness) with the REAL handlers
 * (functions/<name>/index.ts) against the stand-ins of testkit/sandbox, for one instance of the
 * configuration and one named scenario. Wait states take no wall-clock time; the report shows
 * the time the real machine would have spent (Wait durations and retry pauses).
 */
import { CHECK_NAMES, type CheckName, checkNamed } from "../../contract/checks";
import type { EscalationReason, InstanceSettings } from "../../contract/workflow";
import type { ResolvedConfig } from "../../stacks/config";
import { FUNCTION_NAMES, type FunctionName } from "../../stacks/function-catalog";
import { alarmArn, cpuAlarmName } from "../../stacks/naming";
import { regionalWorkflow } from "../../stacks/regional-workflow";
import type { AslDefinition } from "../../stacks/workflow";
import { type AwsAnswer, awsError } from "../../testkit/aws-stand-in";
import type { CapturedRequest } from "../../testkit/capture-server";
import { type Sandbox, type SandboxBehaviour, sandbox } from "../../testkit/sandbox";
import {
  BACK_ONLINE,
  CLOCK_START,
  FakeLockTable,
  IMPAIRED,
  INITIALIZING,
  type InstanceStatus,
  type LambdaHandler,
  namedError,
  PENDING,
  type RunResult,
  runWorkflow,
  STOPPED,
  STOPPING,
} from "../../testkit/workflow-harness";
import { findRegion } from "./region-workflow";
import { UsageError } from "./usage";

export { UsageError } from "./usage";

/** What a scenario expects the execution to end with. */
export interface Expectation {
  readonly status: "SUCCEEDED" | "FAILED";
  readonly outcome?: string;
  readonly reason?: string;
  /** Error of a FAILED execution. */
  readonly error?: string;
}

interface ScenarioSetup {
  readonly behaviour: SandboxBehaviour;
  readonly ec2Statuses: readonly InstanceStatus[];
  /** Keep the configured host-key pins instead of pinning the stand-in server's key. */
  readonly keepPinnedHostKeys?: boolean;
  /** Lock item a previous execution left, as strings. */
  readonly lockItem?: Readonly<Record<string, string>>;
  /** Every invocation of this function fails with this Lambda error (the function never runs). */
  readonly invokeError?: { readonly function: FunctionName; readonly error: string };
}

/** A named situation the simulator can put an instance in. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Why the scenario cannot apply to this instance, or undefined when it can. */
  readonly unsupported: (settings: InstanceSettings) => string | undefined;
  readonly expect: Expectation;
  readonly setup: (settings: InstanceSettings) => ScenarioSetup;
}

/** Poll answers of an instance that restarts normally (stop-start passes through stopped first). */
function comesBack(s: InstanceSettings): InstanceStatus[] {
  return s.restart.method === "reboot"
    ? [INITIALIZING, BACK_ONLINE]
    : [STOPPING, STOPPED, PENDING, INITIALIZING, BACK_ONLINE];
}

function neverBack(s: InstanceSettings): InstanceStatus[] {
  return s.restart.method === "reboot" ? [IMPAIRED] : [STOPPING, STOPPED, PENDING, IMPAIRED];
}

/** The first check the instance has: the one a scenario breaks when any check will do. */
export function firstCheck(s: InstanceSettings): CheckName {
  const found = CHECK_NAMES.find((c) => s[c] !== undefined);
  if (!found) throw new Error(`${s.instanceId} has no check`);
  return found;
}

const needs = (check: CheckName) => (s: InstanceSettings) =>
  s[check] === undefined ? `${s.instanceId} has no ${check} check` : undefined;
const always = () => undefined;
const NO_FAULT: SandboxBehaviour = { downUntilRestart: [], downAlways: [] };

const clockMinus = (minutes: number) => new Date(Date.parse(CLOCK_START) - minutes * 60_000).toISOString();

const escalates = (reason: EscalationReason): Expectation => ({
  status: "SUCCEEDED",
  outcome: "escalated",
  reason,
});

/** `check`'s target fails until EC2 accepts the restart and passes after it: recovered. */
function downUntilRestart(check: CheckName, description: string): Scenario {
  return {
    name: `${check}-down-until-restart`,
    description,
    unsupported: needs(check),
    expect: { status: "SUCCEEDED", outcome: "recovered" },
    setup: (s) => ({ behaviour: { downUntilRestart: [check], downAlways: [] }, ec2Statuses: comesBack(s) }),
  };
}

/** `check`'s target fails before and after the restart: the pager. */
function downAlways(name: string, check: CheckName, description: string): Scenario {
  return {
    name,
    description,
    unsupported: needs(check),
    expect: escalates("checks-failed-after-restart"),
    setup: (s) => ({ behaviour: { downUntilRestart: [], downAlways: [check] }, ec2Statuses: comesBack(s) }),
  };
}

/** What keeps a check from asking: an AWS API's answer, or its function failing to be invoked. */
interface AskFault {
  readonly awsFault?: SandboxBehaviour["awsFault"];
  readonly invokeError?: ScenarioSetup["invokeError"];
}

/** The check could not ask (DESIGN §3.6): no restart, the pager (check-unavailable). */
function couldNotAsk(
  scenario: Pick<Scenario, "name" | "description" | "unsupported"> & {
    readonly fault: (s: InstanceSettings) => AskFault;
  },
): Scenario {
  const { fault, ...rest } = scenario;
  return {
    ...rest,
    expect: escalates("check-unavailable"),
    setup: (s) => {
      const { awsFault, invokeError } = fault(s);
      return { behaviour: { ...NO_FAULT, awsFault }, ec2Statuses: comesBack(s), invokeError };
    },
  };
}

/** Route 53's API (`what` it does) answers every call with `answer`: the Route 53 check could not ask. */
function route53ApiFault(name: string, what: string, answer: AwsAnswer): Scenario {
  return couldNotAsk({
    name,
    description: `The Route 53 API ${what}: the check could not ask, so no restart; the pager (check-unavailable).`,
    unsupported: needs("route53"),
    fault: () => ({ awsFault: (call) => (call.service === "route53" ? answer : undefined) }),
  });
}

/** Every scenario, by name. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: "healthy",
    description: "Every configured check passes in run 1: nobody is told, nothing restarts.",
    unsupported: always,
    expect: { status: "SUCCEEDED", outcome: "healthy" },
    setup: (s) => ({ behaviour: NO_FAULT, ec2Statuses: comesBack(s) }),
  },
  downUntilRestart(
    "url",
    "The URL answers 503 until EC2 accepts the restart; run 2 passes and chat is told.",
  ),
  downAlways(
    "route53-unhealthy",
    "route53",
    "Every Route 53 checker reports Failure, before and after the restart: the pager.",
  ),
  {
    name: "ssh-hostkey-mismatch",
    description:
      "The SSH server presents a host key that is not pinned (the configured pins are kept): failed twice, the pager.",
    unsupported: needs("ssh"),
    expect: escalates("checks-failed-after-restart"),
    setup: (s) => ({ behaviour: NO_FAULT, ec2Statuses: comesBack(s), keepPinnedHostKeys: true }),
  },
  downUntilRestart(
    "tcp",
    "The TCP port resets connections until EC2 accepts the restart; run 2 passes and chat is told.",
  ),
  downAlways(
    "tcp-closed",
    "tcp",
    "The TCP port resets every connection, before and after the restart: the pager.",
  ),
  {
    name: "never-comes-back",
    description:
      "The first check fails, the restart is accepted, but the instance never reports status ok: the pager after the poll budget.",
    unsupported: always,
    expect: escalates("not-back-in-time"),
    setup: (s) => ({
      behaviour: { downUntilRestart: [], downAlways: [firstCheck(s)] },
      ec2Statuses: neverBack(s),
    }),
  },
  {
    name: "restart-rejected",
    description: "The first check fails and EC2 rejects the restart (IncorrectInstanceState): the pager.",
    unsupported: always,
    expect: escalates("restart-failed"),
    setup: (s) => ({
      behaviour: {
        downUntilRestart: [],
        downAlways: [firstCheck(s)],
        restartError: "IncorrectInstanceState",
      },
      ec2Statuses: comesBack(s),
    }),
  },
  {
    name: "chat-down",
    description:
      "The instance recovers after the restart but chat answers 500 through every retry: the execution fails loudly.",
    unsupported: (s) =>
      s.notifications.chatOn.includes("recovered")
        ? undefined
        : `${s.instanceId}'s chat does not hear recoveries`,
    expect: { status: "FAILED", error: "FirstLine.NotificationFailed" },
    setup: (s) => ({
      behaviour: { downUntilRestart: [firstCheck(s)], downAlways: [], chatStatus: 500 },
      ec2Statuses: comesBack(s),
    }),
  },
  {
    name: "already-running",
    description: "Another execution holds the instance's unexpired lock: no check, no restart, no message.",
    unsupported: always,
    expect: { status: "SUCCEEDED", outcome: "already-running" },
    setup: (s) => ({
      behaviour: NO_FAULT,
      ec2Statuses: comesBack(s),
      lockItem: {
        lockedBy: `arn:aws:states:${s.region}:123456789012:execution:earlier-alarm`,
        lockedAt: clockMinus(5),
        lockExpiresAt: clockMinus(-60),
      },
    }),
  },
  {
    name: "cooldown",
    description:
      "The first check fails, but the previous restart was within the cooldown: the pager instead of a second restart.",
    unsupported: (s) =>
      s.restart.cooldownMinutes < 1 ? `${s.instanceId} has a cooldown of 0 minutes` : undefined,
    expect: escalates("cooldown"),
    setup: (s) => ({
      behaviour: { downUntilRestart: [], downAlways: [firstCheck(s)] },
      ec2Statuses: comesBack(s),
      lockItem: { lastRestartAt: clockMinus(s.restart.cooldownMinutes / 2) },
    }),
  },
  route53ApiFault(
    "route53-api-failing",
    "answers 500 through the SDK's retries",
    awsError(500, "InternalFailure", "simulated Route 53 outage"),
  ),
  route53ApiFault(
    "route53-api-throttling",
    "throttles every call (Throttling, 400)",
    awsError(400, "Throttling", "Rate exceeded"),
  ),
  couldNotAsk({
    name: "ssh-key-secret-denied",
    description:
      "Secrets Manager denies the SSH key (AccessDeniedException, as with a KMS key the role may not use): no restart; the pager (check-unavailable).",
    unsupported: (s) =>
      s.ssh?.privateKeySecret === undefined
        ? `${s.instanceId} has no SSH key secret (command mode)`
        : undefined,
    fault: (s) => ({
      awsFault: (call) =>
        call.service === "secretsmanager" &&
        (call.body as { SecretId?: string } | undefined)?.SecretId === s.ssh?.privateKeySecret
          ? awsError(
              400,
              "AccessDeniedException",
              "Access to KMS is not allowed. The role may not use the key that encrypts this secret.",
            )
          : undefined,
    }),
  }),
  couldNotAsk({
    name: "instance-lookup-failing",
    description:
      "EC2 DescribeInstances is refused (UnauthorizedOperation) when the SSH or TCP check looks up the instance's address: no restart; the pager (check-unavailable).",
    unsupported: (s) =>
      (s.ssh && s.ssh.host === undefined) || (s.tcp && s.tcp.host === undefined)
        ? undefined
        : `${s.instanceId} has no SSH or TCP check that looks up the instance's address`,
    fault: () => ({
      awsFault: (call) =>
        call.service === "ec2" && call.operation === "DescribeInstances"
          ? awsError(403, "UnauthorizedOperation", "You are not authorized to perform this operation.")
          : undefined,
    }),
  }),
  couldNotAsk({
    name: "function-not-ready",
    description:
      "The first check's function cannot be invoked (Lambda.ResourceNotReadyException: a VPC function idle for weeks), through the retries: no restart; the pager (check-unavailable).",
    unsupported: always,
    fault: (s) => ({
      invokeError: {
        function: checkNamed(firstCheck(s)).functionName as FunctionName,
        error: "Lambda.ResourceNotReadyException",
      },
    }),
  }),
];

/** One state the execution entered, at its simulated time. */
export interface Step {
  readonly state: string;
  readonly type: string;
  /** Seconds since the execution started, as the real machine would count them. */
  readonly atSeconds: number;
  /** Set on a retry entry: the pause before it. */
  readonly retryAfterSeconds?: number;
}

export interface SimulationResult {
  readonly scenario: Scenario;
  readonly region: string;
  readonly instanceId: string;
  readonly run: RunResult;
  readonly steps: readonly Step[];
  readonly totalSeconds: number;
  /** True when the execution ended as the scenario expects. */
  readonly asExpected: boolean;
  /** What was redirected to the stand-ins, as "from -> to" lines. */
  readonly redirects: readonly string[];
  /** The text of each chat message and pager alert sent, in order. */
  readonly chatMessages: readonly string[];
  readonly pagerAlerts: readonly string[];
  /** EC2 calls the stand-in answered (operation names: DescribeInstances, RebootInstances, ...). */
  readonly ec2Calls: readonly string[];
}

export interface SimulationRequest {
  readonly config: ResolvedConfig;
  readonly region: string;
  /** The account whose region it is; required only when several accounts deploy the region. */
  readonly account?: string;
  readonly instance: string;
  readonly scenario: string;
  /** Called with one line per state as the execution enters it (and per retry). */
  readonly onProgress?: (line: string) => void;
}

/** Checks the request against the configuration and the scenarios; throws UsageError. */
export function resolveRequest(request: Omit<SimulationRequest, "onProgress">) {
  const region = findRegion(request.config, request.region, request.account);
  const instance = region.instances.find((i) => i.settings.instanceId === request.instance);
  if (!instance) {
    throw new UsageError(
      `unknown instance "${request.instance}" in ${region.name}`,
      region.instances.map((i) => i.settings.instanceId),
    );
  }
  const scenario = SCENARIOS.find((s) => s.name === request.scenario);
  const applicable = SCENARIOS.filter((s) => s.unsupported(instance.settings) === undefined).map(
    (s) => s.name,
  );
  if (!scenario)
    throw new UsageError(
      `unknown scenario "${request.scenario}"`,
      SCENARIOS.map((s) => s.name),
    );
  const why = scenario.unsupported(instance.settings);
  if (why) throw new UsageError(`scenario "${scenario.name}" does not apply: ${why}`, applicable);
  return { region, settings: instance.settings, scenario };
}

let handlers: Promise<Record<FunctionName, LambdaHandler>> | undefined;

/**
 * The real handlers, imported once the fake AWS endpoint is known: their SDK clients are built
 * at import with default endpoint resolution, which reads AWS_ENDPOINT_URL_<SERVICE>.
 */
function realHandlers(sb: Sandbox): Promise<Record<FunctionName, LambdaHandler>> {
  handlers ??= (async () => {
    const env = process.env;
    env.AWS_ENDPOINT_URL_SECRETS_MANAGER = sb.aws.url;
    env.AWS_ENDPOINT_URL_ROUTE_53 = sb.aws.url;
    env.AWS_ENDPOINT_URL_EC2 = sb.aws.url;
    // Fixed fake credentials: whatever the shell has must never be used (or needed) here.
    env.AWS_ACCESS_KEY_ID = "AKIDSIMULATEDFIRSTLINE";
    env.AWS_SECRET_ACCESS_KEY = "simulated-secret-access-key";
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;
    env.AWS_EC2_METADATA_DISABLED = "true";
    env.AWS_REGION ??= "eu-west-1";
    const loaded = await Promise.all(
      FUNCTION_NAMES.map(
        async (n) =>
          [n, ((await import(`../../functions/${n}/index`)) as { handler: LambdaHandler }).handler] as const,
      ),
    );
    return Object.fromEntries(loaded) as Record<FunctionName, LambdaHandler>;
  })();
  return handlers;
}

/** The instance's settings pointed at the stand-ins (paths and everything else kept). */
function redirected(
  s: InstanceSettings,
  sb: Sandbox,
  keepPins: boolean,
): { settings: InstanceSettings; redirects: string[] } {
  const redirects: string[] = [];
  let url = s.url;
  if (url) {
    const original = new URL(url.address);
    const address = `${sb.appUrl}${original.pathname}${original.search}`;
    redirects.push(`url ${url.address} -> ${address}`);
    url = { ...url, address };
  }
  let ssh = s.ssh;
  if (ssh) {
    const host = ssh.host ? "127.0.0.1" : undefined;
    redirects.push(
      `ssh ${ssh.host ?? "(instance IP from DescribeInstances)"}:${ssh.port} -> 127.0.0.1:${sb.sshPort}` +
        (keepPins ? " (configured host-key pins kept)" : " (pinned to the stand-in's host key)"),
    );
    const { host: _host, ...rest } = ssh;
    ssh = {
      ...rest,
      ...(host ? { host } : {}),
      port: sb.sshPort,
      hostKeySha256: keepPins ? ssh.hostKeySha256 : [sb.sshFingerprint],
    };
  }
  let tcp = s.tcp;
  if (tcp) {
    redirects.push(
      `tcp ${tcp.host ?? "(instance IP from DescribeInstances)"}:${tcp.port} -> 127.0.0.1:${sb.tcpPort}`,
    );
    const { host: _host, ...rest } = tcp;
    tcp = { ...rest, ...(tcp.host ? { host: "127.0.0.1" } : {}), port: sb.tcpPort };
  }
  if (s.route53)
    redirects.push(`route53 health check ${s.route53.healthCheckId} -> ${sb.aws.url} (fake Route 53)`);
  const { chat, escalation } = s.notifications;
  redirects.push(`${escalation.type} ${escalation.apiUrl} -> ${sb.pager.url}`);
  redirects.push(`${chat.type} webhook (secret ${chat.webhookSecret}) -> ${sb.chatWebhookUrl}`);
  const notifications = { ...s.notifications, escalation: { ...escalation, apiUrl: sb.pager.url } };
  const { url: _u, ssh: _s, tcp: _t, ...base } = { ...s, notifications };
  return {
    settings: {
      ...base,
      ...(url ? { url } : {}),
      ...(ssh ? { ssh } : {}),
      ...(tcp ? { tcp } : {}),
    } as InstanceSettings,
    redirects,
  };
}

/** What a person reads of a chat message or a pager alert, whatever the service's shape. */
export function messageText(request: CapturedRequest): string {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const card = (body.attachments as { content?: { body?: { text?: string }[] } }[] | undefined)?.[0]?.content;
  const text =
    (typeof body.text === "string" && body.text) ||
    card?.body?.find((b) => typeof b.text === "string")?.text ||
    (typeof body.message === "string" && body.message) ||
    (body.payload as { summary?: string } | undefined)?.summary;
  return typeof text === "string" ? text : request.rawBody.slice(0, 200);
}

/** The value at a `$.a.b` path of the input (Wait states' SecondsPath). */
function valueAt(input: unknown, path: string): unknown {
  return path
    .replace(/^\$\.?/, "")
    .split(".")
    .filter(Boolean)
    .reduce<unknown>(
      (v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined),
      input,
    );
}

function waitSeconds(definition: AslDefinition, state: string, input: unknown): number {
  const s = definition.States[state];
  if (s?.Type !== "Wait") return 0;
  const v = valueAt(input, s.SecondsPath);
  return typeof v === "number" ? v : 0;
}

/** `+1:30`, `+12:05`, `+1:02:03`. */
export function clockText(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `+${h}:${String(m).padStart(2, "0")}:${ss}` : `+${m}:${ss}`;
}

/** Runs one scenario for one instance. Throws UsageError for a request that cannot run. */
export async function simulate(request: SimulationRequest): Promise<SimulationResult> {
  const { region, settings: configured, scenario } = resolveRequest(request);
  const workflow = regionalWorkflow(request.config.stackName, region);
  const sb = await sandbox();
  const loaded = await realHandlers(sb);
  const setup = scenario.setup(configured);
  const failing = setup.invokeError;
  const lambdas = failing
    ? {
        ...loaded,
        [failing.function]: () => {
          throw namedError(failing.error, `simulated: ${failing.function} cannot be invoked now`);
        },
      }
    : loaded;
  const { settings, redirects } = redirected(configured, sb, setup.keepPinnedHostKeys === true);

  sb.configure(setup.behaviour);
  sb.secrets.set(configured.notifications.chat.webhookSecret, sb.chatWebhookUrl);
  sb.secrets.set(configured.notifications.escalation.secret, "simulated-pager-key");
  if (configured.ssh?.privateKeySecret) sb.secrets.set(configured.ssh.privateKeySecret, sb.sshPrivateKey);

  const lockTable = new FakeLockTable(workflow.lockTableName);
  if (setup.lockItem) lockTable.seed(configured.instanceId, setup.lockItem);

  const alarmName = cpuAlarmName(request.config.stackName, region.name, configured.instanceId);
  const input = {
    instance: settings,
    alarm: {
      name: alarmName,
      arn: alarmArn(region.name, "123456789012", alarmName),
      time: CLOCK_START.replace(/\.000Z$/, "Z"),
    },
  };
  const executionName = `simulate-${scenario.name}`;
  const executionArn = `arn:aws:states:${region.name}:123456789012:execution:${workflow.stateMachineName}:${executionName}`;

  // Two clocks over the same simulated time: `clock` answers $$.State.EnteredTime and moves the
  // moment a Wait starts; `elapsed` times the steps in event order.
  let clock = Date.parse(CLOCK_START);
  let elapsed = 0;
  const steps: Step[] = [];
  const progress = request.onProgress ?? (() => {});
  const run = await runWorkflow({
    definition: workflow.definition,
    input,
    lambdas,
    lockTable,
    ec2Statuses: setup.ec2Statuses,
    executionName,
    executionArn,
    now: () => new Date(clock).toISOString(),
    onWait: (state) => {
      clock += waitSeconds(workflow.definition, state, input) * 1000;
    },
    onEvent: (event) => {
      if (event.type === "StateEntered") {
        steps.push({ state: event.state.name, type: event.state.type, atSeconds: elapsed });
        progress(`${clockText(elapsed).padStart(8)}  ${event.state.name}`);
        elapsed += waitSeconds(workflow.definition, event.state.name, input);
      } else if (event.type === "StateRetried") {
        const r = event.retry.retrier;
        const pause = (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** (event.retry.attempt - 1);
        elapsed += pause;
        clock += pause * 1000;
        steps.push({
          state: event.state.name,
          type: event.state.type,
          atSeconds: elapsed,
          retryAfterSeconds: pause,
        });
        progress(
          `${clockText(elapsed).padStart(8)}  ${event.state.name} (retry ${event.retry.attempt} after ${pause} s)`,
        );
      }
    },
  });

  const e = scenario.expect;
  const asExpected =
    run.status === e.status &&
    (e.outcome === undefined || run.output?.outcome === e.outcome) &&
    (e.reason === undefined || run.output?.reason === e.reason) &&
    (e.error === undefined || run.error === e.error);
  return {
    scenario,
    region: region.name,
    instanceId: configured.instanceId,
    run,
    steps,
    totalSeconds: elapsed,
    asExpected,
    redirects,
    chatMessages: sb.chat.requests.map(messageText),
    pagerAlerts: sb.pager.requests.map(messageText),
    ec2Calls: sb.aws.callsTo("ec2").map((c) => c.operation),
  };
}

function expectationText(e: Expectation): string {
  if (e.status === "FAILED") return `FAILED ${e.error ?? ""}`.trim();
  return [e.outcome, e.reason].filter(Boolean).join(" / ");
}

/** The report `npm run simulate` prints. */
export function formatSimulation(r: SimulationResult): string {
  const out: string[] = [];
  out.push(`Scenario ${r.scenario.name} for ${r.instanceId} in ${r.region}`);
  out.push(`  ${r.scenario.description}`);
  out.push("", "Stand-ins on 127.0.0.1:");
  for (const line of r.redirects) out.push(`  ${line}`);
  out.push(
    "",
    "States visited (simulated time: Wait states and retry pauses as the real machine would wait):",
  );
  for (const s of r.steps) {
    const what =
      s.retryAfterSeconds !== undefined ? `${s.state}  [retry after ${s.retryAfterSeconds} s]` : s.state;
    out.push(`  ${clockText(s.atSeconds).padStart(8)}  ${what}`);
  }
  out.push("");
  const o = r.run.output;
  if (r.run.status === "SUCCEEDED" && o) {
    out.push(`Result: SUCCEEDED, outcome ${o.outcome}${o.reason ? `, reason ${o.reason}` : ""}`);
    for (const [key, runChecks] of Object.entries(o.runs ?? {})) {
      const checks = Object.entries(runChecks ?? {})
        .map(([c, v]) => `${c} ${v.status}${v.reason ? ` (${v.reason})` : ""}`)
        .join("; ");
      out.push(`  ${key} run: ${checks}`);
    }
  } else {
    out.push(`Result: FAILED, error ${r.run.error}: ${r.run.cause ?? ""}`);
  }
  out.push(
    `  EC2 calls: ${r.ec2Calls.length ? r.ec2Calls.join(", ") : "none"}; status polls: ${r.run.polls}`,
  );
  out.push(`  Chat messages: ${r.chatMessages.length}; pager alerts: ${r.pagerAlerts.length}`);
  for (const text of r.pagerAlerts) out.push(`    pager: ${text}`);
  for (const text of r.chatMessages) out.push(`    chat:  ${text}`);
  out.push(`  Simulated duration: ${clockText(r.totalSeconds).slice(1)} (m:ss)`);
  out.push(
    r.asExpected
      ? `  As expected (${expectationText(r.scenario.expect)}).`
      : `  UNEXPECTED: the scenario expects ${expectationText(r.scenario.expect)}.`,
  );
  return `${out.join("\n")}\n`;
}
