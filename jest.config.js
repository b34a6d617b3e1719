// Two suites as jest projects: `unit` (pure logic and synthesized JSON) and `integration`
// (handlers against real servers on 127.0.0.1, the state machine in a local interpreter).
// swc strips types only; `npm run typecheck` runs tsc separately.
const transform = { "^.+\\.tsx?$": ["@swc/jest", { jsc: { target: "es2022" } }] };
const common = {
  testEnvironment: "node",
  transform,
  setupFiles: ["<rootDir>/__tests__/setup-env.ts"],
  moduleFileExtensions: ["ts", "js", "json"],
  // Native addons load as they do in Lambda: not at all (see testkit/without-native-module.js).
  moduleNameMapper: { "\\.node$": "<rootDir>/testkit/without-native-module.js" },
};
module.exports = {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/__tests__/unit/**/*.test.ts"] },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/__tests__/integration/**/*.test.ts"],
    },
  ],
};
