/**
 * Least privilege, proven: the synthesized roles' policies (references resolved to concrete ARNs)
 * are evaluated by an offline IAM simulator against what each role must and must not be able to
 * do (DESIGN §5 IAM).
 */

import { FUNCTION_NAMES, type FunctionName } from "../../stacks/function-catalog";
import { WILDCARD_ALLOW_LIST } from "../../stacks/iam";
import { committedExample } from "../../testkit/synth";
import { ACCOUNT_ID, referencedAddress, resources, type TfJson } from "../../testkit/tf-json";
import { SLACK_SECRET_ARN, variantConfig } from "../security/configs";
import {
  actionsTaking,
  allPolicyStatements,
  asList,
  DEFAULT_KEY_POLICY,
  evaluate,
  isWildcardOnly,
  type RoleWithPolicies,
  roleNamed,
  rolesOf,
} from "../security/iam-sim";
import { synthConfig, synthExample } from "../security/synth";

const FUNCTIONS = FUNCTION_NAMES;
type Fn = FunctionName;
type SecretKind = "slack" | "opsgenie" | "ssh";

/** What one synthesized setup must allow, written out by hand from its configuration. */
interface Setup {
  readonly label: string;
  readonly stack: string;
  readonly synth: () => Promise<TfJson>;
  /** Per region: its configured instances and, per secret, an ARN that secret has (or none). */
  readonly regions: Readonly<
    Record<
      string,
      {
        instances: readonly string[];
        secrets: Partial<Record<SecretKind, string>>;
        /** Secrets configured somewhere (e.g. in defaults) that nothing in this region uses. */
        unused?: readonly string[];
      }
    >
  >;
}

/** The ARN Secrets Manager gives a secret created with `name` (a random 6-character suffix). */
const named = (region: string, name: string, suffix = "AbCdEf") =>
  `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${name}-${suffix}`;
const instanceArn = (region: string, id: string, account = ACCOUNT_ID) =>
  `arn:aws:ec2:${region}:${account}:instance/${id}`;
const functionArn = (region: string, name: string) =>
  `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${name}`;
const machineArn = (region: string, name: string) =>
  `arn:aws:states:${region}:${ACCOUNT_ID}:stateMachine:${name}`;
const tableArn = (region: string, name: string) => `arn:aws:dynamodb:${region}:${ACCOUNT_ID}:table/${name}`;

/** Which function may read which secret: one reader each. */
const READER: Record<SecretKind, Fn> = {
  slack: "notify-chat",
  opsgenie: "escalate",
  ssh: "ssh-check",
};

const SETUPS: readonly Setup[] = [
  {
    label: "the committed example (cdktf.json)",
    stack: "first-line",
    synth: async () => {
      const { tf, cleanup } = await synthExample();
      cleanup();
      return tf;
    },
    regions: {
      "eu-west-1": {
        instances: ["i-0123456789abcdef0"],
        secrets: {
          slack: named("eu-west-1", "first-line/slack-webhook"),
          opsgenie: named("eu-west-1", "first-line/opsgenie-api-key"),
          ssh: named("eu-west-1", "first-line/ssh-key"),
        },
      },
      // Handshake-only SSH here: ssh-check reads no key.
      "us-east-1": {
        instances: ["i-0a1b2c3d4e5f60718", "i-0fedcba9876543210"],
        secrets: {
          slack: named("us-east-1", "first-line/slack-webhook"),
          opsgenie: named("us-east-1", "first-line/opsgenie-api-key"),
        },
        unused: [named("us-east-1", "first-line/ssh-key")],
      },
      "ap-southeast-2": {
        instances: ["i-0123456789abcdef1"],
        secrets: {
          slack: named("ap-southeast-2", "first-line/slack-webhook"),
          opsgenie: named("ap-southeast-2", "first-line/opsgenie-api-key"),
        },
        unused: [named("ap-southeast-2", "first-line/ssh-key")],
      },
    },
  },
  {
    label: "a cloud-backend config with an ARN secret, a VPC region and SSH without a host",
    stack: "fl-sec",
    synth: () => synthConfig(variantConfig()),
    regions: {
      "eu-north-1": {
        instances: ["i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2"],
        secrets: {
          slack: SLACK_SECRET_ARN,
          opsgenie: named("eu-north-1", "ops/genie"),
          ssh: named("eu-north-1", "ops/ssh"),
        },
      },
      "ca-central-1": {
        instances: ["i-0bbbbbbbbbbbbbbb1"],
        secrets: { slack: SLACK_SECRET_ARN, opsgenie: named("ca-central-1", "ops/genie") },
        unused: [named("ca-central-1", "ops/ssh"), named("ca-central-1", "shared/slack")],
      },
    },
  },
];

describe.each(SETUPS)("IAM of $label", (setup) => {
  let tf: TfJson;
  let roles: Map<string, RoleWithPolicies>;
  const regionNames = Object.keys(setup.regions);
  const role = (region: string, part: string) => roleNamed(roles, `${setup.stack}-${region}-${part}`);
  const otherRegions = (region: string) => regionNames.filter((r) => r !== region);

  beforeAll(async () => {
    tf = await setup.synth();
    roles = rolesOf(tf);
  });

  it("gives every role exactly one inline policy and no managed or attached policy the simulation would miss", () => {
    const expected = regionNames.flatMap((r) =>
      [...FUNCTIONS, "workflow", "events"].map((p) => `${setup.stack}-${r}-${p}`),
    );
    expect([...roles.keys()].sort()).toEqual(expected.sort());
    for (const r of roles.values()) expect(r.policies).toHaveLength(1);
    expect(resources(tf, "aws_iam_role_policy_attachment")).toEqual([]);
    expect(resources(tf, "aws_iam_policy")).toEqual([]);
    for (const r of resources(tf, "aws_iam_role")) {
      expect(r.body.managed_policy_arns).toBeUndefined();
      expect(r.body.inline_policy).toBeUndefined();
    }
  });

  describe.each(regionNames)("in %s", (region) => {
    const { instances, secrets, unused } = setup.regions[region] ?? { instances: [], secrets: {} };

    it("lets the restart role reboot, stop and start each configured instance of its region", async () => {
      for (const id of instances) {
        for (const action of ["ec2:RebootInstances", "ec2:StopInstances", "ec2:StartInstances"]) {
          expect([
            action,
            id,
            await evaluate(role(region, "restart-instance"), action, instanceArn(region, id)),
          ]).toEqual([action, id, "Allowed"]);
        }
      }
    });

    it("denies the restart role any other instance, the same ids in other regions or accounts", async () => {
      const restart = role(region, "restart-instance");
      const strangers = [
        instanceArn(region, "i-0ffffffffffffffff"),
        ...instances.flatMap((id) => [
          ...otherRegions(region).map((r) => instanceArn(r, id)),
          instanceArn("eu-central-2", id),
          instanceArn(region, id, "210987654321"),
        ]),
      ];
      for (const arn of strangers) {
        expect([arn, await evaluate(restart, "ec2:RebootInstances", arn)]).toEqual([arn, "ImplicitlyDenied"]);
        expect([arn, await evaluate(restart, "ec2:StopInstances", arn)]).toEqual([arn, "ImplicitlyDenied"]);
      }
    });

    it("denies the restart role every other EC2 action that acts on an instance (terminate, modify, run, ...)", async () => {
      const restart = role(region, "restart-instance");
      const allowed = new Set(["ec2:RebootInstances", "ec2:StopInstances", "ec2:StartInstances"]);
      const others = (await actionsTaking("ec2", "instance")).filter((a) => !allowed.has(a));
      expect(others).toEqual(
        expect.arrayContaining(["ec2:TerminateInstances", "ec2:ModifyInstanceAttribute", "ec2:RunInstances"]),
      );
      for (const action of others) {
        for (const id of instances) {
          expect([action, await evaluate(restart, action, instanceArn(region, id))]).toEqual([
            action,
            "ImplicitlyDenied",
          ]);
        }
      }
    });

    it("lets the events role start only its region's state machine, and do nothing else to it", async () => {
      const events = role(region, "events");
      const own = machineArn(region, `${setup.stack}-${region}-remediation`);
      expect(await evaluate(events, "states:StartExecution", own)).toBe("Allowed");
      for (const r of otherRegions(region)) {
        const theirs = machineArn(r, `${setup.stack}-${r}-remediation`);
        expect([theirs, await evaluate(events, "states:StartExecution", theirs)]).toEqual([
          theirs,
          "ImplicitlyDenied",
        ]);
      }
      const stranger = machineArn(region, "someone-elses-machine");
      expect(await evaluate(events, "states:StartExecution", stranger)).toBe("ImplicitlyDenied");
      for (const action of await actionsTaking("states", "stateMachine")) {
        if (action === "states:StartExecution") continue;
        expect([action, await evaluate(events, action, own)]).toEqual([action, "ImplicitlyDenied"]);
      }
      expect(
        await evaluate(
          events,
          "lambda:InvokeFunction",
          functionArn(region, `${setup.stack}-${region}-url-check`),
        ),
      ).toBe("ImplicitlyDenied");
    });

    it("lets the state machine role invoke exactly its region's functions", async () => {
      const workflow = role(region, "workflow");
      for (const fn of FUNCTIONS) {
        const own = functionArn(region, `${setup.stack}-${region}-${fn}`);
        expect([fn, await evaluate(workflow, "lambda:InvokeFunction", own)]).toEqual([fn, "Allowed"]);
        for (const r of otherRegions(region)) {
          const theirs = functionArn(r, `${setup.stack}-${r}-${fn}`);
          expect([theirs, await evaluate(workflow, "lambda:InvokeFunction", theirs)]).toEqual([
            theirs,
            "ImplicitlyDenied",
          ]);
        }
        for (const action of await actionsTaking("lambda", "function")) {
          if (action === "lambda:InvokeFunction") continue;
          expect([action, await evaluate(workflow, action, own)]).toEqual([action, "ImplicitlyDenied"]);
        }
      }
      for (const stranger of [
        `${setup.stack}-${region}-evil`,
        "payroll",
        `${setup.stack}-${region}-url-check-2`,
      ]) {
        expect(await evaluate(workflow, "lambda:InvokeFunction", functionArn(region, stranger))).toBe(
          "ImplicitlyDenied",
        );
      }
    });

    it("lets the state machine role read and update items of its own lock table only, and restart nothing itself", async () => {
      const workflow = role(region, "workflow");
      const own = tableArn(region, `${setup.stack}-${region}-locks`);
      const granted = ["dynamodb:UpdateItem", "dynamodb:GetItem"];
      for (const action of granted) expect(await evaluate(workflow, action, own)).toBe("Allowed");
      for (const action of await actionsTaking("dynamodb", "table")) {
        if (granted.includes(action)) continue;
        expect([action, await evaluate(workflow, action, own)]).toEqual([action, "ImplicitlyDenied"]);
      }
      for (const r of otherRegions(region)) {
        const theirs = tableArn(r, `${setup.stack}-${r}-locks`);
        for (const action of granted)
          expect(await evaluate(workflow, action, theirs)).toBe("ImplicitlyDenied");
      }
      for (const id of instances) {
        expect(await evaluate(workflow, "ec2:RebootInstances", instanceArn(region, id))).toBe(
          "ImplicitlyDenied",
        );
      }
      expect(await evaluate(workflow, "ec2:DescribeInstanceStatus", "*")).toBe("Allowed");
    });

    it("lets each secret be read only by the one function that needs it", async () => {
      for (const [kind, arn] of Object.entries(secrets) as [SecretKind, string][]) {
        for (const part of [...FUNCTIONS, "workflow", "events"]) {
          const verdict = await evaluate(role(region, part), "secretsmanager:GetSecretValue", arn);
          expect([kind, part, verdict]).toEqual([
            kind,
            part,
            part === READER[kind] ? "Allowed" : "ImplicitlyDenied",
          ]);
        }
        // The reader may only read; describing or changing the secret is denied.
        for (const action of await actionsTaking("secretsmanager", "Secret")) {
          if (action === "secretsmanager:GetSecretValue") continue;
          expect([action, await evaluate(role(region, READER[kind]), action, arn)]).toEqual([
            action,
            "ImplicitlyDenied",
          ]);
        }
      }
    });

    it("grants no role a secret the region's instances do not use (e.g. the default SSH key where SSH is handshake-only)", async () => {
      for (const arn of unused ?? []) {
        for (const part of [...FUNCTIONS, "workflow", "events"]) {
          expect([
            part,
            arn,
            await evaluate(role(region, part), "secretsmanager:GetSecretValue", arn),
          ]).toEqual([part, arn, "ImplicitlyDenied"]);
        }
      }
    });

    it("matches a secret name only with AWS's 6-character suffix, never a longer name or another region", async () => {
      for (const [kind, arn] of Object.entries(secrets) as [SecretKind, string][]) {
        const reader = role(region, READER[kind]);
        const base = arn.slice(0, -"-AbCdEf".length);
        const lookalikes = [
          `${base}-extra-AbCdEf`, // a different secret whose name starts with this one's
          `${base}-AbCdE`, // 5 characters: not an ARN Secrets Manager makes for this name
          `${base}x-AbCdEf`,
          `${base}-AbCdEfG`,
          ...(arn === SLACK_SECRET_ARN
            ? []
            : otherRegions(region).map((r) => arn.replace(`:${region}:`, `:${r}:`))),
          arn.replace(`:${ACCOUNT_ID}:`, ":210987654321:"),
        ];
        for (const other of lookalikes) {
          expect([other, await evaluate(reader, "secretsmanager:GetSecretValue", other)]).toEqual([
            other,
            "ImplicitlyDenied",
          ]);
        }
        // Secrets Manager's suffix is random: any 6 characters of the name's real ARN match.
        expect(await evaluate(reader, "secretsmanager:GetSecretValue", `${base}-Zz9Yx8`)).toBe(
          arn === SLACK_SECRET_ARN ? "ImplicitlyDenied" : "Allowed",
        );
      }
    });
  });

  it('grants Resource "*" only for allow-listed actions, each with a written reason', () => {
    const wildcard = allPolicyStatements(tf).filter(({ statement }) =>
      asList(statement.Resource).includes("*"),
    );
    expect(wildcard.length).toBeGreaterThan(0);
    for (const { address, statement } of wildcard) {
      for (const action of asList(statement.Action)) {
        expect([address, action, action in WILDCARD_ALLOW_LIST]).toEqual([address, action, true]);
      }
    }
    for (const [action, reason] of Object.entries(WILDCARD_ALLOW_LIST)) {
      expect([action, reason.trim().length >= 20]).toEqual([action, true]);
    }
  });

  it("has no NotAction, NotResource or wildcard action in any policy", () => {
    for (const { address, statement } of allPolicyStatements(tf)) {
      expect([address, statement.NotAction, statement.NotResource]).toEqual([address, undefined, undefined]);
      for (const action of asList(statement.Action)) {
        expect([address, action]).not.toEqual([address, expect.stringMatching(/(^\*$|:\*$)/)]);
      }
    }
  });

  it("grants the Lambda VPC networking wildcard only to roles of functions that run in a VPC", () => {
    const vpcRoles = new Set(
      resources(tf, "aws_lambda_function")
        .filter((f) => f.body.vpc_config !== undefined)
        .map((f) => referencedAddress(f.body.role)),
    );
    for (const policy of resources(tf, "aws_iam_role_policy")) {
      const doc = JSON.parse(String(policy.body.policy)) as { Statement: { Action: string[] }[] };
      const grantsEni = doc.Statement.some((s) => s.Action.includes("ec2:CreateNetworkInterface"));
      expect([policy.address, grantsEni]).toEqual([
        policy.address,
        vpcRoles.has(referencedAddress(policy.body.role)),
      ]);
    }
  });
});

describe("the wildcard allow-list", () => {
  it("holds only actions IAM reference data marks as wildcard-only, except the pinned Lambda VPC ENI actions and PutMetricData", async () => {
    const narrowable: string[] = [];
    for (const action of Object.keys(WILDCARD_ALLOW_LIST)) {
      if (!(await isWildcardOnly(action))) narrowable.push(action);
    }

    // These four take a network-interface ARN, but Lambda creates the ENIs itself, so their ids
    // are unknown at deploy time; AWS's own AWSLambdaVPCAccessExecutionRole grants them on "*".
    // PutMetricData can name an OTLP "dataset"; metrics without one (ours) have no ARN to name, so
    // the statement is held to the FirstLine namespace by its condition instead.
    expect(narrowable.sort()).toEqual([
      "cloudwatch:PutMetricData",
      "ec2:AssignPrivateIpAddresses",
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:UnassignPrivateIpAddresses",
    ]);
    for (const action of narrowable.filter((a) => a.startsWith("ec2:"))) {
      expect(WILDCARD_ALLOW_LIST[action]).toMatch(/Lambda/);
    }
    expect(WILDCARD_ALLOW_LIST["cloudwatch:PutMetricData"]).toMatch(/cloudwatch:namespace condition/);
  });
});

describe("IAM of the kms options (DESIGN §4 kms)", () => {
  const SECRETS_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/11111111-2222-3333-4444-555555555555`;
  const EBS_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/66666666-7777-8888-9999-000000000000`;
  const OTHER_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;
  const VIA = (service: string, region = "eu-west-1") => ({
    "kms:ViaService": `${service}.${region}.amazonaws.com`,
  });
  /** The readers of the example's eu-west-1 (URL, Route 53, SSH with a key): chat, pager and SSH. */
  const READERS: readonly Fn[] = ["notify-chat", "escalate", "ssh-check"];
  let withKeys: Map<string, RoleWithPolicies>;
  let without: Map<string, RoleWithPolicies>;
  /** What IAM answers on a key whose policy is AWS's default (it delegates to IAM policies). */
  const onKey = (
    r: RoleWithPolicies,
    action: string,
    key: string,
    context: Readonly<Record<string, string>> = {},
  ) => evaluate(r, action, key, { context, resourcePolicy: DEFAULT_KEY_POLICY });
  const role = (roles: Map<string, RoleWithPolicies>, part: string) =>
    roleNamed(roles, `first-line-eu-west-1-${part}`);

  beforeAll(async () => {
    const raw = committedExample() as { regions: Record<string, Record<string, unknown>> };
    const eu = raw.regions["eu-west-1"] as Record<string, unknown>;
    eu.kms = { secretsKeyArns: [SECRETS_KEY], ebsKeyArns: [EBS_KEY] };
    withKeys = rolesOf(await synthConfig(raw));
    const { tf, cleanup } = await synthExample();
    cleanup();
    without = rolesOf(tf);
  });

  it("lets each secret reader decrypt with the secrets key only through Secrets Manager in the secret's region", async () => {
    for (const part of READERS) {
      const r = role(withKeys, part);
      expect([part, await onKey(r, "kms:Decrypt", SECRETS_KEY, VIA("secretsmanager"))]).toEqual([
        part,
        "Allowed",
      ]);
      // Directly, through another service or another region's Secrets Manager: denied.
      for (const context of [{}, VIA("s3"), VIA("secretsmanager", "us-east-1")]) {
        expect([part, context, await onKey(r, "kms:Decrypt", SECRETS_KEY, context)]).toEqual([
          part,
          context,
          "ImplicitlyDenied",
        ]);
      }
      expect(await onKey(r, "kms:Decrypt", OTHER_KEY, VIA("secretsmanager"))).toBe("ImplicitlyDenied");
      expect(await onKey(r, "kms:Encrypt", SECRETS_KEY, VIA("secretsmanager"))).toBe("ImplicitlyDenied");
    }
  });

  it("gives no other role the secrets key", async () => {
    for (const part of [...FUNCTIONS, "workflow", "events"].filter((p) => !READERS.includes(p as Fn))) {
      expect([
        part,
        await onKey(role(withKeys, part), "kms:Decrypt", SECRETS_KEY, VIA("secretsmanager")),
      ]).toEqual([part, "ImplicitlyDenied"]);
    }
  });

  it("lets the restart role create grants on the EBS key only for AWS resources (what StartInstances needs), nothing else", async () => {
    const restart = role(withKeys, "restart-instance");
    const forAws = { "kms:GrantIsForAWSResource": "true" };
    expect(await onKey(restart, "kms:CreateGrant", EBS_KEY, forAws)).toBe("Allowed");
    expect(await onKey(restart, "kms:CreateGrant", EBS_KEY, { "kms:GrantIsForAWSResource": "false" })).toBe(
      "ImplicitlyDenied",
    );
    expect(await onKey(restart, "kms:CreateGrant", EBS_KEY)).toBe("ImplicitlyDenied");
    expect(await onKey(restart, "kms:CreateGrant", OTHER_KEY, forAws)).toBe("ImplicitlyDenied");
    for (const action of ["kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey"]) {
      expect([action, await onKey(restart, action, EBS_KEY, VIA("ec2"))]).toEqual([
        action,
        "ImplicitlyDenied",
      ]);
    }
    for (const part of [...FUNCTIONS, "workflow", "events"].filter((p) => p !== "restart-instance")) {
      expect([part, await onKey(role(withKeys, part), "kms:CreateGrant", EBS_KEY, forAws)]).toEqual([
        part,
        "ImplicitlyDenied",
      ]);
    }
  });

  it("grants no KMS action at all without the kms block", async () => {
    for (const part of [...FUNCTIONS, "workflow", "events"]) {
      const r = role(without, part);
      expect([part, await onKey(r, "kms:Decrypt", SECRETS_KEY, VIA("secretsmanager"))]).toEqual([
        part,
        "ImplicitlyDenied",
      ]);
      expect([
        part,
        await onKey(r, "kms:CreateGrant", EBS_KEY, { "kms:GrantIsForAWSResource": "true" }),
      ]).toEqual([part, "ImplicitlyDenied"]);
    }
  });
});
