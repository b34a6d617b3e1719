// Fake credentials and region so no AWS SDK client ever probes instance metadata or a real
// account; every AWS API in tests is either aws-sdk-client-mock or a loopback endpoint.
process.env.AWS_ACCESS_KEY_ID = "AKIAFIRSTLINETEST000";
process.env.AWS_SECRET_ACCESS_KEY = "first-line-test-secret";
process.env.AWS_REGION = "eu-west-1";
process.env.AWS_EC2_METADATA_DISABLED = "true";
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;

// aws-local-stepfunctions 3.x targets Node >= 22 and uses Promise.withResolvers (Node 22+).
if (typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
