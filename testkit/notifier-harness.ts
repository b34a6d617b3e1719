/**
 * What a test of a notify function (notify-chat, escalate) runs it among: a capture server
 * standing in for its chat or pager service, Secrets Manager (mocked) holding the service's
 * secret, and the deps its Lambda entry builds it with (the real secret reader, so its cache and
 * redaction are exercised), with the function's log lines kept for assertions.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { AwsClientStub } from "aws-sdk-client-mock";
import type { Fetch } from "../functions/shared/http";
import type { NotifierDeps } from "../functions/shared/notifier";
import { createSecretReader, secretsManagerClients } from "../functions/shared/secrets";
import { type CaptureServer, type CaptureServerOptions, startCaptureServer } from "./capture-server";
import { jsonLines } from "./log-lines";

export interface NotifierHarnessOptions {
  /** The test file's Secrets Manager mock (`mockClient(SecretsManagerClient)`, one per file). */
  readonly secretsManager: AwsClientStub<SecretsManagerClient>;
  /** The secret the function reads. */
  readonly secretId: string;
  /** What the secret holds, given the stand-in's base URL. */
  secretValue(serverUrl: string): string;
  /**
   * How the stand-in is started; called when the suite starts, so it may use what an outer
   * `beforeAll` made (a certificate). @default plain http answering 200
   */
  readonly server?: () => CaptureServerOptions;
}

/** How a test builds the function's deps. */
export interface NotifyDepsOptions {
  /** @default the global fetch */
  readonly fetch?: Fetch;
  /** @default 2000 */
  readonly timeoutMs?: number;
}

export interface NotifierHarness {
  /** The service's stand-in (inside a test or hook). */
  readonly server: CaptureServer;
  /** The function's log lines in this test, as written. */
  readonly lines: string[];
  /** The log lines in this test, each parsed as JSON. */
  logged(): unknown[];
  /** The deps the function's Lambda entry builds, logging into {@link lines}. */
  deps(options?: NotifyDepsOptions): NotifierDeps;
  /** Expects that this test neither asked Secrets Manager for anything nor sent the service anything. */
  expectUntouched(): void;
}

/**
 * Starts the stand-in before the suite and closes it after; before each test clears its
 * requests, the mock's calls and the log lines, and stores the secret again. Call it at the top
 * of a test file or a describe.
 */
export function useNotifierHarness(options: NotifierHarnessOptions): NotifierHarness {
  let server: CaptureServer | undefined;
  const lines: string[] = [];
  beforeAll(async () => {
    server = await startCaptureServer(options.server?.());
  });
  afterAll(async () => {
    await server?.close();
  });
  const harness: NotifierHarness = {
    get server() {
      if (!server) throw new Error("the stand-in is not started yet (use it inside a test or a hook)");
      return server;
    },
    lines,
    logged: () => jsonLines(lines),
    deps: ({ fetch: fetchWith = fetch, timeoutMs = 2000 } = {}) => ({
      readSecret: createSecretReader(secretsManagerClients()),
      fetch: fetchWith,
      timeoutMs,
      log: (line) => lines.push(line),
    }),
    expectUntouched() {
      expect(options.secretsManager.calls()).toHaveLength(0);
      expect(harness.server.requests).toHaveLength(0);
    },
  };
  beforeEach(() => {
    harness.server.reset();
    options.secretsManager.reset();
    lines.length = 0;
    options.secretsManager
      .on(GetSecretValueCommand, { SecretId: options.secretId })
      .resolves({ SecretString: options.secretValue(harness.server.url) });
  });
  return harness;
}
