import { fleetNotes, parseConfig, stacksOf } from "../../stacks/config";
import { configWith, fleetConfig, minimalConfig, problemsOf } from "../fixtures/config/helpers";

const PROD = "accounts.prod";
const STAGING = "accounts.staging";

/** The 2 x 2 fleet after `changes` (dotted paths, `undefined` deletes). */
function fleetWith(changes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return configWith(changes, fleetConfig());
}

/** The minimal one-region config after `changes`. */
function minimalWith(changes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return configWith(changes, minimalConfig());
}

const INSTANCE = { instanceId: "i-0123456789abcdef0", url: "https://eu.example.com/health" };

describe("accounts: accepted", () => {
  it("resolves the 2 x 2 fleet into one flat list of regions sorted by key, each with its account", () => {
    const config = parseConfig(fleetConfig());
    expect(config.layout).toBe("per-region");
    expect(config.accounts).toEqual([
      {
        name: "prod",
        accountId: "111111111111",
        roleArn: "arn:aws:iam::111111111111:role/first-line-deploy",
      },
      {
        name: "staging",
        accountId: "222222222222",
        roleArn: "arn:aws:iam::222222222222:role/ci/first-line-deploy",
        externalId: "first-line-staging",
      },
    ]);
    expect(config.regions.map((r) => [r.key, r.name, r.account?.name])).toEqual([
      ["prod-eu-west-1", "eu-west-1", "prod"],
      ["prod-us-east-1", "us-east-1", "prod"],
      ["staging-eu-west-1", "eu-west-1", "staging"],
      ["staging-us-east-1", "us-east-1", "staging"],
    ]);
    expect(config.regions[0]?.account).toBe(config.accounts[0]);
  });

  it("gives regions without accounts their name as key, no account, and an empty account list", () => {
    const config = parseConfig(minimalConfig());
    expect(config.layout).toBe("single");
    expect(config.accounts).toEqual([]);
    expect(config.regions.map((r) => [r.key, r.account])).toEqual([["eu-west-1", undefined]]);
  });

  it("sorts regions by key whatever the order of accounts and regions in the file", () => {
    const raw = fleetConfig() as { accounts: Record<string, { regions: Record<string, unknown> }> };
    const reversed = Object.fromEntries(
      Object.entries(raw.accounts)
        .reverse()
        .map(([name, account]) => [
          name,
          { ...account, regions: Object.fromEntries(Object.entries(account.regions).reverse()) },
        ]),
    );
    const config = parseConfig({ ...raw, accounts: reversed });
    expect(config.regions.map((r) => r.key)).toEqual(parseConfig(fleetConfig()).regions.map((r) => r.key));
  });

  it("accepts the same instance id in two accounts (each account has its own instances)", () => {
    const raw = fleetWith({ [`${STAGING}.regions.eu-west-1.instances.0.instanceId`]: "i-0123456789abcdef0" });
    const ids = parseConfig(raw).regions.flatMap((r) =>
      r.instances.map((i) => `${r.key}/${i.settings.instanceId}`),
    );
    expect(ids).toContain("prod-eu-west-1/i-0123456789abcdef0");
    expect(ids).toContain("staging-eu-west-1/i-0123456789abcdef0");
  });

  it("accepts account names of 1 and 16 characters and a role with a path", () => {
    const raw = fleetWith({
      [`${PROD}.roleArn`]: "arn:aws:iam::111111111111:role/platform/ci/first-line+deploy@eu",
    }) as { accounts: Record<string, unknown> };
    const { prod, staging } = raw.accounts;
    raw.accounts = { p: prod, "staging-eu-cent1": staging };
    expect(parseConfig(raw).accounts.map((a) => a.name)).toEqual(["p", "staging-eu-cent1"]);
  });
});

describe("accounts: rejected", () => {
  it("rejects top-level regions together with accounts, and neither of them", () => {
    expect(problemsOf(fleetWith({ regions: { "eu-west-1": { instances: [INSTANCE] } } }))).toEqual([
      'regions: cannot be combined with "accounts": move each region under the account it deploys to (accounts.<name>.regions), or remove "accounts"',
    ]);
    expect(problemsOf(minimalWith({ regions: undefined }))).toEqual([
      'regions: required: list the regions, e.g. { "eu-west-1": { "instances": [...] } }, or use "accounts" to deploy to several AWS accounts',
    ]);
  });

  it("rejects account names that cannot be part of an alias or stack name, suggesting the lower-case form", () => {
    const raw = fleetConfig() as { accounts: Record<string, unknown> };
    const { prod, staging } = raw.accounts;
    raw.accounts = { Prod: prod, "1staging": staging };
    expect(problemsOf(raw)).toEqual([
      'accounts.Prod: account name "Prod" is not 1-16 characters of a lower-case letter followed by lower-case letters, digits or dashes (did you mean "prod"?); it becomes part of provider aliases and stack names',
      'accounts.1staging: account name "1staging" is not 1-16 characters of a lower-case letter followed by lower-case letters, digits or dashes; it becomes part of provider aliases and stack names',
    ]);
    raw.accounts = { "staging-eu-central": staging };
    expect(problemsOf(raw)).toHaveLength(1);
  });

  it("rejects malformed account ids (a number too, which loses leading zeros), role ARNs and external ids", () => {
    expect(
      problemsOf(
        fleetWith({
          [`${PROD}.accountId`]: "11111111111",
          [`${STAGING}.accountId`]: 222222222222,
          [`${PROD}.roleArn`]: "arn:aws:iam::111111111111:user/deploy",
          [`${STAGING}.externalId`]: "x",
        }),
      ),
    ).toEqual([
      'accounts.prod.accountId: "11111111111" is not an AWS account id (12 digits, e.g. "123456789012")',
      'accounts.prod.roleArn: "arn:aws:iam::111111111111:user/deploy" is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)',
      "accounts.staging.accountId: expected the account id as a string of 12 digits (a number loses leading zeros), got 222222222222",
      'accounts.staging.externalId: "x" is not an STS external id (2-1224 characters: letters, digits and _+=,.@:/-)',
    ]);
  });

  it("rejects a role in another account, naming both accounts", () => {
    expect(
      problemsOf(fleetWith({ [`${STAGING}.roleArn`]: "arn:aws:iam::111111111111:role/first-line-deploy" })),
    ).toEqual([
      "accounts.staging.roleArn: the role is in account 111111111111, but this account's accountId is 222222222222; name a role in 222222222222 (its providers assume the role and accept only account 222222222222), or correct accountId",
    ]);
  });

  it("rejects one AWS account listed under two names", () => {
    expect(
      problemsOf(
        fleetWith({
          [`${STAGING}.accountId`]: "111111111111",
          [`${STAGING}.roleArn`]: "arn:aws:iam::111111111111:role/first-line-deploy",
        }),
      ),
    ).toEqual([
      'accounts.staging.accountId: "111111111111" is already accounts.prod.accountId; list each AWS account once (merge the two accounts\' regions)',
    ]);
  });

  it("rejects the same instance twice in one account, even in two of its regions", () => {
    expect(
      problemsOf(fleetWith({ [`${PROD}.regions.us-east-1.instances.0.instanceId`]: "i-0123456789abcdef0" })),
    ).toEqual([
      'accounts.prod.regions.us-east-1.instances[0].instanceId: duplicate instance "i-0123456789abcdef0", already configured at accounts.prod.regions.eu-west-1.instances[0].instanceId; an instance may appear once (remove one of them)',
    ]);
  });

  it("checks an account's regions like top-level ones: region names, at least one region, unknown keys", () => {
    const raw = fleetWith({
      [`${STAGING}.regions.eu-wset-1`]: {
        instances: [{ instanceId: "i-0eeeeeeeeeeeeeeee", url: "https://x.example.com" }],
      },
      [`${PROD}.regions`]: {},
      [`${PROD}.region`]: "eu-west-1",
    });
    expect(problemsOf(raw)).toEqual([
      'accounts.prod.regions: list at least one region, e.g. { "eu-west-1": { "instances": [...] } }',
      'accounts.prod.region: unknown key (did you mean "regions"?)',
      'accounts.staging.regions.eu-wset-1: unknown AWS region "eu-wset-1" (did you mean "eu-west-1"?); region keys are AWS commercial region names such as "eu-west-1"',
    ]);
  });

  it("rejects an empty accounts object and account keys outside an account, saying where they belong", () => {
    expect(problemsOf(fleetWith({ accounts: {} }))).toEqual([
      'accounts: list at least one account, e.g. { "prod": { "accountId": "123456789012", "roleArn": "arn:aws:iam::123456789012:role/first-line-deploy", "regions": { ... } } }',
    ]);
    expect(problemsOf(minimalWith({ roleArn: "arn:aws:iam::111111111111:role/x" }))).toEqual([
      "roleArn: only allowed in an account (accounts.<name>.roleArn)",
    ]);
  });

  it("names missing notification secrets at the account's region", () => {
    const raw = fleetWith({
      "defaults.notifications.slackWebhookSecret": undefined,
      [`${PROD}.regions.eu-west-1.notifications`]: { slackWebhookSecret: "prod/slack" },
      [`${PROD}.regions.us-east-1.notifications.slackWebhookSecret`]: "prod/slack",
      [`${STAGING}.regions.us-east-1.notifications`]: { slackWebhookSecret: "staging/slack" },
    });
    // Only staging's eu-west-1 lacks it: reported there, once, whatever the secret's wording.
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^accounts\.staging\.regions\.eu-west-1\.notifications\.\w+: required/);
  });
});

describe("layout", () => {
  it("defaults to single and rejects values it does not know", () => {
    expect(parseConfig(minimalConfig()).layout).toBe("single");
    expect(problemsOf(fleetWith({ layout: "per-account" }))).toEqual([
      'layout: expected one of "single", "per-region", got "per-account"',
    ]);
  });
});

describe("backend placeholders", () => {
  it("give every per-region stack its own S3 key", () => {
    expect(stacksOf(parseConfig(fleetConfig())).map((s) => [s.name, s.backend])).toEqual(
      ["prod-eu-west-1", "prod-us-east-1", "staging-eu-west-1", "staging-us-east-1"].map((key) => [
        `first-line-${key}`,
        {
          type: "s3",
          bucket: "acme-tfstate",
          key: `first-line/first-line-${key}/terraform.tfstate`,
          region: "eu-central-1",
        },
      ]),
    );
  });

  it("give every per-region stack its own cloud workspace in the configured project, from {account} and {region} too", () => {
    const config = parseConfig(
      fleetWith({
        backend: {
          type: "cloud",
          organization: "acme",
          workspace: "fl_{account}_{region}",
          project: "platform",
        },
      }),
    );
    expect(stacksOf(config).map((s) => s.backend)).toEqual(
      ["prod_eu-west-1", "prod_us-east-1", "staging_eu-west-1", "staging_us-east-1"].map((suffix) => ({
        type: "cloud",
        organization: "acme",
        workspace: `fl_${suffix}`,
        project: "platform",
      })),
    );
  });

  it("name per-region stacks <stackName>-<region> without accounts, each with exactly its region", () => {
    const raw = configWith({ layout: "per-region", "backend.key": "state/{region}.tfstate" });
    const stacks = stacksOf(parseConfig(raw));
    expect(
      stacks.map((s) => [s.name, s.regions.map((r) => r.key), s.backend.type === "s3" && s.backend.key]),
    ).toEqual([
      ["first-line-ap-southeast-2", ["ap-southeast-2"], "state/ap-southeast-2.tfstate"],
      ["first-line-eu-west-1", ["eu-west-1"], "state/eu-west-1.tfstate"],
      ["first-line-us-east-1", ["us-east-1"], "state/us-east-1.tfstate"],
    ]);
  });

  it("are substituted once in the single layout: {stack} is the stack name; one stack holds every region", () => {
    const stacks = stacksOf(
      parseConfig(fleetWith({ layout: "single", "backend.key": "tf/{stack}.tfstate" })),
    );
    expect(stacks).toHaveLength(1);
    expect(stacks[0]?.name).toBe("first-line");
    expect(stacks[0]?.backend).toMatchObject({ key: "tf/first-line.tfstate" });
    expect(stacks[0]?.regions.map((r) => r.key)).toEqual([
      "prod-eu-west-1",
      "prod-us-east-1",
      "staging-eu-west-1",
      "staging-us-east-1",
    ]);
    // A key without placeholders stays exactly as written.
    expect(stacksOf(parseConfig(minimalConfig()))[0]?.backend).toEqual(minimalConfig().backend);
  });

  it.each([
    {
      rejects:
        "a per-region state name that puts two stacks on one state, naming them and the fix: a fixed key",
      raw: fleetWith({ "backend.key": "first-line/terraform.tfstate" }),
      problems: [
        'backend.key: "first-line/terraform.tfstate" puts 4 per-region stacks on shared state (first-line-prod-eu-west-1, first-line-prod-us-east-1, first-line-staging-eu-west-1 and 1 more would all use "first-line/terraform.tfstate"); each stack needs its own state: put {stack} in it (e.g. "first-line/{stack}/terraform.tfstate")',
      ],
    },
    {
      rejects:
        "a per-region state name that puts two stacks on one state, naming them and the fix: {region} without {account}",
      raw: fleetWith({ "backend.key": "fl/{region}.tfstate" }),
      problems: [
        'backend.key: "fl/{region}.tfstate" puts 4 per-region stacks on shared state (first-line-prod-eu-west-1 and first-line-staging-eu-west-1 would all use "fl/eu-west-1.tfstate"); each stack needs its own state: put {stack} in it (e.g. "fl/{stack}.tfstate")',
      ],
    },
    {
      rejects: "a per-region state name that would be shared once a region is added",
      raw: minimalWith({ layout: "per-region", "backend.key": "fl.tfstate" }),
      problems: [
        'backend.key: "fl.tfstate" has no {stack} or {region}, so a second region would share this stack\'s state; in the per-region layout each stack needs its own state: put {stack} in it (e.g. "{stack}/fl.tfstate")',
      ],
    },
    {
      rejects: "a per-region state name that would be shared once an account is added",
      // No region is in both accounts yet, so no two stacks collide today.
      raw: fleetWith({
        "backend.key": "fl/{region}.tfstate",
        [`${PROD}.regions.us-east-1`]: undefined,
        [`${STAGING}.regions.eu-west-1`]: undefined,
      }),
      problems: [
        'backend.key: "fl/{region}.tfstate" has {region} but no {account}, so the same region in a second account would share its state; add {account}, or put {stack} in it (e.g. "fl/{stack}.tfstate")',
      ],
    },
    {
      rejects: "{region} and {account} in the single layout, whose one stack has no one value for them",
      raw: fleetWith({ layout: "single", "backend.key": "fl/{account}/{region}.tfstate" }),
      problems: [
        'backend.key: {account} has no one value in the single layout (its one stack holds every account); use {stack} or a fixed key, or set "layout": "per-region" to give each account x region its own state',
        'backend.key: {region} has no one value in the single layout (its one stack holds every region); use {stack} or a fixed key, or set "layout": "per-region" to give each region its own state',
      ],
    },
    {
      rejects: "{account} without accounts and placeholders they do not know",
      raw: minimalWith({ layout: "per-region", "backend.key": "fl/{account}/{regoin}.tfstate" }),
      problems: [
        'backend.key: {account} needs "accounts"; without accounts, remove it',
        'backend.key: unknown placeholder {regoin} (did you mean "region"?); the state name may contain {stack}, {account} and {region}',
      ],
    },
    {
      rejects: "a cloud workspace name HCP Terraform would refuse once placeholders are filled in",
      raw: fleetWith({ backend: { type: "cloud", organization: "acme", workspace: "first line {stack}" } }),
      problems: [
        'backend.workspace: gives "first line first-line-prod-eu-west-1" for stack first-line-prod-eu-west-1, which is not an HCP Terraform workspace name (1-90 letters, digits, - and _)',
      ],
    },
  ])("reject $rejects", ({ raw, problems }) => {
    expect(problemsOf(raw)).toEqual(problems);
  });

  it("are reported with every other problem in one error", () => {
    expect(
      problemsOf(
        fleetWith({
          "backend.key": "fixed.tfstate",
          [`${PROD}.accountId`]: "1",
          [`${STAGING}.roleArn`]: "arn:aws:iam::111111111111:role/x",
          "defaults.alarm.treshold": 1,
        }),
      ),
    ).toEqual([
      'defaults.alarm.treshold: unknown key (did you mean "threshold"?)',
      'accounts.prod.accountId: "1" is not an AWS account id (12 digits, e.g. "123456789012")',
      "accounts.staging.roleArn: the role is in account 111111111111, but this account's accountId is 222222222222; name a role in 222222222222 (its providers assume the role and accept only account 222222222222), or correct accountId",
      'backend.key: "fixed.tfstate" puts 4 per-region stacks on shared state (first-line-prod-eu-west-1, first-line-prod-us-east-1, first-line-staging-eu-west-1 and 1 more would all use "fixed.tfstate"); each stack needs its own state: put {stack} in it (e.g. "{stack}/fixed.tfstate")',
    ]);
  });
});

describe("opt-in regions", () => {
  it("are accepted, with a note naming each account that must enable them", () => {
    const raw = fleetWith({
      [`${PROD}.regions.af-south-1`]: {
        instances: [{ instanceId: "i-0f0f0f0f0f0f0f0f0", url: "https://za.example.com" }],
      },
      [`${STAGING}.regions.af-south-1`]: {
        instances: [{ instanceId: "i-0f0f0f0f0f0f0f0f0", url: "https://za.example.com" }],
      },
      [`${STAGING}.regions.me-south-1`]: {
        instances: [{ instanceId: "i-0e0e0e0e0e0e0e0e0", url: "https://bh.example.com" }],
      },
    });
    expect(fleetNotes(parseConfig(raw))).toEqual([
      "af-south-1 is an opt-in region: it must be enabled in account prod (111111111111), account staging (222222222222) before deploying (console: Account > AWS Regions; or aws account enable-region --region-name af-south-1)",
      "me-south-1 is an opt-in region: it must be enabled in account staging (222222222222) before deploying (console: Account > AWS Regions; or aws account enable-region --region-name me-south-1)",
    ]);
  });

  it("note the target account without accounts, and nothing for regions enabled by default", () => {
    expect(fleetNotes(parseConfig(minimalConfig()))).toEqual([]);
    expect(
      fleetNotes(
        parseConfig(
          minimalWith({ "regions.ap-east-1": { instances: [INSTANCE] }, "regions.eu-west-1": undefined }),
        ),
      ),
    ).toEqual([
      "ap-east-1 is an opt-in region: it must be enabled in the target account before deploying (console: Account > AWS Regions; or aws account enable-region --region-name ap-east-1)",
    ]);
  });
});
