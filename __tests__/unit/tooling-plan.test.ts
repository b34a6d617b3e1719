/**
 * The summary on real Terraform plans (`__tests__/fixtures/plans`, see its README): what each
 * plan adds, changes, replaces and destroys, by region, grouped, flagged first, within
 * GitHub's comment limit.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FORCE_NEW, groupChanges, type ResourceChange } from "../../scripts/lib/changes";
import { type Plan, parsePlan } from "../../scripts/lib/plan-json";
import { GITHUB_COMMENT_LIMIT, renderSummary } from "../../scripts/lib/summary";
import { AWS_REGIONS } from "../../stacks/config/regions";

const FIXTURES = join(__dirname, "..", "fixtures", "plans");
const text = (name: string) => readFileSync(join(FIXTURES, `${name}.json`), "utf8");
const plan = (name: string): Plan => parsePlan(`${name}.json`, text(name), "first-line");

const summarize = (p: Plan) => renderSummary({ head: [], plans: [{ stack: "first-line", plan: p }] });
const count = (changes: readonly ResourceChange[], action: ResourceChange["action"], region?: string) =>
  changes.filter((c) => c.action === action && (region === undefined || c.region === region)).length;

describe("real plans read as changes by region", () => {
  it("create: every resource added, in the region of its aliased provider", () => {
    const p = plan("create");

    expect(p.regions).toEqual(["eu-west-1", "us-east-1"]);
    expect(count(p.changes, "create")).toBe(91);
    expect(count(p.changes, "create", "eu-west-1") + count(p.changes, "create", "us-east-1")).toBe(91);
    expect(p.changes.every((c) => c.address.includes(`.${c.region}_`))).toBe(true);
  });

  it("update: the changed attributes, inside the definition and the input template too", () => {
    const p = plan("update");
    const eu = p.changes.filter((c) => c.region === "eu-west-1");
    const lines = (type: string) =>
      eu.filter((c) => c.type === type).flatMap((c) => c.attributes.flatMap((a) => a.lines));

    expect(count(p.changes, "update")).toBe(p.changes.length);
    expect(lines("aws_sfn_state_machine")).toEqual([
      "definition: TimeoutSeconds: 3044 → 4234",
      'definition: state "Plan lock and cooldown": Parameters.Payload.lockSeconds: 3044 → 4234',
    ]);
    expect(lines("aws_cloudwatch_event_target")).toEqual([
      'input_transformer[0].input_template.instance.restart.method: "reboot" → "stop-start"',
      "input_transformer[0].input_template.instance.restart.settleSeconds: 90 → 120",
    ]);
    expect(lines("aws_cloudwatch_metric_alarm")).toEqual(["threshold: 99 → 95"]);
  });

  it("update: the same change in both regions is one group, a different one its own", () => {
    const groups = groupChanges(plan("update").changes);
    const alarms = groups.filter((g) => g.type === "aws_cloudwatch_metric_alarm");
    const targets = groups.filter((g) => g.type === "aws_cloudwatch_event_target");

    expect(alarms.map((g) => [g.regions, g.members.length])).toEqual([[["eu-west-1", "us-east-1"], 2]]);
    expect(targets.map((g) => [g.regions, g.members.length])).toEqual([
      [["eu-west-1"], 1],
      [["us-east-1"], 2],
    ]);
  });

  it("replace: the forcing attribute, and replacements flagged before anything else", () => {
    const p = plan("replace");
    const replaced = p.changes.filter((c) => c.action === "replace");
    const { comment } = summarize(p);

    expect(replaced.map((c) => [c.type, c.region, c.replaceBecause])).toEqual([
      ["aws_sqs_queue", "eu-west-1", ["name"]],
      ["aws_sqs_queue", "us-east-1", ["name"]],
      ["aws_sqs_queue_policy", "eu-west-1", ["queue_url"]],
      ["aws_sqs_queue_policy", "us-east-1", ["queue_url"]],
    ]);
    const warning = comment.indexOf("**4 resources would be replaced**");
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(comment.indexOf("### Changes"));
    expect(comment).toContain(
      "**± replace** `aws_sqs_queue` `dlq` — same change in both regions (eu-west-1, us-east-1); forced by `name`\n" +
        '  - `name: "first-line-<region>-dlq" → "first-line-<region>-dead-letters"`',
    );
    // A set element that moved in Terraform's list is compared by its id, not its position.
    expect(comment).toContain(
      '`metric_query["deadletters"].metric[0].dimensions.QueueName: "first-line-<region>-dlq" → "first-line-<region>-dead-letters"`',
    );
  });

  it("destroy: the removed instance's alarm, rule and target, flagged", () => {
    const p = plan("destroy");
    const deleted = p.changes.filter((c) => c.action === "delete");

    expect(deleted.map((c) => [c.type, c.region, c.path]).sort()).toEqual([
      ["aws_cloudwatch_event_rule", "us-east-1", "i-0fedcba9876543210/rule"],
      ["aws_cloudwatch_event_target", "us-east-1", "i-0fedcba9876543210/target"],
      ["aws_cloudwatch_metric_alarm", "us-east-1", "i-0fedcba9876543210/cpu-alarm"],
    ]);
    expect(summarize(p).comment).toContain("**3 resources would be destroyed.**");
    expect(p.changes.filter((c) => c.action === "update").every((c) => c.region === "us-east-1")).toBe(true);
  });

  it("rename: every resource replaced, grouped, with the new names", () => {
    const p = plan("rename");
    const { comment } = summarize(p);

    expect(count(p.changes, "replace")).toBe(91);
    expect(comment).toContain("**91 resources would be replaced**");
    expect(comment).toContain(
      "**± replace** `aws_lambda_function` `url-check/function` — same change in both regions (eu-west-1, us-east-1); forced by `function_name`",
    );
    expect(comment).toContain('`function_name: "first-line-<region>-url-check" → "edge-<region>-url-check"`');
  });

  it("the ForceNew table covers every attribute that forced a replacement in these plans", () => {
    const forcing = ["replace", "rename"].flatMap((n) =>
      plan(n).changes.flatMap((c) => c.replaceBecause.map((a) => `${c.type}.${a}`)),
    );

    expect(forcing.length).toBeGreaterThan(0);
    expect(
      [...new Set(forcing)].filter(
        (f) => !FORCE_NEW[f.split(".")[0] as string]?.includes(f.split(".")[1] as string),
      ),
    ).toEqual([]);
  });
});

describe("plan files that cannot be summarized are refused by name", () => {
  it.each([
    ["not JSON", "{", /bad\.json: not JSON/],
    ["not a plan", '{"values":{}}', /bad\.json: not a plan \(no format_version\)/],
    ["another format", '{"format_version":"2.0","resource_changes":[]}', /format 2\.0 is not supported/],
    ["an errored plan", '{"format_version":"1.2","errored":true}', /the plan errored/],
  ])("%s", (_what, body, message) => {
    expect(() => parsePlan("bad.json", body, "s")).toThrow(message);
  });
});

describe("a plan over 25 regions", () => {
  // The update plan's eu-west-1 changes as 25 regions would plan them: the same real changes,
  // region names swapped (each region's instance id made unique, as ids are).
  const regions = AWS_REGIONS.slice(0, 25);
  const doc = JSON.parse(text("update"));
  const euOnly = (doc.resource_changes as { address: string }[]).filter((rc) =>
    rc.address.includes(".eu-west-1_"),
  );
  const scaled = {
    ...doc,
    resource_changes: regions.flatMap((region, i) =>
      JSON.parse(
        JSON.stringify(euOnly)
          .replaceAll("eu-west-1", region)
          .replaceAll("i-0123456789abcdef0", `i-0${i.toString(16).padStart(16, "0")}`),
      ),
    ),
    configuration: {
      provider_config: Object.fromEntries(regions.map((r) => [`aws.${r}`, { name: "aws", alias: r }])),
      root_module: { resources: [] },
    },
  };
  const p = parsePlan("scaled.json", JSON.stringify(scaled), "first-line");

  it("is one group per change, naming what changed, in one comment", () => {
    const { comment } = summarize(p);

    expect(comment.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(comment).toContain("From the Terraform plan: 0 to add, 75 to change");
    expect(comment).toContain("`aws_sfn_state_machine` `workflow` — same change in all 25 regions");
    expect(comment).toContain("`definition: TimeoutSeconds: 3044 → 4234`");
    expect(comment).toContain(
      '`input_transformer[0].input_template.instance.restart.method: "reboot" → "stop-start"`',
    );
    expect(comment).toContain("`threshold: 99 → 95`");
  });
});
