import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ConfigError, loadConfig, loadRawConfig } from "../../stacks/config";
import { thrownBy } from "../../testkit/thrown";
import { configWith, minimalConfig } from "../fixtures/config/helpers";

/** A valid config whose stack name tells which source it came from. */
function configNamed(stackName: string): Record<string, unknown> {
  return configWith({ stackName }, minimalConfig());
}

function cdktfJson(firstLine?: unknown): string {
  return JSON.stringify({
    language: "typescript",
    app: "npx tsx main.ts",
    context: firstLine === undefined ? {} : { firstLine },
  });
}

describe("loading the configuration", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "first-line-config-"));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function write(relative: string, text: string): void {
    mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    writeFileSync(path.join(dir, relative), text);
  }

  it("prefers the FIRST_LINE_CONFIG file, relative to cwd, over the CLI context and cdktf.json", () => {
    write("cdktf.json", cdktfJson(configNamed("from-cdktf-json")));
    write("config/prod.json", JSON.stringify(configNamed("from-file")));
    const env = {
      FIRST_LINE_CONFIG: "config/prod.json",
      CDKTF_CONTEXT_JSON: JSON.stringify({ firstLine: configNamed("from-cli") }),
    };

    const config = loadConfig({ cwd: dir, env });

    expect(config.stackName).toBe("from-file");
    expect(loadRawConfig({ cwd: dir, env }).source).toBe("FIRST_LINE_CONFIG=config/prod.json");
  });

  it("prefers the CLI context (CDKTF_CONTEXT_JSON) over reading cdktf.json", () => {
    write("cdktf.json", cdktfJson(configNamed("from-cdktf-json")));
    const env = { CDKTF_CONTEXT_JSON: JSON.stringify({ firstLine: configNamed("from-cli"), other: 1 }) };

    expect(loadConfig({ cwd: dir, env }).stackName).toBe("from-cli");
    expect(loadRawConfig({ cwd: dir, env }).source).toBe("cdktf context.firstLine");
  });

  it("prefers a context passed in by the caller over CDKTF_CONTEXT_JSON", () => {
    const env = { CDKTF_CONTEXT_JSON: JSON.stringify({ firstLine: configNamed("from-env") }) };

    const config = loadConfig({ cwd: dir, env, cliContext: { firstLine: configNamed("from-caller") } });

    expect(config.stackName).toBe("from-caller");
  });

  it("reads cdktf.json itself when the CLI context is absent, so the bare app command works", () => {
    write("cdktf.json", cdktfJson(configNamed("from-cdktf-json")));

    expect(loadConfig({ cwd: dir, env: {} }).stackName).toBe("from-cdktf-json");
    expect(loadRawConfig({ cwd: dir, env: {} }).source).toBe("cdktf.json context.firstLine");
  });

  it("falls back to cdktf.json when the CLI context carries other keys only", () => {
    write("cdktf.json", cdktfJson(configNamed("from-cdktf-json")));
    const env = { CDKTF_CONTEXT_JSON: JSON.stringify({ cdktfRelativeModules: [] }) };

    expect(loadConfig({ cwd: dir, env }).stackName).toBe("from-cdktf-json");
  });

  it("resolves FIRST_LINE_CONFIG against the given cwd, not the process's", () => {
    write("nested/first-line.json", JSON.stringify(configNamed("nested")));

    const config = loadConfig({
      cwd: path.join(dir, "nested"),
      env: { FIRST_LINE_CONFIG: "first-line.json" },
    });

    expect(config.stackName).toBe("nested");
  });

  it("reads files only through the injected readFile", () => {
    const reads: string[] = [];
    const readFile = (file: string): string => {
      reads.push(file);
      return cdktfJson(configNamed("in-memory"));
    };

    const config = loadConfig({ cwd: "/nonexistent/project", env: {}, readFile });

    expect(config.stackName).toBe("in-memory");
    expect(reads).toEqual([path.resolve("/nonexistent/project", "cdktf.json")]);
  });

  it("names the missing FIRST_LINE_CONFIG file, its full path and the fix", () => {
    write("cdktf.json", cdktfJson(configNamed("unused")));

    const error = thrownBy(ConfigError, () =>
      loadConfig({ cwd: dir, env: { FIRST_LINE_CONFIG: "missing.json" } }),
    );

    expect(error.problems).toEqual([
      `FIRST_LINE_CONFIG=missing.json (${path.join(dir, "missing.json")}): cannot be read: file not found; point FIRST_LINE_CONFIG at a JSON configuration file, or unset it to use context.firstLine of cdktf.json`,
    ]);
    expect(error.message).toContain("Cannot load the first-line configuration:");
  });

  it("names a FIRST_LINE_CONFIG file that is not JSON", () => {
    write("broken.json", "{ stackName: ");

    const error = thrownBy(ConfigError, () =>
      loadConfig({ cwd: dir, env: { FIRST_LINE_CONFIG: "broken.json" } }),
    );

    expect(error.problems).toHaveLength(1);
    const prefix = `FIRST_LINE_CONFIG=broken.json (${path.join(dir, "broken.json")}): not valid JSON: `;
    expect(error.problems[0]?.slice(0, prefix.length)).toBe(prefix);
  });

  it("explains both ways to configure when there is no cdktf.json and no FIRST_LINE_CONFIG", () => {
    const error = thrownBy(ConfigError, () => loadConfig({ cwd: dir, env: {} }));

    expect(error.problems).toEqual([
      `cdktf.json (${path.join(dir, "cdktf.json")}): cannot be read: file not found; run from the project directory, or set FIRST_LINE_CONFIG to a JSON configuration file`,
    ]);
  });

  it("explains a cdktf.json without context.firstLine", () => {
    write("cdktf.json", cdktfJson());

    const error = thrownBy(ConfigError, () => loadConfig({ cwd: dir, env: {} }));

    expect(error.problems).toEqual([
      `cdktf.json (${path.join(dir, "cdktf.json")}): has no context.firstLine; add the configuration there or set FIRST_LINE_CONFIG to a JSON configuration file`,
    ]);
  });

  it("rejects a CDKTF_CONTEXT_JSON that is not JSON", () => {
    const error = thrownBy(ConfigError, () => loadConfig({ cwd: dir, env: { CDKTF_CONTEXT_JSON: "{nope" } }));

    expect(error.problems[0]).toMatch(
      /^CDKTF_CONTEXT_JSON: not valid JSON: .*; unset it or let the cdktf CLI set it$/,
    );
  });

  it("validates what it loads and names the source in the error", () => {
    write("bad.json", JSON.stringify(configWith({ stackName: "Bad Name" }, minimalConfig())));

    const error = thrownBy(ConfigError, () =>
      loadConfig({ cwd: dir, env: { FIRST_LINE_CONFIG: "bad.json" } }),
    );

    expect(error.message.split("\n")).toEqual([
      "Invalid first-line configuration (FIRST_LINE_CONFIG=bad.json): 1 problem; fix it and run again:",
      '  - stackName: "Bad Name" is not a stack name (1-20 characters: lower-case letters, digits, dashes)',
    ]);
  });
});
