/**
 * The state a create plan leaves (testkit/terraform-state.ts) and the fixtures' trimming
 * (testkit/terraform-plan.ts): what npm run plan-fixtures builds its prior state and files with.
 */
import { trimPlanForFixture } from "../../testkit/terraform-plan";
import {
  type FullPlanJson,
  type ProviderSchemas,
  pendingChanges,
  rederive,
  settleState,
  stateFromCreatePlan,
} from "../../testkit/terraform-state";

/** Schema attributes of type string, by name. */
const strings = (...names: string[]) =>
  Object.fromEntries(names.map((name) => [name, { type: "string" as const }]));

const schemas: ProviderSchemas = {
  provider_schemas: {
    "registry.terraform.io/hashicorp/aws": {
      resource_schemas: {
        aws_sqs_queue: {
          block: {
            attributes: {
              ...strings("id", "arn", "url", "name", "name_prefix"),
              tags_all: { type: ["map", "string"] },
            },
          },
        },
        aws_sqs_queue_policy: { block: { attributes: strings("id", "queue_url", "policy") } },
        aws_lambda_function: {
          block: {
            attributes: {
              ...strings("id", "arn", "function_name", "qualified_arn", "role"),
              source_code_size: { type: "number" },
            },
            block_types: {
              dead_letter_config: { nesting_mode: "list", block: { attributes: strings("target_arn") } },
            },
          },
        },
      },
    },
  },
};

const configuration: FullPlanJson["configuration"] = {
  provider_config: {
    "aws.eu-west-1": { alias: "eu-west-1", expressions: { region: { constant_value: "eu-west-1" } } },
  },
  root_module: {
    resources: [
      { address: "aws_sqs_queue.dlq", provider_config_key: "aws.eu-west-1" },
      { address: "aws_sqs_queue_policy.dlq-policy", provider_config_key: "aws.eu-west-1" },
      { address: "aws_lambda_function.fn", provider_config_key: "aws.eu-west-1" },
    ],
  },
};

/** How a plan names a managed resource. */
const managed = (type: string, name: string) => ({ address: `${type}.${name}`, mode: "managed", type, name });
const AWS_PROVIDER = "registry.terraform.io/hashicorp/aws";
const resource = (type: string, name: string, values: Record<string, unknown>) => ({
  ...managed(type, name),
  provider_name: AWS_PROVIDER,
  schema_version: 0,
  values,
});
type Values = Record<string, unknown>;
const change = (type: string, name: string, actions: string[], after: Values, afterUnknown: Values) => ({
  ...managed(type, name),
  change: { actions, after, after_unknown: afterUnknown },
});

const create: FullPlanJson = {
  terraform_version: "1.11.4",
  planned_values: {
    root_module: {
      resources: [
        resource("aws_sqs_queue", "dlq", { name: "fl-eu-west-1-dlq", tags_all: { app: "first-line" } }),
        resource("aws_sqs_queue_policy", "dlq-policy", {}),
        resource("aws_lambda_function", "fn", { function_name: "fl-eu-west-1-fn", dead_letter_config: [{}] }),
      ],
    },
  },
  resource_changes: [
    change("aws_sqs_queue", "dlq", ["create"], {}, { id: true, arn: true, url: true, name_prefix: true }),
    change("aws_sqs_queue_policy", "dlq-policy", ["create"], {}, { id: true, queue_url: true, policy: true }),
    change(
      "aws_lambda_function",
      "fn",
      ["create"],
      {},
      {
        id: true,
        arn: true,
        qualified_arn: true,
        role: true,
        source_code_size: true,
        dead_letter_config: [{ target_arn: true }],
      },
    ),
  ],
  configuration,
};

describe("the state a create plan leaves", () => {
  const state = stateFromCreatePlan(create, schemas, { accountId: "123456789012", lineageSeed: "s" });
  const attributes = (name: string) =>
    state.resources.find((r) => r.name === name)?.instances[0]?.attributes as Record<string, unknown>;

  it("fills what apply assigns from the resource's names, region and account, typed by the schema", () => {
    expect(attributes("dlq")).toEqual({
      id: "https://sqs.eu-west-1.amazonaws.com/123456789012/fl-eu-west-1-dlq",
      arn: "arn:aws:sqs:eu-west-1:123456789012:fl-eu-west-1-dlq",
      url: "https://sqs.eu-west-1.amazonaws.com/123456789012/fl-eu-west-1-dlq",
      name: "fl-eu-west-1-dlq",
      name_prefix: "",
      tags_all: { app: "first-line" },
    });
    expect(attributes("fn")).toMatchObject({
      id: "fl-eu-west-1-fn",
      arn: "arn:aws:lambda:eu-west-1:123456789012:function:fl-eu-west-1-fn",
      qualified_arn: "arn:aws:lambda:eu-west-1:123456789012:function:fl-eu-west-1-fn:$LATEST",
      source_code_size: 0,
      dead_letter_config: [{ target_arn: "" }],
    });
    expect(state.resources.map((r) => r.provider)).toEqual(
      Array(3).fill('provider["registry.terraform.io/hashicorp/aws"].eu-west-1'),
    );
  });

  it("is the same for the same plan (no clock, no randomness)", () => {
    expect(stateFromCreatePlan(create, schemas, { accountId: "123456789012", lineageSeed: "s" })).toEqual(
      state,
    );
  });

  it("settles toward what a plan against it says: known values taken, values only apply knows kept", () => {
    const queueUrl = attributes("dlq").url;
    const plan: FullPlanJson = {
      ...create,
      resource_changes: [
        change(
          "aws_sqs_queue_policy",
          "dlq-policy",
          ["delete", "create"],
          { queue_url: queueUrl, policy: '{"Version":"2012-10-17"}' },
          { id: true },
        ),
        change("aws_sqs_queue", "dlq", ["no-op"], {}, {}),
      ],
      output_changes: { urls: { actions: ["create"], after: ["a", "b"], after_unknown: false } },
    };
    expect(pendingChanges(plan)).toEqual([
      "delete,create aws_sqs_queue_policy.dlq-policy",
      "create output urls",
    ]);

    const settled = rederive(settleState(state, plan), () => "eu-west-1", "123456789012");
    const policy = settled.resources.find((r) => r.name === "dlq-policy")?.instances[0]?.attributes;

    expect(policy).toEqual({ id: queueUrl, queue_url: queueUrl, policy: '{"Version":"2012-10-17"}' });
    expect(settled.outputs).toEqual({ urls: { value: ["a", "b"], type: ["tuple", ["string", "string"]] } });
    expect(settled.serial).toBe(state.serial + 1);
  });

  it("refuses to settle a plan that creates what the state lacks", () => {
    const plan: FullPlanJson = {
      ...create,
      resource_changes: [change("aws_sqs_queue", "other", ["create"], {}, {})],
    };
    expect(() => settleState(state, plan)).toThrow("aws_sqs_queue.other: the plan creates it");
  });
});

describe("a plan trimmed for the fixtures", () => {
  it("keeps the changes, the providers' identity and region and the addresses; drops the rest", () => {
    // What identifies the changed resource, kept as it is.
    const dlq = { ...managed("aws_sqs_queue", "dlq"), provider_name: AWS_PROVIDER };
    const plan = {
      format_version: "1.2",
      terraform_version: "1.11.4",
      timestamp: "2026-01-01T00:00:00Z",
      planned_values: {},
      prior_state: {},
      resource_changes: [
        {
          ...dlq,
          change: {
            actions: ["update"],
            before: { a: 1 },
            after: { a: 2 },
            after_unknown: {},
            importing: null,
          },
        },
        { address: "aws_sqs_queue.same", mode: "managed", change: { actions: ["no-op"] } },
        { address: "data.aws_caller_identity.x", mode: "data", change: { actions: ["read"] } },
      ],
      output_changes: { a: { actions: ["no-op"] }, b: { actions: ["update"], before: 1, after: 2 } },
      configuration: {
        provider_config: {
          "aws.eu-west-1": {
            name: "aws",
            alias: "eu-west-1",
            expressions: {
              region: { constant_value: "eu-west-1" },
              access_key: { constant_value: "AKIA..." },
            },
          },
        },
        root_module: {
          resources: [
            {
              address: "aws_sqs_queue.dlq",
              mode: "managed",
              provider_config_key: "aws.eu-west-1",
              expressions: {},
            },
          ],
        },
      },
    };

    expect(trimPlanForFixture(plan)).toEqual({
      format_version: "1.2",
      terraform_version: "1.11.4",
      resource_changes: [
        {
          ...dlq,
          change: { actions: ["update"], before: { a: 1 }, after: { a: 2 }, after_unknown: {} },
        },
      ],
      output_changes: { b: { actions: ["update"], before: 1, after: 2 } },
      configuration: {
        provider_config: {
          "aws.eu-west-1": {
            name: "aws",
            alias: "eu-west-1",
            expressions: { region: { constant_value: "eu-west-1" } },
          },
        },
        root_module: {
          resources: [
            { address: "aws_sqs_queue.dlq", mode: "managed", provider_config_key: "aws.eu-west-1" },
          ],
        },
      },
    });
  });
});
