/**
 * Fleet configurations of any size (N accounts x M regions, either layout), built from the
 * committed example: its defaults, backend and first instance, repeated with distinct instance
 * ids. For scale tests and the bench, which must measure the same shapes.
 */
import { AWS_REGIONS } from "../stacks/config/regions";
import { committedExample } from "./synth";

/** The size and layout of a generated fleet. */
export interface FleetShape {
  /** Accounts `acct-1`..`acct-N`; 0 puts the regions at the top level (no `accounts`). */
  readonly accounts: number;
  /** The first M of the commercial regions (opt-in ones included), in every account. */
  readonly regions: number;
  /** @default "single" */
  readonly layout?: "single" | "per-region";
}

/** The account id of generated account `index` (1-based): 12 digits. */
export function fleetAccountId(index: number): string {
  return String(100_000_000_000 + index);
}

/** A valid configuration of the given shape; per-region fleets keep one S3 key per stack. */
export function fleetConfigOf(shape: FleetShape): Record<string, unknown> {
  const { regions: exampleRegions, ...example } = committedExample() as Record<string, unknown> & {
    regions: Record<string, { instances: unknown[] }>;
  };
  const template = exampleRegions["eu-west-1"]?.instances[0] as Record<string, unknown>;
  if (shape.regions > AWS_REGIONS.length) throw new Error(`at most ${AWS_REGIONS.length} regions`);
  const regionsOf = (account: number) =>
    Object.fromEntries(
      AWS_REGIONS.slice(0, shape.regions).map((region, r) => [
        region,
        {
          instances: [{ ...template, instanceId: `i-${(account * 256 + r).toString(16).padStart(17, "0")}` }],
        },
      ]),
    );
  const layout = shape.layout ?? "single";
  const backend = example.backend as Record<string, unknown>;
  const config: Record<string, unknown> = {
    ...example,
    layout,
    ...(layout === "per-region"
      ? { backend: { ...backend, key: "first-line/{stack}/terraform.tfstate" } }
      : {}),
  };
  if (shape.accounts === 0) return { ...config, regions: regionsOf(0) };
  const accounts: Record<string, unknown> = {};
  for (let a = 1; a <= shape.accounts; a++) {
    const accountId = fleetAccountId(a);
    accounts[`acct-${a}`] = {
      accountId,
      roleArn: `arn:aws:iam::${accountId}:role/first-line-deploy`,
      regions: regionsOf(a),
    };
  }
  return { ...config, accounts };
}
