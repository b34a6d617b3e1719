import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleFunctions, type FunctionBundle } from "../stacks/bundling";
import type { FunctionName } from "../stacks/function-catalog";
import { readZip } from "../stacks/zip";

export type LambdaHandler = (event: unknown) => Promise<unknown>;

const projectDir = join(__dirname, "..");

/**
 * Loads the handler out of the very zip the stack deploys. The file is extracted under the
 * project (so `@aws-sdk/*`, external in the bundle, resolves from node_modules as the Lambda
 * runtime's copy would) and required through jest, so aws-sdk-client-mock sees the same
 * client classes the test mocks.
 */
function loadHandlerFromZip(bundle: FunctionBundle): LambdaHandler {
  const [entry] = readZip(readFileSync(bundle.zipPath));
  if (entry?.name !== "index.js") throw new Error(`${bundle.name}: zip has no index.js`);
  const dir = join(projectDir, ".cache", "extracted", bundle.sha256Hex.slice(0, 16), bundle.name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "index.js");
  writeFileSync(file, entry.data);
  const mod = require(file) as { handler?: LambdaHandler };
  if (typeof mod.handler !== "function") throw new Error(`${bundle.name}: bundle exports no handler`);
  return mod.handler;
}

/** Bundles (or reuses the cached bundles of) the given functions and loads their handlers. */
export async function loadBundledHandlers(
  names: readonly FunctionName[],
): Promise<Partial<Record<FunctionName, LambdaHandler>>> {
  const bundles = await bundleFunctions({ names });
  return Object.fromEntries(names.map((n) => [n, loadHandlerFromZip(bundles[n])]));
}
