import { findRegion, regionWorkflow } from "../../scripts/lib/region-workflow";
import { resolveRequest, UsageError } from "../../scripts/lib/simulate";
import { parseConfig } from "../../stacks/config";
import { thrownBy } from "../../testkit/thrown";
import { exampleConfig, fleetConfig } from "../fixtures/config/helpers";

const example = parseConfig(exampleConfig());
const fleet = parseConfig(fleetConfig());

describe("finding a region", () => {
  it("finds it by name without accounts, and lists the region names for an unknown one", () => {
    expect(findRegion(example, "us-east-1").key).toBe("us-east-1");
    const error = thrownBy(UsageError, () => findRegion(example, "eu-west-2"));
    expect(error.message).toBe('unknown region "eu-west-2"');
    expect(error.choices).toEqual(["ap-southeast-2", "eu-west-1", "us-east-1"]);
  });

  it("refuses an account when the configuration has none", () => {
    expect(thrownBy(UsageError, () => findRegion(example, "eu-west-1", "prod")).message).toBe(
      'the configuration has no accounts; leave out the account ("prod")',
    );
  });

  it("refuses a region two accounts deploy unless the account is named, listing both", () => {
    const error = thrownBy(UsageError, () => findRegion(fleet, "eu-west-1"));
    expect(error.message).toBe('region "eu-west-1" is in 2 accounts; name the account');
    expect(error.choices).toEqual([
      "--account prod --region eu-west-1",
      "--account staging --region eu-west-1",
    ]);
    expect(findRegion(fleet, "eu-west-1", "staging").key).toBe("staging-eu-west-1");
  });

  it("needs no account for a region only one account deploys", () => {
    const raw = fleetConfig() as { accounts: { staging: { regions: Record<string, unknown> } } };
    delete raw.accounts.staging.regions["us-east-1"];
    expect(findRegion(parseConfig(raw), "us-east-1").key).toBe("prod-us-east-1");
  });

  it("lists every account's regions when the account has no such region", () => {
    const error = thrownBy(UsageError, () => findRegion(fleet, "ap-southeast-2", "prod"));
    expect(error.message).toBe('no region "ap-southeast-2" in account "prod"');
    expect(error.choices).toHaveLength(4);
  });
});

describe("a region's workflow", () => {
  it("is built for the account's region, with the names the stack gives it", () => {
    const workflow = regionWorkflow(fleet, "us-east-1", "staging");
    expect(workflow.region.account?.name).toBe("staging");
    expect(workflow.region.instances.map((i) => i.settings.instanceId)).toEqual(["i-0dddddddddddddddd"]);
    expect(workflow.lockTableName).toBe("first-line-us-east-1-locks");
  });
});

describe("npm run simulate's request", () => {
  it("takes the account, and refuses an ambiguous region as a usage error listing the choices", () => {
    const request = {
      config: fleet,
      region: "eu-west-1",
      instance: "i-0cccccccccccccccc",
      scenario: "healthy",
    };
    expect(resolveRequest({ ...request, account: "staging" }).region.key).toBe("staging-eu-west-1");
    expect(() => resolveRequest(request)).toThrow(UsageError);
    expect(() => resolveRequest(request)).toThrow(
      expect.objectContaining({
        choices: ["--account prod --region eu-west-1", "--account staging --region eu-west-1"],
      }),
    );
  });
});
