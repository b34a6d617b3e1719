import { legacyNotificationWarnings } from "./notifications";
import type { RawConfig } from "./schema";

/**
 * What a valid configuration should change but need not (deprecated keys, risky choices): one
 * line each, printed at synth as `first-line: warning: <line>` (main.ts). Never an error: the
 * configuration synthesizes as it is. Each source of warnings adds its function here.
 */
export function configWarnings(raw: RawConfig): string[] {
  return [...legacyNotificationWarnings(raw)];
}
