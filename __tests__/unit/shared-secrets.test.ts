import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { SecretUnavailableError } from "../../functions/shared/errors";
import { scrub } from "../../functions/shared/log";
import { createSecretReader } from "../../functions/shared/secrets";

const secretsManager = mockClient(SecretsManagerClient);

beforeEach(() => {
  secretsManager.reset();
});

describe("createSecretReader", () => {
  it("returns the secret's string value, asking for it by the given name or ARN", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: "opsgenie-key-0001" });
    const read = createSecretReader(new SecretsManagerClient({}));

    const value = await read("first-line/opsgenie-api-key");

    expect(value).toBe("opsgenie-key-0001");
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: "first-line/opsgenie-api-key",
    });
  });

  it("serves a second read of the same secret from its cache, without calling Secrets Manager", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: "opsgenie-key-0002" });
    const read = createSecretReader(new SecretsManagerClient({}));

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
    const read = createSecretReader(new SecretsManagerClient({}));

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
    const read = createSecretReader(new SecretsManagerClient({}), { ttlMs: 60_000, now: () => clock });

    const first = await read("s");
    clock += 60_000;
    const second = await read("s");

    expect([first, second]).toEqual(["before-rotation", "after-rotation"]);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("registers the value for log redaction", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: "never-log-me-7731" });
    const read = createSecretReader(new SecretsManagerClient({}));

    await read("s");

    expect(scrub("key=never-log-me-7731")).toBe("key=[redacted]");
  });

  it("throws SecretUnavailable naming the secret when Secrets Manager refuses", async () => {
    secretsManager.on(GetSecretValueCommand).rejects(
      Object.assign(new Error("Secrets Manager can't find the specified secret."), {
        name: "ResourceNotFoundException",
      }),
    );
    const read = createSecretReader(new SecretsManagerClient({}));

    const error = await read("first-line/missing").catch((err: unknown) => err);

    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect((error as Error).name).toBe("SecretUnavailable");
    expect((error as Error).message).toBe(
      "secret first-line/missing could not be read: Secrets Manager can't find the specified secret.",
    );
  });

  it("throws SecretUnavailable for a secret without a string value, and does not cache the miss", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });
    const read = createSecretReader(new SecretsManagerClient({}));

    await expect(read("binary")).rejects.toThrow("secret binary has no string value");
    await expect(read("binary")).rejects.toBeInstanceOf(SecretUnavailableError);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
