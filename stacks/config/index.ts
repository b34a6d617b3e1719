/**
 * Configuration of first-line (DESIGN §4): where it is read from, how it is validated, and the
 * resolved model the stack is built from.
 */
export { BUILTIN_DEFAULTS } from "./defaults";
export { ConfigError } from "./errors";
export { fleetNotes, type ResolvedStack, regionConfigPath, stacksOf } from "./fleet";
export {
  CDKTF_CONTEXT_ENV,
  CONFIG_FILE_ENV,
  CONTEXT_KEY,
  type LoadOptions,
  loadConfig,
  loadRawConfig,
  parseConfig,
  type RawConfigSource,
} from "./load";
export { AWS_REGIONS, type AwsRegion, isAwsRegion, OPT_IN_REGIONS } from "./regions";
export { DEFAULT_STACK_NAME, resolveConfig } from "./resolve";
export { type RawConfig, rawConfigSchema } from "./schema";
export type {
  AlarmSettings,
  BackendConfig,
  CloudBackendConfig,
  Layout,
  LogSettings,
  OperatorSubscription,
  ResolvedAccount,
  ResolvedConfig,
  ResolvedInstance,
  ResolvedRegion,
  S3BackendConfig,
  Statistic,
  TreatMissingData,
  VpcConfig,
} from "./types";
export { validateConfig } from "./validate";
