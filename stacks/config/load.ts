import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigError } from "./errors";
import { isRecord } from "./merge";
import { resolveConfig } from "./resolve";
import type { ResolvedConfig } from "./types";
import { validateConfig } from "./validate";

/** Environment variable naming a JSON configuration file (relative to the current directory). */
export const CONFIG_FILE_ENV = "FIRST_LINE_CONFIG";
/** Where the cdktf CLI passes cdktf.json's `context` to the app (see cdktf's App.loadContext). */
export const CDKTF_CONTEXT_ENV = "CDKTF_CONTEXT_JSON";
/** The context key holding the configuration. */
export const CONTEXT_KEY = "firstLine";

/** What the loader needs from the outside world; tests pass their own. */
export interface LoadOptions {
  /** Directory relative paths resolve against and where cdktf.json is looked for. */
  readonly cwd: string;
  /** The process environment (only FIRST_LINE_CONFIG and CDKTF_CONTEXT_JSON are read). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * The CLI's context when the caller already has it parsed; otherwise it is read from
   * CDKTF_CONTEXT_JSON, exactly where cdktf's App reads it.
   */
  readonly cliContext?: Readonly<Record<string, unknown>>;
  /** Reads a UTF-8 file. @default fs.readFileSync */
  readonly readFile?: (file: string) => string;
}

/** The raw configuration document and a human description of where it came from. */
export interface RawConfigSource {
  readonly raw: unknown;
  /** e.g. `FIRST_LINE_CONFIG=config/prod.json` or `cdktf.json context.firstLine`. */
  readonly source: string;
}

const HEADER = "Cannot load the first-line configuration:";

function reason(error: unknown): string {
  if (isRecord(error) && error.code === "ENOENT") return "file not found";
  return error instanceof Error ? error.message : String(error);
}

function readJson(file: string, shown: string, readFile: (file: string) => string, fix: string): unknown {
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new ConfigError(HEADER, [`${shown} (${file}): cannot be read: ${reason(error)}; ${fix}`]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(HEADER, [`${shown} (${file}): not valid JSON: ${reason(error)}; ${fix}`]);
  }
}

function contextFromEnv(env: LoadOptions["env"]): Readonly<Record<string, unknown>> | undefined {
  const json = env[CDKTF_CONTEXT_ENV];
  if (json === undefined || json === "") return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    return isRecord(parsed) ? parsed : undefined;
  } catch (error) {
    throw new ConfigError(HEADER, [
      `${CDKTF_CONTEXT_ENV}: not valid JSON: ${reason(error)}; unset it or let the cdktf CLI set it`,
    ]);
  }
}

/**
 * Finds the raw configuration, in DESIGN §4's order:
 * 1. the JSON file `FIRST_LINE_CONFIG` names (relative to `cwd`);
 * 2. `context.firstLine` as the cdktf CLI passes it (`cliContext`, else `CDKTF_CONTEXT_JSON`);
 * 3. `context.firstLine` of `cwd/cdktf.json`, so the bare app command (`npx tsx main.ts`) works.
 * @throws ConfigError naming the file and the fix when nothing usable is found
 */
export function loadRawConfig(options: LoadOptions): RawConfigSource {
  const readFile = options.readFile ?? ((file: string) => readFileSync(file, "utf8"));
  const named = options.env[CONFIG_FILE_ENV];
  if (named !== undefined && named !== "") {
    const file = path.resolve(options.cwd, named);
    const raw = readJson(
      file,
      `${CONFIG_FILE_ENV}=${named}`,
      readFile,
      `point ${CONFIG_FILE_ENV} at a JSON configuration file, or unset it to use context.${CONTEXT_KEY} of cdktf.json`,
    );
    return { raw, source: `${CONFIG_FILE_ENV}=${named}` };
  }

  const cliContext = options.cliContext ?? contextFromEnv(options.env);
  if (cliContext?.[CONTEXT_KEY] !== undefined) {
    return { raw: cliContext[CONTEXT_KEY], source: `cdktf context.${CONTEXT_KEY}` };
  }

  const file = path.resolve(options.cwd, "cdktf.json");
  const cdktfJson = readJson(
    file,
    "cdktf.json",
    readFile,
    `run from the project directory, or set ${CONFIG_FILE_ENV} to a JSON configuration file`,
  );
  const context = isRecord(cdktfJson) ? cdktfJson.context : undefined;
  const raw = isRecord(context) ? context[CONTEXT_KEY] : undefined;
  if (raw === undefined) {
    throw new ConfigError(HEADER, [
      `cdktf.json (${file}): has no context.${CONTEXT_KEY}; add the configuration there or set ${CONFIG_FILE_ENV} to a JSON configuration file`,
    ]);
  }
  return { raw, source: `cdktf.json context.${CONTEXT_KEY}` };
}

/**
 * Loads, validates and resolves the configuration: everything main.ts needs before it creates
 * the cdktf App. Reads files only through `readFile`; no other side effects.
 * @throws ConfigError listing every problem
 */
export function loadConfig(options: LoadOptions): ResolvedConfig {
  const { raw, source } = loadRawConfig(options);
  return parseConfig(raw, source);
}

/** Validates and resolves a raw document already in memory (tests, tools). */
export function parseConfig(raw: unknown, source?: string): ResolvedConfig {
  return resolveConfig(validateConfig(raw, source));
}
