/**
 * Warnings Node prints for dependencies this project cannot change: on Node 22+ cdktf 0.21
 * calls the deprecated `util.isArray` (DEP0044). Tests that expect a quiet stderr remove these
 * lines, and only these, so any other warning or error still fails them.
 */
const KNOWN_DEPRECATION =
  /^\(node:\d+\) \[DEP0044\] DeprecationWarning: The `util\.isArray` API is deprecated\..*\n(?:\(Use `node --trace-deprecation \.\.\.` to show where the warning was created\)\n)?/gm;

/** `stderr` without the known dependency deprecations. */
export function withoutKnownDeprecations(stderr: string): string {
  return stderr.replace(KNOWN_DEPRECATION, "");
}
