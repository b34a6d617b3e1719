import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { CHECKS, type CheckName } from "../../contract/checks";
import { SCENARIOS, type SimulationResult, simulate, UsageError } from "../../scripts/lib/simulate";
import { parseConfig } from "../../stacks/config";
import {
  chatStates,
  checkStates,
  escalationState,
  pollStates,
  RECORD_STATES,
  runStates,
  STATE,
} from "../../stacks/workflow";
import { useQuietSandbox } from "../../testkit/sandbox-suite";
import { committedExample, PROJECT_DIR } from "../../testkit/synth";

const config = parseConfig(committedExample());
const EU = { region: "eu-west-1", instance: "i-0123456789abcdef0" };
const US_URL = { region: "us-east-1", instance: "i-0a1b2c3d4e5f60718" };
const US_SSH = { region: "us-east-1", instance: "i-0fedcba9876543210" };

useQuietSandbox();

const run = (target: { region: string; instance: string }, scenario: string) =>
  simulate({ config, ...target, scenario });

const visited = (r: SimulationResult) =>
  r.steps.filter((s) => s.retryAfterSeconds === undefined).map((s) => s.state);
const at = (r: SimulationResult, state: string) => r.steps.find((s) => s.state === state)?.atSeconds;

const states = (name: CheckName) => {
  const check = CHECKS.find((c) => c.name === name);
  if (!check) throw new Error(`no check ${name}`);
  return checkStates(check);
};
const passes = (name: CheckName) => {
  const s = states(name);
  return [s.configured, s.task, s.result, s.recorded, s.verdict];
};
/** The EU instance configures URL, Route 53 and SSH; TCP is skipped. */
const euRunPasses = [
  ...passes("url"),
  ...passes("route53"),
  ...passes("ssh"),
  states("tcp").configured,
  states("tcp").skipped,
  "Checks passed",
];
const BEFORE_LOCK = [
  STATE.validate,
  STATE.prepare,
  STATE.wholeNumbers,
  STATE.readPause,
  STATE.paused,
  STATE.plan,
  STATE.acquire,
];

describe("simulate: scenarios with the real handlers", () => {
  it("healthy: runs every check once, in order, and ends healthy without telling anyone", async () => {
    const r = await run(EU, "healthy");

    expect(visited(r)).toEqual([
      ...BEFORE_LOCK,
      runStates(1).start,
      ...euRunPasses,
      runStates(1).passed,
      STATE.healthy,
      STATE.release,
      STATE.record,
      RECORD_STATES.plain,
      STATE.delivered,
      STATE.done,
    ]);
    expect(r.run.output?.outcome).toBe("healthy");
    expect(r.run.output?.runs?.first?.ssh).toEqual(
      expect.objectContaining({ status: "passed", reason: "command exited 0" }),
    );
    expect([r.chatMessages, r.pagerAlerts, r.ec2Calls]).toEqual([[], [], []]);
    expect(r.totalSeconds).toBe(0);
    expect(r.asExpected).toBe(true);
  });

  it("url-down-until-restart: fails the URL, tells chat, reboots, waits settle + one poll, passes run 2 and tells chat again", async () => {
    const r = await run(EU, "url-down-until-restart");
    const status = pollStates("status");

    const url = states("url");
    expect(visited(r)).toEqual([
      ...BEFORE_LOCK,
      runStates(1).start,
      url.configured,
      url.task,
      url.result,
      url.recorded,
      url.verdict,
      "Checks failed",
      runStates(1).failed,
      STATE.cooldown,
      STATE.recordRestart,
      chatStates("restarting").ask,
      chatStates("restarting").task,
      STATE.method,
      STATE.reboot,
      STATE.settle,
      status.count,
      status.poll,
      status.test,
      status.spend,
      status.left,
      status.wait,
      status.poll,
      status.test,
      STATE.backOnline,
      STATE.measure,
      runStates(2).start,
      ...euRunPasses,
      runStates(2).passed,
      STATE.recovered,
      chatStates("recovered").ask,
      chatStates("recovered").task,
      STATE.release,
      STATE.record,
      RECORD_STATES.back,
      STATE.delivered,
      STATE.done,
    ]);
    expect(r.run.output?.outcome).toBe("recovered");
    expect(r.run.output?.runs?.first?.url?.reason).toBe("status 503 not in 200-399");
    expect(r.ec2Calls).toEqual(["RebootInstances"]);
    expect(at(r, status.count)).toBe(90);
    expect(r.totalSeconds).toBe(90 + 15);
    expect(r.pagerAlerts).toEqual([]);
    expect(r.chatMessages).toEqual([
      expect.stringMatching(/^Restarting i-0123456789abcdef0 in eu-west-1: URL check did not pass/),
      expect.stringMatching(/^i-0123456789abcdef0 in eu-west-1 recovered after a restart/),
    ]);
  });

  it("url-down-until-restart with stop-start: stops, polls until stopped, starts, then polls status", async () => {
    const r = await run(US_URL, "url-down-until-restart");

    expect(r.ec2Calls).toEqual(["StopInstances", "StartInstances"]);
    expect(visited(r)).toEqual(expect.arrayContaining([STATE.stop, pollStates("stop").test, STATE.start]));
    expect(visited(r).indexOf(STATE.start)).toBeGreaterThan(visited(r).indexOf(pollStates("stop").test));
    expect(r.run.output?.outcome).toBe("recovered");
    expect(r.run.output?.runs?.second?.url?.status).toBe("passed");
  });

  it("ssh-hostkey-mismatch: the unpinned host key fails SSH in both runs and the pager is alerted", async () => {
    const r = await run(US_SSH, "ssh-hostkey-mismatch");

    expect(r.run.output).toEqual(
      expect.objectContaining({ outcome: "escalated", reason: "checks-failed-after-restart" }),
    );
    expect(r.run.output?.runs?.first?.ssh?.reason).toMatch(
      /^host key SHA256:\S+ does not match the pinned fingerprint/,
    );
    expect(r.run.output?.runs?.second?.ssh?.status).toBe("failed");
    expect(visited(r)).toContain(escalationState("checks-failed-after-restart"));
    expect(r.pagerAlerts).toEqual([
      "i-0fedcba9876543210 in us-east-1 escalated: checks still fail after the restart",
    ]);
    expect(r.chatMessages).toHaveLength(2);
  });

  it("never-comes-back: spends the whole poll budget, then escalates not-back-in-time", async () => {
    const r = await run(EU, "never-comes-back");
    const polls = visited(r).filter((s) => s === pollStates("status").poll).length;

    expect(polls).toBe(40);
    expect(r.run.polls).toBe(40);
    expect(r.totalSeconds).toBe(90 + 39 * 15);
    expect(r.run.output).toEqual(
      expect.objectContaining({ outcome: "escalated", reason: "not-back-in-time" }),
    );
    expect(visited(r)).not.toContain(runStates(2).start);
    expect(r.pagerAlerts).toHaveLength(1);
  });

  describe("an instance with only a TCP check (the committed example plus one)", () => {
    const TCP = { region: "eu-west-1", instance: "i-0fffffffffffffff7" };
    const withTcp = () => {
      const raw = committedExample() as { regions: Record<string, { instances: unknown[] }> };
      raw.regions["eu-west-1"]?.instances.push({
        instanceId: TCP.instance,
        tcp: { host: "10.0.0.7", port: 5432 },
      });
      return parseConfig(raw);
    };

    it("tcp-down-until-restart: the port resets until the reboot, then accepts: recovered", async () => {
      const r = await simulate({ config: withTcp(), ...TCP, scenario: "tcp-down-until-restart" });

      expect(r.run.output?.runs?.first?.tcp?.status).toBe("failed");
      expect(r.run.output?.runs?.second?.tcp).toMatchObject({ status: "passed" });
      expect(r.run.output?.outcome).toBe("recovered");
      expect(r.ec2Calls).toEqual(["RebootInstances"]);
    });

    it("tcp-closed: the port refuses before and after the restart: escalated, the pager alerted", async () => {
      const r = await simulate({ config: withTcp(), ...TCP, scenario: "tcp-closed" });

      expect(r.run.output?.runs?.second?.tcp?.status).toBe("failed");
      expect(r.run.output).toEqual(
        expect.objectContaining({ outcome: "escalated", reason: "checks-failed-after-restart" }),
      );
      expect(r.ec2Calls).toEqual(["RebootInstances"]);
      expect(r.pagerAlerts).toHaveLength(1);
    });
  });

  it("chat-down: retries chat three times, releases the lock and fails the execution", async () => {
    const r = await run(EU, "chat-down");
    const recovered = chatStates("recovered").task;
    const retries = r.steps.filter((s) => s.state === recovered && s.retryAfterSeconds !== undefined);

    expect(r.run.status).toBe("FAILED");
    expect(r.run.error).toBe("FirstLine.NotificationFailed");
    expect(retries.map((s) => s.retryAfterSeconds)).toEqual([5, 10, 20]);
    // The restarting notice (best effort, one try) and four tries of the recovery.
    expect(r.chatMessages).toHaveLength(5);
    expect(visited(r).slice(-5)).toEqual([
      STATE.release,
      STATE.record,
      RECORD_STATES.back,
      STATE.delivered,
      STATE.notificationFailed,
    ]);
    expect(r.run.lockTable.get(EU.instance)?.lockedBy).toBeUndefined();
  });

  it("already-running: stops at the lock without calling any check", async () => {
    const r = await run(EU, "already-running");

    expect(visited(r)).toEqual([
      ...BEFORE_LOCK,
      STATE.alreadyRunning,
      STATE.record,
      RECORD_STATES.plain,
      STATE.delivered,
      STATE.done,
    ]);
    expect(r.run.output?.outcome).toBe("already-running");
    expect(r.run.calls.map((c) => c.fn)).toEqual(["restart-instance"]);
  });

  it("cooldown: escalates instead of restarting again", async () => {
    const r = await run(EU, "cooldown");

    expect(visited(r)).toContain(escalationState("cooldown"));
    expect(visited(r)).not.toContain(STATE.recordRestart);
    expect(r.ec2Calls).toEqual([]);
    expect(r.run.output).toEqual(expect.objectContaining({ outcome: "escalated", reason: "cooldown" }));
  });

  it("restart-rejected and route53-unhealthy end as their scenarios expect", async () => {
    const rejected = await run(EU, "restart-rejected");
    const route53 = await run(EU, "route53-unhealthy");

    expect(rejected.run.output?.reason).toBe("restart-failed");
    expect(route53.run.output?.runs?.first?.route53?.status).toBe("failed");
    expect(route53.run.output?.reason).toBe("checks-failed-after-restart");
    expect([rejected.asExpected, route53.asExpected]).toEqual([true, true]);
  });

  it("refuses a scenario the instance has no check for, listing the ones that apply", async () => {
    const attempt = run(US_SSH, "url-down-until-restart");

    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toMatchObject({
      // Handshake-mode SSH only: nothing with a URL, Route 53, TCP or an SSH key secret applies.
      choices: SCENARIOS.filter(
        (s) =>
          ![
            "url-down-until-restart",
            "route53-unhealthy",
            "tcp-down-until-restart",
            "tcp-closed",
            "route53-api-failing",
            "route53-api-throttling",
            "ssh-key-secret-denied",
          ].includes(s.name),
      ).map((s) => s.name),
    });
  });
});

describe("npm run simulate (the script)", () => {
  const script = join(PROJECT_DIR, "scripts", "simulate.ts");
  const tsx = join(PROJECT_DIR, "node_modules", ".bin", "tsx");
  const spawn = (...args: string[]) =>
    spawnSync(tsx, [script, ...args], {
      cwd: PROJECT_DIR,
      encoding: "utf8",
      env: { ...process.env, FIRST_LINE_CONFIG: "" },
    });

  it("prints the states with simulated times and the outcome, with progress on stderr", () => {
    const out = spawn(
      "--region",
      "eu-west-1",
      "--instance",
      EU.instance,
      "--scenario",
      "url-down-until-restart",
    );

    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^ +\+0:00 {2}Wait for settle$/m);
    expect(out.stdout).toMatch(/^ +\+1:30 {2}Count status polls$/m);
    expect(out.stdout).toMatch(/^ +\+1:45 {2}Done$/m);
    expect(out.stdout).toContain("Result: SUCCEEDED, outcome recovered");
    expect(out.stderr).toMatch(/^simulate: +\+0:00 {2}Validate input$/m);
    expect(out.stdout).not.toContain('"level":"info"');
  });

  it("exits non-zero on an unknown scenario and lists every scenario", () => {
    const out = spawn("--region", "eu-west-1", "--instance", EU.instance, "--scenario", "meteor-strike");

    expect(out.status).toBe(1);
    expect(out.stderr).toContain('unknown scenario "meteor-strike"');
    for (const s of SCENARIOS) expect(out.stderr).toContain(`  ${s.name}\n`);
  });

  it("exits non-zero on an unknown region and lists the configured regions", () => {
    const out = spawn("--region", "eu-north-9", "--instance", EU.instance, "--scenario", "healthy");

    expect(out.status).toBe(1);
    expect(out.stderr).toContain(
      'unknown region "eu-north-9"; choose one of:\n  ap-southeast-2\n  eu-west-1\n  us-east-1\n',
    );
  });
});
