/**
 * The per-region dashboard (DESIGN §2, §7): named `<stackName>-<region>-first-line`, a valid
 * JSON body whose outcome metrics are exactly the ones the synthesized workflow writes (read
 * from its putMetricData states), whose AWS metrics are the region's own state machine and
 * dead-letter queue, and which shows every outcome of the contract.
 */
import { OUTCOMES } from "../../contract/workflow";
import { dashboardBody, outcomeSearch } from "../../stacks/dashboard";
import type { AslDefinition } from "../../stacks/workflow";
import {
  accountRef,
  allBlocks,
  blockAt,
  committedExample,
  jsonAttr,
  resourcesOf,
  str,
  type TfJson,
} from "../../testkit/synth";
import { synthesizedOnce } from "../../testkit/synth-suite";

jest.setTimeout(60_000);

const example = synthesizedOnce(committedExample);

interface Body {
  widgets: { type: string; x: number; y: number; width: number; height: number; properties: Props }[];
}
interface Props {
  region?: string;
  metrics?: unknown[][];
  alarms?: string[];
}

/** What one SEARCH expression reads: namespace, dimension set, metric name and dimension values. */
interface Search {
  namespace: string;
  dimensions: string[];
  metricName: string;
  values: Record<string, string>;
}

const SEARCH = /SEARCH\('\{([^}]*)\} ([^']*)', '(Sum|Maximum)', (\d+)\)/g;

function searches(expression: string): Search[] {
  return [...expression.matchAll(SEARCH)].map((m) => {
    const [namespace = "", ...dimensions] = (m[1] ?? "").split(",");
    const values = Object.fromEntries(
      [...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((t) => [t[1] as string, t[2] as string]),
    );
    const { MetricName: metricName = "", ...rest } = values;
    return { namespace, dimensions, metricName, values: rest };
  });
}

/** What the synthesized workflow writes: namespace -> metric names and dimension names. */
function emitted(json: TfJson, region: string) {
  const machine = resourcesOf(json, "aws_sfn_state_machine", region)[0];
  if (!machine) throw new Error(`no state machine in ${region}`);
  const definition = jsonAttr<AslDefinition>(machine, "definition");
  const puts = Object.values(definition.States).filter(
    (s) => s.Type === "Task" && s.Resource === "arn:aws:states:::aws-sdk:cloudwatch:putMetricData",
  );
  expect(puts.length).toBeGreaterThan(0);
  const out = new Map<string, { metrics: Set<string>; dimensions: Set<string> }>();
  for (const state of puts) {
    const params = (state as unknown as { Parameters: { Namespace: string; MetricData: unknown[] } })
      .Parameters;
    const entry = out.get(params.Namespace) ?? { metrics: new Set(), dimensions: new Set() };
    for (const datum of params.MetricData as { MetricName: string; Dimensions: { Name: string }[] }[]) {
      entry.metrics.add(datum.MetricName);
      for (const d of datum.Dimensions) entry.dimensions.add(d.Name);
    }
    out.set(params.Namespace, entry);
  }
  return out;
}

function dashboardOf(json: TfJson, region: string) {
  const block = blockAt(json, "aws_cloudwatch_dashboard", `${region}/dashboard`);
  return { block, body: JSON.parse(str(block, "dashboard_body")) as Body };
}

const REGIONS = ["ap-southeast-2", "eu-west-1", "us-east-1"];

describe("the region's dashboard", () => {
  it("exists once per region, named <stackName>-<region>-first-line under the region's provider", () => {
    const dashboards = resourcesOf(example.json, "aws_cloudwatch_dashboard");
    expect(dashboards.map((d) => [d.region, d.body.dashboard_name, d.body.provider]).sort()).toEqual(
      REGIONS.map((r) => [r, `first-line-${r}-first-line`, `aws.${r}`]),
    );
  });

  it.each(REGIONS)(
    "in %s reads only metrics the workflow writes, for every outcome and instance",
    (region) => {
      const { body } = dashboardOf(example.json, region);
      const written = emitted(example.json, region);
      const instances = example.config.regions
        .find((r) => r.name === region)
        ?.instances.map((i) => i.settings.instanceId);

      const expressions = body.widgets.flatMap((w) =>
        (w.properties.metrics ?? []).flatMap((m) => {
          const first = m[0] as { expression?: string };
          return typeof first === "object" && first.expression ? [first.expression] : [];
        }),
      );
      const all = expressions.flatMap(searches);
      expect(all.length).toBe(expressions.length);
      for (const search of all) {
        const own = written.get(search.namespace);
        expect(own).toBeDefined();
        expect(new Set(search.dimensions)).toEqual(own?.dimensions);
        expect(own?.metrics.has(search.metricName)).toBe(true);
        expect(search.values.region).toBe(region);
      }
      // Executions by outcome: exactly the contract's outcomes, in its order.
      expect(all.filter((s) => s.metricName === "Executions").map((s) => s.values.outcome)).toEqual([
        ...OUTCOMES,
      ]);
      // Restarts and their duration: one line per configured instance.
      for (const metric of ["Restarts", "RestartSeconds"]) {
        expect(all.filter((s) => s.metricName === metric).map((s) => s.values.instance)).toEqual(instances);
      }
      // Every metric the workflow writes is on the dashboard.
      expect(new Set(all.map((s) => s.metricName))).toEqual(written.get("FirstLine")?.metrics);
    },
  );

  it.each(REGIONS)(
    "in %s shows the region's own state machine failures and dead-letter queue depth",
    (region) => {
      const { body } = dashboardOf(example.json, region);
      const machine = blockAt(example.json, "aws_sfn_state_machine", `${region}/workflow`);
      const dlq = blockAt(example.json, "aws_sqs_queue", `${region}/dlq`);
      // From the machine's name and the region's account, both known at plan time.
      const machineArn = `arn:aws:states:${region}:${accountRef(example.json, region)}:stateMachine:${String(machine.body.name)}`;

      const awsMetrics = body.widgets
        .flatMap((w) => w.properties.metrics ?? [])
        .filter((m) => typeof m[0] === "string")
        .map((m) => m.slice(0, 4));
      expect(awsMetrics).toEqual([
        ["AWS/States", "ExecutionsFailed", "StateMachineArn", machineArn],
        ["AWS/States", "ExecutionsTimedOut", "StateMachineArn", machineArn],
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", dlq.body.name],
      ]);
      expect(body.widgets.filter((w) => w.type === "metric").map((w) => w.properties.region)).toEqual(
        Array(5).fill(region),
      );
    },
  );

  it("shows the state of first-line's own alarm and of every CPU alarm of the region", () => {
    const { body } = dashboardOf(example.json, "us-east-1");
    const alarms = allBlocks(example.json).filter(
      (b) => b.type === "aws_cloudwatch_metric_alarm" && b.region === "us-east-1",
    );
    const shown = body.widgets.flatMap((w) => w.properties.alarms ?? []);
    const arn = (alarm: { body: Record<string, unknown> }) =>
      `arn:aws:cloudwatch:us-east-1:${accountRef(example.json, "us-east-1")}:alarm:${String(alarm.body.alarm_name)}`;
    expect(new Set(shown)).toEqual(new Set(alarms.map(arn)));
    expect(shown[0]).toBe(arn(blockAt(example.json, "aws_cloudwatch_metric_alarm", "us-east-1/self-alarm")));
  });

  it("lays its widgets out on CloudWatch's 24-column grid without overlaps", () => {
    const { body } = dashboardOf(example.json, "us-east-1");
    const cells = new Set<string>();
    for (const w of body.widgets) {
      expect(w.x + w.width).toBeLessThanOrEqual(24);
      for (let x = w.x; x < w.x + w.width; x++)
        for (let y = w.y; y < w.y + w.height; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });
});

describe("dashboardBody", () => {
  it("splits more than 100 alarms over several alarm widgets (CloudWatch's limit per widget)", () => {
    const alarmArns = Array.from({ length: 201 }, (_, i) => `arn:aws:cloudwatch:eu-west-1:1:alarm:a${i}`);
    const body = dashboardBody({
      region: "eu-west-1",
      instanceIds: [],
      stateMachineArn: "arn",
      deadLetterQueueName: "dlq",
      alarmArns,
    });
    const alarmWidgets = body.widgets.filter((w) => w.type === "alarm");
    expect(alarmWidgets.map((w) => (w.properties.alarms as string[]).length)).toEqual([100, 100, 1]);
    expect(alarmWidgets.flatMap((w) => w.properties.alarms as string[])).toEqual(alarmArns);
  });

  it("searches the workflow's exact dimension set", () => {
    expect(outcomeSearch("Executions", { region: "eu-west-1", outcome: "paused" }, "Sum")).toBe(
      `SEARCH('{FirstLine,region,instance,outcome} MetricName="Executions" region="eu-west-1" outcome="paused"', 'Sum', 3600)`,
    );
  });
});
