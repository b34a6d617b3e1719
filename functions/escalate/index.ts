import { createSecretReader, secretsManagerClients } from "../shared/secrets";
import { createEscalate } from "./escalate";

// Built once per container: a warm function reuses the clients' connections and the secret cache;
// a secret ARN in another region is read through a client of that region, built on first use.
const readSecret = createSecretReader(secretsManagerClients());

/** Lambda entry: NotificationEvent in, NotificationResult out; errors are named for the workflow's Catch. */
export const handler = createEscalate({ readSecret, fetch });
