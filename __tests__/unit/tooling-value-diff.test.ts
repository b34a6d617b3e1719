import { groupChanges, neutral, type ResourceChange } from "../../scripts/lib/changes";
import { fitSections } from "../../scripts/lib/summary";
import {
  aslDiff,
  attributeChanges,
  leafDiff,
  parseInputTemplate,
  UNKNOWN,
  withUnknown,
} from "../../scripts/lib/value-diff";

const machine = (timeout: number, settle: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    StartAt: "Wait for settle",
    TimeoutSeconds: timeout,
    States: {
      "Wait for settle": { Type: "Wait", Seconds: settle, Next: "Poll" },
      Poll: { Type: "Task", Resource: "arn", TimeoutSeconds: 10, Retry: [{ MaxAttempts: 2 }], End: true },
      ...extra,
    },
  });

describe("state machine definitions compare state by state", () => {
  it("names the top-level timeout and the changed wait", () => {
    expect(aslDiff(machine(2504, 90), machine(3664, 120))).toEqual([
      "TimeoutSeconds: 2504 → 3664",
      'state "Wait for settle": Seconds: 90 → 120',
    ]);
  });

  it("lists states added and removed, and fields inside a state's retry", () => {
    const before = machine(100, 90, { Old: { Type: "Pass", End: true } });
    const after = JSON.parse(machine(100, 90, { New: { Type: "Succeed" } }));
    after.States.Poll.Retry[0].MaxAttempts = 5;

    expect(aslDiff(before, JSON.stringify(after))).toEqual([
      'states added: "New"',
      'states removed: "Old"',
      'state "Poll": Retry[0].MaxAttempts: 2 → 5',
    ]);
  });

  it("reads the definition attribute of a state machine through the ASL diff", () => {
    const changes = attributeChanges(
      "aws_sfn_state_machine",
      { definition: machine(2504, 90), name: "x" },
      { definition: machine(3664, 90), name: "x" },
    );

    expect(changes).toEqual([
      { attribute: "definition", lines: ["definition: TimeoutSeconds: 2504 → 3664"], computed: false },
    ]);
  });
});

describe("input templates compare as the settings they carry", () => {
  const template = (method: string) =>
    `{"instance":{"instanceId":"i-0123456789abcdef0","restart":{"method":"${method}","settleSeconds":90},"url":{"expectBody":"at <time>"}},"alarm":{"name":<alarmName>,"time":<time>}}`;

  it("parses EventBridge placeholders in value position and leaves literal text alone", () => {
    expect(parseInputTemplate(template("reboot"))).toEqual({
      instance: {
        instanceId: "i-0123456789abcdef0",
        restart: { method: "reboot", settleSeconds: 90 },
        url: { expectBody: "at <time>" },
      },
      alarm: { name: "<alarmName>", time: "<time>" },
    });
  });

  it("shows the changed setting by its path, inside a plan's input_transformer list", () => {
    const changes = attributeChanges(
      "aws_cloudwatch_event_target",
      { input_transformer: [{ input_template: template("reboot") }] },
      { input_transformer: [{ input_template: template("stop-start") }] },
    );

    expect(changes.flatMap((c) => c.lines)).toEqual([
      'input_transformer[0].input_template.instance.restart.method: "reboot" → "stop-start"',
    ]);
  });
});

describe("JSON documents and plan markers", () => {
  it("compares IAM statements by Sid, whatever their order", () => {
    const policy = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
    const a = { Sid: "A", Action: ["s3:GetObject"], Resource: "*" };
    const b = { Sid: "B", Action: ["sqs:SendMessage"], Resource: "arn:1" };

    expect(
      attributeChanges(
        "aws_iam_role_policy",
        { policy: policy([a, b]) },
        { policy: policy([{ ...b, Resource: "arn:2" }, a]) },
      ).flatMap((c) => c.lines),
    ).toEqual(['policy.Statement["B"].Resource: "arn:1" → "arn:2"']);
  });

  it("shows scalar lists as what was added and removed", () => {
    expect(
      attributeChanges("x", { ids: ["a", "b", "c"] }, { ids: ["a", "c", "d"] }).flatMap((c) => c.lines),
    ).toEqual(['ids: + "d" - "b"']);
  });

  it("marks values only apply knows, nested ones too, as computed", () => {
    const after = withUnknown({ arn: null, config: [{ a: 1 }] }, { arn: true, config: [{ b: true }] });

    expect(after).toEqual({ arn: UNKNOWN, config: [{ a: 1, b: UNKNOWN }] });
    const changes = attributeChanges("x", { arn: "arn:old", version: "1" }, { version: "1" }, { arn: true });
    expect(changes).toEqual([
      { attribute: "arn", lines: ['arn: "arn:old" → (known after apply)'], computed: true },
    ]);
  });

  it("never shows a sensitive value", () => {
    const changes = attributeChanges(
      "x",
      { secret: "old-secret" },
      { secret: "new-secret" },
      {},
      { secret: true },
    );

    expect(JSON.stringify(changes)).not.toMatch(/old-secret|new-secret/);
    expect(changes[0]?.lines).toEqual(["secret: (sensitive value changed)"]);
  });

  it("finds nothing between equal values", () => {
    expect(leafDiff({ a: [1, { b: "x" }] }, { a: [1, { b: "x" }] })).toEqual([]);
  });
});

describe("grouping across regions", () => {
  const change = (region: string, instance: string, threshold: number): ResourceChange => ({
    stack: "first-line",
    address: `aws_cloudwatch_metric_alarm.${region}_${instance}_cpu-alarm_0123ABCD`,
    type: "aws_cloudwatch_metric_alarm",
    region,
    path: `${instance}/cpu-alarm`,
    action: "update",
    attributes: attributeChanges(
      "aws_cloudwatch_metric_alarm",
      { threshold: 99, alarm_name: `first-line-${region}-${instance}-cpu` },
      { threshold, alarm_name: `first-line-${region}-${instance}-cpu` },
    ),
    replaceBecause: [],
    source: "plan",
  });

  it("takes region, instance, account and name hashes out of a change's text", () => {
    expect(
      neutral(
        `\${aws_lambda_function.eu-west-1_url-check_function_9AF75D52.arn} arn:aws:sqs:eu-west-1:123456789012:q i-0123456789abcdef0`,
        "eu-west-1",
      ),
    ).toBe(
      `\${aws_lambda_function.<region>_url-check_function.arn} arn:aws:sqs:<region>:<account>:q <instance>`,
    );
  });

  it("makes one group of the same change in many regions, and keeps a different one apart", () => {
    const regions = ["eu-west-1", "eu-west-2", "us-east-1", "ap-south-1"];
    const changes = [
      ...regions.map((r, i) => change(r, `i-0${String(i).repeat(16)}`, 95)),
      change("sa-east-1", "i-0aaaaaaaaaaaaaaaa", 90),
    ];
    const groups = groupChanges(changes);

    expect(groups.map((g) => [g.members.length, g.regions, g.attributes.flatMap((a) => a.lines)])).toEqual([
      [4, [...regions].sort(), ["threshold: 99 → 95"]],
      [1, ["sa-east-1"], ["threshold: 99 → 90"]],
    ]);
    expect(groups[0]?.path).toBe("<instance>/cpu-alarm");
  });
});

describe("fitting the comment", () => {
  const sections = [
    { full: "# head", shorter: [] },
    { full: "a".repeat(500), shorter: ["a".repeat(200), "a".repeat(50)] },
    { full: "b".repeat(500), shorter: ["b".repeat(100)] },
  ];

  it("keeps everything when it fits", () => {
    const fitted = fitSections(sections, 5000, "footer");

    expect(fitted.shortened).toBe(false);
    expect(fitted.text).toContain("a".repeat(500));
  });

  it("shortens the least important section first, then the next", () => {
    expect(fitSections(sections, 800, "f").text).toContain("a".repeat(500));
    expect(fitSections(sections, 800, "f").text).not.toContain("b".repeat(101));
    const tight = fitSections(sections, 300, "f");
    expect(tight.text.length).toBeLessThanOrEqual(300);
    expect(tight.text).toContain(`\n${"a".repeat(50)}\n`);
    expect(tight.text).toContain(`\n${"b".repeat(100)}\n`);
  });

  it("cuts at a line, closes an open code fence and says so when no shorter form is left", () => {
    const long = [{ full: `# head\n\`\`\`mermaid\n${"x\n".repeat(400)}\`\`\``, shorter: [] }];
    const fitted = fitSections(long, 300, "footer");

    expect(fitted.text.length).toBeLessThanOrEqual(300);
    expect((fitted.text.match(/```/g) ?? []).length % 2).toBe(0);
    expect(fitted.text).toContain("cut to fit GitHub's comment limit");
    expect(fitted.text.trimEnd().endsWith("footer")).toBe(true);
  });
});
