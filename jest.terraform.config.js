// `npm run test:terraform`: the synthesized stacks through the real Terraform and AWS provider
// (testkit/terraform-check.ts). Its own config, so `npm test` never starts terraform and runs
// without it. One file, in band: one terraform at a time (each provider process holds ~0.6 GB).
const base = require("./jest.config.js").projects[0];
module.exports = {
  ...base,
  displayName: "terraform",
  testMatch: ["<rootDir>/__tests__/terraform/**/*.test.ts"],
  // A 5-region plan takes about a minute on 2 cores; init, validate and show add to it.
  testTimeout: 30 * 60_000,
};
