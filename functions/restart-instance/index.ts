import { EC2Client } from "@aws-sdk/client-ec2";
import { createRestartInstance } from "./restart";

// One client per region, built once per container. maxAttempts: 1 turns off the SDK's own
// retries: a Reboot/Stop/StartInstances request whose answer got lost may already have been
// accepted by EC2, and the workflow's contract is that an accepted restart is never sent
// twice. Retrying (on throttling only, which EC2 answers before acting) is the state
// machine's job, where it is visible in the execution history.
const clients = new Map<string, EC2Client>();

/** The container's EC2 client for a region (exported so tests can read its retry setting). */
export function ec2For(region: string): EC2Client {
  let client = clients.get(region);
  if (!client) {
    client = new EC2Client({ region, maxAttempts: 1 });
    clients.set(region, client);
  }
  return client;
}

/** Lambda entry: RestartEvent -> RestartResult, or PlanEvent -> PlanResult. */
export const handler = createRestartInstance({ ec2For });
