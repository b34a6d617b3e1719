/**
 * Hostile configuration through the real entry point (main.ts `synthesize`, in-process): random
 * and malformed configs either fail with a ConfigError (never a TypeError or stack trace) that
 * leaves an existing output untouched, or synthesize output that passes the whole rule suite.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { synthesize } from "../../main";
import { ConfigError } from "../../stacks/config";
import type { TfJson } from "../../testkit/tf-json";
import { exampleConfig } from "../fixtures/config/helpers";
import { smallestConfig } from "../security/configs";
import { checkAll } from "../security/rules";
import { PROJECT_DIR, readStack, removeDir, tempDir } from "../security/synth";
import { snapshotTree } from "../security/tree";

type Json = unknown;
type Path = readonly (string | number)[];

/** Deepest level a mutation targets; generated values can nest thousands of levels deep. */
const MAX_PATH_DEPTH = 40;

/** Every path in the document (containers and leaves) down to MAX_PATH_DEPTH, root first. */
function paths(doc: Json): Path[] {
  const out: Path[] = [];
  const queue: { node: Json; at: Path }[] = [{ node: doc, at: [] }];
  for (let item = queue.shift(); item; item = queue.shift()) {
    out.push(item.at);
    if (item.at.length >= MAX_PATH_DEPTH || typeof item.node !== "object" || item.node === null) continue;
    const entries = Array.isArray(item.node) ? [...item.node.entries()] : Object.entries(item.node);
    for (const [k, v] of entries) queue.push({ node: v, at: [...item.at, k] });
  }
  return out;
}

function containerAt(doc: Json, path: Path): Record<string | number, Json> | undefined {
  let node = doc;
  for (const part of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string | number, Json>)[part];
  }
  return typeof node === "object" && node !== null ? (node as Record<string | number, Json>) : undefined;
}

/** Sets an own property even for `__proto__`, so the key really reaches the JSON file. */
function setOwn(target: Record<string | number, Json>, key: string | number, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function nested(depth: number): Json {
  let node: Json = "bottom";
  for (let i = 0; i < depth; i++) node = i % 2 ? [node] : { deeper: node };
  return node;
}

const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, 0.5, 2 ** 53 + 2, "", " ", "\u0000", "i-", "*"),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constant("x".repeat(100_000)),
  fc.constant(`https://${"a".repeat(5000)}.example.com/`),
  fc.constantFrom(
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf",
    `\${aws_iam_role.x.arn}`,
    "<alarmName>",
  ),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.constant(nested(2000)),
);

const hostileKey = fc.oneof(
  fc.constantFrom(
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "regoins",
    "stackname",
    "Instances",
    "",
  ),
  fc.string({ maxLength: 20 }),
);

type Mutation =
  | { kind: "drop"; at: number }
  | { kind: "replace"; at: number; value: Json }
  | { kind: "addKey"; at: number; key: string; value: Json }
  | { kind: "duplicateInstance"; at: number }
  | { kind: "root"; value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("drop" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant("addKey" as const), at: fc.nat(), key: hostileKey, value: hostileValue }),
  fc.record({ kind: fc.constant("duplicateInstance" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("root" as const),
    value: fc.constantFrom<Json>(null, 42, "config", [], [{}], true, { regions: [] }),
  }),
);

function apply(doc: Json, generated: Mutation): Json {
  // fast-check reuses generated values across runs and shrinks: insert copies, never the values
  // themselves, or later mutations would edit them in place (and could even make them cyclic).
  const m = "value" in generated ? { ...generated, value: structuredClone(generated.value) } : generated;
  if (m.kind === "root") return m.value;
  const all = paths(doc);
  const path = all[m.at % all.length] ?? [];
  if (m.kind === "duplicateInstance") {
    const regions = containerAt(doc, ["regions"]);
    const names = regions ? Object.keys(regions) : [];
    const region = names[m.at % Math.max(names.length, 1)];
    const instances = region === undefined ? undefined : containerAt(doc, ["regions", region, "instances"]);
    if (Array.isArray(instances) && instances.length > 0)
      instances.push(JSON.parse(JSON.stringify(instances[0])));
    return doc;
  }
  if (path.length === 0) {
    if (m.kind === "replace") return m.value;
    if (m.kind === "addKey" && typeof doc === "object" && doc !== null && !Array.isArray(doc)) {
      setOwn(doc as Record<string, Json>, m.key, m.value);
    }
    return doc;
  }
  const parent = containerAt(doc, path.slice(0, -1));
  const key = path[path.length - 1] as string | number;
  if (!parent) return doc;
  if (m.kind === "drop") {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (m.kind === "replace") {
    setOwn(parent, key, m.value);
  } else {
    const target = containerAt(doc, path);
    if (target && !Array.isArray(target)) setOwn(target, m.key, m.value);
  }
  return doc;
}

/** What one run of the entry point did, and the output folder before and after. */
interface Outcome {
  readonly error?: unknown;
  readonly before: Record<string, string>;
  readonly after: Record<string, string>;
  readonly leftovers: string[];
  readonly tf?: TfJson;
}

async function runEntryPoint(configText: string): Promise<Outcome> {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, "config.json"), configText);
    const outdir = join(dir, "out");
    mkdirSync(join(outdir, "stacks", "old"), { recursive: true });
    writeFileSync(join(outdir, "marker.txt"), `previous output ${Math.random()}`);
    writeFileSync(join(outdir, "stacks", "old", "cdk.tf.json"), '{"previous":true}');
    const before = snapshotTree(outdir);
    let error: unknown;
    let tf: TfJson | undefined;
    try {
      await synthesize({
        cwd: dir,
        env: { FIRST_LINE_CONFIG: "config.json", CDKTF_OUTDIR: "out" },
        log: () => {},
      });
      const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
        stacks: Record<string, unknown>;
      };
      const [stackName = ""] = Object.keys(manifest.stacks);
      tf = readStack(outdir, stackName);
    } catch (err) {
      error = err;
    }
    const leftovers = readdirSync(dir).filter((name) => name.includes("staging"));
    return { error, before, after: snapshotTree(outdir), leftovers, ...(tf ? { tf } : {}) };
  } finally {
    removeDir(dir);
  }
}

/** The property every run must have, whichever way it went. */
function expectSafeOutcome(outcome: Outcome): void {
  expect(outcome.leftovers).toEqual([]);
  if (outcome.error !== undefined) {
    if (!(outcome.error instanceof ConfigError)) throw outcome.error; // shows the TypeError and its stack
    expect(outcome.error.problems.length).toBeGreaterThan(0);
    expect(outcome.error.message).not.toMatch(/\n\s+at /);
    expect(outcome.after).toEqual(outcome.before);
  } else {
    expect(outcome.tf).toBeDefined();
    expect(outcome.after["marker.txt"]).toBeUndefined();
    expect(checkAll(outcome.tf as TfJson)).toEqual([]);
  }
}

describe("synthesize with hostile configuration", () => {
  it("the valid example synthesizes, replaces the old output and passes every rule (the property's baseline)", async () => {
    const outcome = await runEntryPoint(JSON.stringify(exampleConfig()));

    expect(outcome.error).toBeUndefined();
    expectSafeOutcome(outcome);
  });

  it("never throws anything but a ConfigError, and a failure leaves the output untouched", async () => {
    const seen = { failed: 0, succeeded: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(exampleConfig, smallestConfig),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        async (base, mutations) => {
          const doc = mutations.reduce<Json>((d, m) => apply(d, m), base());
          const outcome = await runEntryPoint(JSON.stringify(doc) ?? "");
          expectSafeOutcome(outcome);
          seen[outcome.error === undefined ? "succeeded" : "failed"]++;
        },
      ),
      { numRuns: 80 },
    );
    // Both branches of the property were exercised.
    expect(seen.failed).toBeGreaterThan(10);
    expect(seen.succeeded).toBeGreaterThan(0);
  }, 60_000);

  it.each([
    ["an empty file", ""],
    ["text that is not JSON", "stackName: first-line"],
    ["truncated JSON", '{"regions": {"eu-west-1": '],
    ["JSON with a byte-order mark", `\uFEFF${JSON.stringify(smallestConfig())}`],
    ["a number too large for a double", '{"stackName": 1e999}'],
    ["a 5 MB document", JSON.stringify({ ...smallestConfig(), junk: "y".repeat(5_000_000) })],
    ["nesting 5000 levels deep", `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`],
    ["a __proto__ key", '{"__proto__": {"polluted": true}, "regions": {}}'],
  ])("rejects %s with a ConfigError and leaves the output untouched", async (_label, text) => {
    const outcome = await runEntryPoint(text);

    expect(outcome.error).toBeInstanceOf(ConfigError);
    expectSafeOutcome(outcome);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("the app command with a bad configuration", () => {
  /** Spawned like cdktf does (cdktf.json "app"); slow, so only a few cases. */
  function runApp(configText: string) {
    const dir = tempDir();
    try {
      writeFileSync(join(dir, "config.json"), configText);
      const outdir = join(dir, "out");
      mkdirSync(outdir);
      writeFileSync(join(outdir, "marker.txt"), "previous output");
      const run = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
        cwd: PROJECT_DIR,
        env: { ...process.env, FIRST_LINE_CONFIG: join(dir, "config.json"), CDKTF_OUTDIR: outdir },
        encoding: "utf8",
        timeout: 30_000,
      });
      return { run, after: snapshotTree(outdir), staging: existsSync(`${outdir}.staging-${run.pid}`) };
    } finally {
      removeDir(dir);
    }
  }

  it("exits 1 with every problem and its path on stderr, no stack trace, the output untouched", () => {
    const config = exampleConfig() as {
      stackName: string;
      regions: Record<string, { instances: { instanceId: string }[] }>;
    };
    config.stackName = "Not Valid!";
    const first = config.regions["eu-west-1"]?.instances[0];
    if (first) first.instanceId = "i-123";

    const { run, after, staging } = runApp(JSON.stringify(config));

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^Invalid first-line configuration \(FIRST_LINE_CONFIG=.*\): 2 problems/);
    expect(run.stderr).toContain("  - stackName: ");
    expect(run.stderr).toContain("  - regions.eu-west-1.instances[0].instanceId: ");
    expect(run.stderr).not.toMatch(/\n\s+at |TypeError|synth failed/);
    expect(after).toEqual({ "marker.txt": Buffer.from("previous output").toString("base64") });
    expect(staging).toBe(false);
  }, 40_000);

  it("exits 1 with one readable line for a file that is not JSON", () => {
    const { run, after } = runApp("{ not json");

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^Cannot load the first-line configuration:\n {2}- FIRST_LINE_CONFIG=.*not valid JSON/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(Object.keys(after)).toEqual(["marker.txt"]);
  }, 40_000);
});
