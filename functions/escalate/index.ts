import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createSecretReader } from "../shared/secrets";
import { createEscalate } from "./escalate";

// Built once per container: a warm function reuses the client's connections and the secret cache.
const readSecret = createSecretReader(new SecretsManagerClient({}));

/** Lambda entry: NotificationEvent in, NotificationResult out; errors are named for the workflow's Catch. */
export const handler = createEscalate({ readSecret, fetch });
