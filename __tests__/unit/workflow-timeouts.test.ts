import fc from "fast-check";
import type { InstanceSettings } from "../../contract/workflow";
import { FUNCTION_NAMES } from "../../stacks/function-catalog";
import {
  functionTimeoutSeconds,
  machineTimeoutSeconds,
  taskTimeoutSeconds,
  timeBudget,
  workflowTimeouts,
} from "../../stacks/workflow";
import { instanceSettings } from "../../testkit/workflow-harness";

const withRestart = (restart: Partial<InstanceSettings["restart"]>, base = instanceSettings()) =>
  instanceSettings({ ...base, restart: { ...base.restart, ...restart } });

describe("workflow timeouts", () => {
  it("gives the defaults (URL 10 s, Route 53, SSH 15 s, settle 90, poll 15, maxWait 600) a worst case of 3044 s", () => {
    const example = instanceSettings({ tcp: undefined });
    const budget = timeBudget(example);

    // Check runs: per check 4 attempts at the task timeout + 2+4+8 s backoff (URL 25, Route 53 25, SSH 30).
    expect(budget.checkRun).toBe(114 + 114 + 134);
    expect(budget.checks).toBe(2 * 362);
    // settle + 40 polls at the 10 s task timeout + 39 pauses of 15 s.
    expect(budget.waiting).toBe(90 + 400 + 585);
    // Pause read and 3 lock writes (4 attempts of 10 s + 1+2+4 s), plan and elapsed calls
    // (4 attempts of 35 s + 14 s), one metrics call of 10 s.
    expect(budget.bookkeeping).toBe(4 * 47 + 2 * 154 + 10);
    // The reboot (4 attempts of 35 s + 5+10+20 s) and the best-effort "restarting" notice.
    expect(budget.restartCalls).toBe(175 + 154);
    // The pager, then chat, each 4 attempts of 35 s + 5+10+20 s.
    expect(budget.notification).toBe(2 * 175);
    expect(budget.total).toBe(3044);
    expect(machineTimeoutSeconds([example])).toBe(3044);
  });

  it("covers every configured wait, both check runs and the notification for any settings", () => {
    const settings = fc.record({
      method: fc.constantFrom("reboot" as const, "stop-start" as const),
      settleSeconds: fc.integer({ min: 0, max: 900 }),
      pollSeconds: fc.integer({ min: 1, max: 120 }),
      maxPolls: fc.integer({ min: 1, max: 200 }),
      urlTimeout: fc.integer({ min: 1, max: 60 }),
      sshTimeout: fc.integer({ min: 1, max: 60 }),
      withRoute53: fc.boolean(),
    });
    fc.assert(
      fc.property(settings, (s) => {
        const base = instanceSettings();
        const instance = instanceSettings({
          tcp: undefined,
          url: { ...(base.url as NonNullable<InstanceSettings["url"]>), timeoutSeconds: s.urlTimeout },
          ssh: { ...(base.ssh as NonNullable<InstanceSettings["ssh"]>), timeoutSeconds: s.sshTimeout },
          ...(s.withRoute53 ? {} : { route53: undefined }),
          restart: {
            ...base.restart,
            method: s.method,
            settleSeconds: s.settleSeconds,
            pollSeconds: s.pollSeconds,
            maxPolls: s.maxPolls,
            maxWaitSeconds: s.maxPolls * s.pollSeconds,
          },
        });
        const tasks = taskTimeoutSeconds([instance]);
        const oneRun = tasks["url-check"] + tasks["ssh-check"] + (s.withRoute53 ? tasks["route53-check"] : 0);
        const loops = s.method === "stop-start" ? 2 : 1;
        const waits = s.settleSeconds + loops * s.maxPolls * s.pollSeconds;
        const calls = 2 * oneRun + loops * tasks["restart-instance"] + tasks.escalate + tasks["notify-chat"];

        expect(machineTimeoutSeconds([instance])).toBeGreaterThan(waits + calls);
      }),
    );
  });

  it("grows with the settle time, the poll budget and a stop-start restart", () => {
    const base = machineTimeoutSeconds([instanceSettings()]);

    expect(machineTimeoutSeconds([withRestart({ settleSeconds: 300 })])).toBe(base + 210);
    expect(machineTimeoutSeconds([withRestart({ maxPolls: 41, maxWaitSeconds: 615 })])).toBe(base + 10 + 15);
    // A second poll loop (until stopped) and a second restart call (start).
    expect(machineTimeoutSeconds([withRestart({ method: "stop-start" })])).toBe(base + 985 + 175);
  });

  it("takes the largest instance of the region", () => {
    const slow = withRestart({ settleSeconds: 600 });
    const fast = withRestart({ settleSeconds: 10 });

    expect(machineTimeoutSeconds([fast, slow])).toBe(machineTimeoutSeconds([slow]));
  });

  it("budgets only the checks an instance configures", () => {
    const urlOnly = instanceSettings({ route53: undefined, ssh: undefined, tcp: undefined });

    expect(timeBudget(urlOnly).checkRun).toBe(4 * taskTimeoutSeconds([urlOnly])["url-check"] + 14);
  });

  it("lets each function time out before its Task state does", () => {
    const instance = instanceSettings({
      url: { address: "https://x.example/", timeoutSeconds: 45, expectStatus: "200" },
    });
    const fn = functionTimeoutSeconds([instance]);
    const task = taskTimeoutSeconds([instance]);

    expect(fn["url-check"]).toBe(55);
    for (const name of FUNCTION_NAMES) expect(task[name]).toBeGreaterThan(fn[name]);
  });

  it("computes function, task and machine timeouts from the same instances", () => {
    const instances = [withRestart({ method: "stop-start" })];

    expect(workflowTimeouts(instances)).toEqual({
      functionTimeoutSeconds: functionTimeoutSeconds(instances),
      taskTimeoutSeconds: taskTimeoutSeconds(instances),
      machineTimeoutSeconds: machineTimeoutSeconds(instances),
    });
  });

  it("falls back to an instance with every check and default settings when a region has none", () => {
    expect(machineTimeoutSeconds([])).toBe(machineTimeoutSeconds([instanceSettings()]));
    expect(machineTimeoutSeconds([])).toBe(3232);
  });
});
