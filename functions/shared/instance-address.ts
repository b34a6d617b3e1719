/**
 * Where a check dials an instance (DESIGN §3 SSH, TCP): the configured host, or the instance's
 * public IP (private IP when the function runs in the VPC) looked up with DescribeInstances.
 * EC2 failing to answer is "could not ask" (DESIGN §3.6), never the instance's fault.
 */
import { DescribeInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { DEPENDENCIES } from "../../contract/workflow";
import { unavailableReason, type Verdict } from "./check-result";
import { describeAwsError } from "./error-text";

/** Where the address came from, so a reader of the result knows what was dialled. */
export type HostSource = "settings" | "public-ip" | "private-ip";

export type HostLookup =
  | { readonly ok: true; readonly host: string; readonly source: HostSource }
  | { readonly ok: false; readonly verdict: Verdict; readonly reason: string };

/** What the lookup needs to know about the check's settings. */
export interface AddressSettings {
  readonly host?: string;
  readonly inVpc: boolean;
}

export async function instanceAddress(
  instanceId: string,
  settings: AddressSettings,
  ec2: Pick<EC2Client, "send">,
): Promise<HostLookup> {
  if (settings.host) return { ok: true, host: settings.host, source: "settings" };
  const kind = settings.inVpc ? "private" : "public";
  const unavailable = (text: string): HostLookup => ({
    ok: false,
    verdict: "unavailable",
    reason: unavailableReason(DEPENDENCIES.describeInstances, text),
  });
  let ip: string | undefined;
  try {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const instance = (out.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .find((i) => i.InstanceId === instanceId);
    // An instance EC2 does not know cannot be restarted either: people must look, so this is
    // `unavailable` (escalated, no restart), like EC2 answering InvalidInstanceID.NotFound.
    if (!instance) return unavailable(`instance ${instanceId} not found`);
    ip = settings.inVpc ? instance.PrivateIpAddress : instance.PublicIpAddress;
  } catch (err) {
    return unavailable(`lookup of ${instanceId} failed: ${describeAwsError(err)}`);
  }
  // A known instance without the address is the instance's own state (stopped, or its public
  // IP released): a failed check.
  if (!ip)
    return { ok: false, verdict: "failed", reason: `instance ${instanceId} has no ${kind} IP address` };
  return { ok: true, host: ip, source: settings.inVpc ? "private-ip" : "public-ip" };
}
