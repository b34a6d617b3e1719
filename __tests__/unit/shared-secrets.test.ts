import {
  DecryptionFailure,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { SecretUnavailableError } from "../../functions/shared/errors";
import { scrub } from "../../functions/shared/log";
import {
  createSecretReader,
  type SecretsClientFor,
  secretRegion,
  secretsManagerClients,
} from "../../functions/shared/secrets";
import { awsError, modeledAwsError } from "../../testkit/aws-errors";
import { networkError } from "../../testkit/network-errors";

const secretsManager = mockClient(SecretsManagerClient);
const ARN_US_EAST_1 = "arn:aws:secretsmanager:us-east-1:123456789012:secret:first-line/ssh-key-AbCdEf";

beforeEach(() => {
  secretsManager.reset();
});

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.catch((err: unknown) => err);
  expect(error).toBeInstanceOf(SecretUnavailableError);
  return error as Error;
}

/** An error Secrets Manager answered with a code its model does not list, as the SDK throws it. */
const serviceError = (name: string, message: string, httpStatusCode = 400, attempts = 1): Error =>
  awsError(SecretsManagerServiceException, name, message, { httpStatusCode, attempts });

describe("createSecretReader", () => {
  it("returns the secret's string value, asking for it by the given name or ARN", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: "opsgenie-key-0001" });
    const read = createSecretReader(secretsManagerClients());

    const value = await read("first-line/opsgenie-api-key");

    expect(value).toBe("opsgenie-key-0001");
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: "first-line/opsgenie-api-key",
    });
  });

  it("serves a second read of the same secret from its cache, without calling Secrets Manager", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: "opsgenie-key-0002" });
    const read = createSecretReader(secretsManagerClients());

    const first = await read("first-line/opsgenie-api-key");
    const second = await read("first-line/opsgenie-api-key");

    expect([first, second]).toEqual(["opsgenie-key-0002", "opsgenie-key-0002"]);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("caches per secret: a different name is read on its own", async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: "a" })
      .resolves({ SecretString: "value-of-a" })
      .on(GetSecretValueCommand, { SecretId: "b" })
      .resolves({ SecretString: "value-of-b" });
    const read = createSecretReader(secretsManagerClients());

    expect(await read("a")).toBe("value-of-a");
    expect(await read("b")).toBe("value-of-b");
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("reads the secret again once the cache entry is older than the ttl (picks up rotation)", async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: "before-rotation" })
      .resolves({ SecretString: "after-rotation" });
    let clock = 1_000_000;
    const read = createSecretReader(secretsManagerClients(), { ttlMs: 60_000, now: () => clock });

    const first = await read("s");
    clock += 60_000;
    const second = await read("s");

    expect([first, second]).toEqual(["before-rotation", "after-rotation"]);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("registers the value for log redaction", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: "never-log-me-7731" });
    const read = createSecretReader(secretsManagerClients());

    await read("s");

    expect(scrub("key=never-log-me-7731")).toBe("key=[redacted]");
  });

  it("throws SecretUnavailable for a secret without a string value, and does not cache the miss", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });
    const read = createSecretReader(secretsManagerClients());

    const error = await failureOf(read("binary"));
    await failureOf(read("binary"));

    expect(error.message).toBe(
      "Secrets Manager: secret binary has no string value; store the value as a plain string",
    );
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});

describe("createSecretReader: why a secret could not be read", () => {
  it.each([
    [
      "access denied",
      serviceError(
        "AccessDeniedException",
        "User: arn:aws:sts::123456789012:assumed-role/fl/ssh-check is not authorized to perform: secretsmanager:GetSecretValue",
      ),
      "Secrets Manager: secret first-line/ssh-key could not be read: access denied (AccessDeniedException); the function's role needs secretsmanager:GetSecretValue on it (and the secret's resource policy must allow it)",
    ],
    [
      "a customer-managed KMS key the role may not use",
      modeledAwsError(
        DecryptionFailure,
        "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
      ),
      "Secrets Manager: secret first-line/ssh-key could not be read: KMS could not decrypt (DecryptionFailure); the function's role needs kms:Decrypt on the secret's KMS key (kms.secretsKeyArns)",
    ],
    [
      "a secret that does not exist",
      modeledAwsError(ResourceNotFoundException, "Secrets Manager can't find the specified secret."),
      "Secrets Manager: secret first-line/ssh-key could not be read: not found (ResourceNotFoundException); create it, or fix the name or ARN in the configuration",
    ],
    [
      "throttling that outlasted the SDK's retries",
      serviceError("ThrottlingException", "Rate exceeded", 400, 3),
      "Secrets Manager: secret first-line/ssh-key could not be read: throttled (ThrottlingException) after 3 attempts",
    ],
    [
      "a 5xx answer",
      serviceError("InternalServiceError", "An error occurred on the server side.", 500, 3),
      "Secrets Manager: secret first-line/ssh-key could not be read: service error (InternalServiceError, HTTP 500) after 3 attempts",
    ],
    [
      "a network failure (a VPC without a route to Secrets Manager)",
      networkError("connect ETIMEDOUT 10.0.0.1:443", "ETIMEDOUT", 3),
      "Secrets Manager: secret first-line/ssh-key could not be read: connection to the endpoint timed out after 3 attempts",
    ],
    [
      "a TLS failure worded by Node 24",
      networkError(
        "self-signed certificate; if the root CA is installed locally, try running Node.js with --use-system-ca",
        "DEPTH_ZERO_SELF_SIGNED_CERT",
      ),
      "Secrets Manager: secret first-line/ssh-key could not be read: TLS error: self-signed certificate",
    ],
  ])("names %s by the AWS error, never by its message", async (_case, rejection, message) => {
    secretsManager.on(GetSecretValueCommand).rejects(rejection);
    const read = createSecretReader(secretsManagerClients());

    const error = await failureOf(read("first-line/ssh-key"));

    expect(error.name).toBe("SecretUnavailable");
    expect(error.message).toBe(message);
    expect(error.message).not.toContain(rejection.message);
  });

  it("does not cache a failure: the next read asks again", async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(serviceError("ThrottlingException", "Rate exceeded"))
      .resolves({ SecretString: "after-the-storm" });
    const read = createSecretReader(secretsManagerClients());

    await failureOf(read("s"));

    expect(await read("s")).toBe("after-the-storm");
  });
});

describe("secretRegion", () => {
  it.each([
    ["first-line/ssh-key", undefined],
    ["arn-looking-name", undefined],
    [ARN_US_EAST_1, "us-east-1"],
    ["arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:k-AbCdEf", "cn-north-1"],
    ["arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:k-AbCdEf", "us-gov-west-1"],
  ])("reads %s in %s (undefined: the function's own region)", (nameOrArn, region) => {
    expect(secretRegion(nameOrArn)).toBe(region);
  });
});

describe("secretsManagerClients", () => {
  it("builds one client per region on first use and reuses it", () => {
    const built: (string | undefined)[] = [];
    const clientFor = secretsManagerClients((region) => {
      built.push(region);
      return new SecretsManagerClient({});
    });

    expect(built).toEqual([]);
    const own = clientFor(undefined);
    const east = clientFor("us-east-1");

    expect(clientFor(undefined)).toBe(own);
    expect(clientFor("us-east-1")).toBe(east);
    expect(east).not.toBe(own);
    expect(built).toEqual([undefined, "us-east-1"]);
  });

  it("gives a client for an ARN's region that region, and a name's client the function's own", async () => {
    const clientFor = secretsManagerClients();

    const regionOf = (client: unknown) => (client as SecretsManagerClient).config.region();

    expect(await regionOf(clientFor("ap-southeast-2"))).toBe("ap-southeast-2");
    expect(await regionOf(clientFor(undefined))).toBe(process.env.AWS_REGION);
  });
});

describe("createSecretReader: regions", () => {
  it("reads an ARN through its region's client and a name through the function's own", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: "value" });
    const asked: (string | undefined)[] = [];
    const clients = secretsManagerClients();
    const clientFor: SecretsClientFor = (region) => {
      asked.push(region);
      return clients(region);
    };
    const read = createSecretReader(clientFor);

    await read(ARN_US_EAST_1);
    await read("first-line/ssh-key");

    expect(asked).toEqual(["us-east-1", undefined]);
  });

  it("names the ARN's region when that region refuses", async () => {
    secretsManager.on(GetSecretValueCommand).rejects(serviceError("AccessDeniedException", "denied"));
    const read = createSecretReader(secretsManagerClients());

    const error = await failureOf(read(ARN_US_EAST_1));

    expect(error.message).toMatch(
      new RegExp(`^Secrets Manager: secret ${ARN_US_EAST_1} in us-east-1 could not be read: access denied`),
    );
  });
});
