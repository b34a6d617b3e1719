/**
 * The committed example configuration as the on-call commands' tests deploy it on the stand-in:
 * the resolved configuration, its instances by where the example configures them, and the
 * operator the stand-in says is calling (what pause records as `pausedBy`, drill as the reason).
 */
import { parseConfig } from "../stacks/config";
import { committedExample } from "./synth";

export const EXAMPLE_CONFIG = parseConfig(committedExample());

/** The example's instances: eu-west-1's, us-east-1's two, ap-southeast-2's. */
export const EXAMPLE_INSTANCES = {
  eu: "i-0123456789abcdef0",
  usA: "i-0a1b2c3d4e5f60718",
  usB: "i-0fedcba9876543210",
  au: "i-0123456789abcdef1",
} as const;

/** The caller the stand-in answers GetCallerIdentity with (its own account's user). */
export const OPERATOR = "arn:aws:iam::123456789012:user/first-line-test";

// The ids above are spelled out in the tests' expected messages: fail here, naming the id, when
// the example moves one rather than in a dozen messages.
const where: Readonly<Record<keyof typeof EXAMPLE_INSTANCES, string>> = {
  eu: "eu-west-1",
  usA: "us-east-1",
  usB: "us-east-1",
  au: "ap-southeast-2",
};
for (const [key, id] of Object.entries(EXAMPLE_INSTANCES)) {
  const region = where[key as keyof typeof EXAMPLE_INSTANCES];
  const configured = EXAMPLE_CONFIG.regions
    .find((r) => r.name === region)
    ?.instances.some((i) => i.settings.instanceId === id);
  if (!configured) throw new Error(`the committed example no longer configures ${id} in ${region}`);
}
