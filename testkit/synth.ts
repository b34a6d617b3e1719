/**
 * Synthesizes configurations through main.ts's own `synthesize` (the same validation, bundling,
 * stack and staging-then-swap the real entry point uses) into temporary folders, and reads the
 * resulting cdk.tf.json with a few helpers to find blocks by type, region and construct path.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { synthesize } from "../main";
import { parseConfig, type ResolvedConfig } from "../stacks/config";

/** The project root, where cdktf.json (the committed example) lives. */
export const PROJECT_DIR = resolve(__dirname, "..");

/** A resource or data source body as cdktf writes it. */
export type TfBody = Record<string, unknown> & {
  readonly "//"?: { readonly metadata?: { readonly path?: string; readonly uniqueId?: string } };
  readonly provider?: string;
};

/** One `provider.aws` entry. */
export interface TfProvider {
  readonly alias?: string;
  readonly region?: string;
  readonly default_tags?: readonly { readonly tags: Readonly<Record<string, string>> }[];
  readonly assume_role?: readonly {
    readonly role_arn: string;
    readonly session_name?: string;
    readonly external_id?: string;
  }[];
  readonly allowed_account_ids?: readonly string[];
}

/** The parts of cdk.tf.json the tests read. */
export interface TfJson {
  readonly provider: { readonly aws: readonly TfProvider[] } & Readonly<Record<string, unknown>>;
  readonly terraform: Readonly<Record<string, unknown>>;
  readonly resource: Readonly<Record<string, Readonly<Record<string, TfBody>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, TfBody>>>>;
  readonly output?: Readonly<Record<string, { readonly value: unknown; readonly description?: string }>>;
}

/** One resource or data source, with where it sits. */
export interface TfBlock {
  readonly kind: "resource" | "data";
  readonly type: string;
  readonly name: string;
  /** `aws_x.name` or `data.aws_x.name`: the Terraform address. */
  readonly address: string;
  /** Construct path below the stack, e.g. `eu-west-1/ssh-check/function`. */
  readonly path: string;
  /** First segment of the construct path: the regional construct's id. */
  readonly region: string;
  readonly body: TfBody;
}

/** One synthesized stack. */
export interface SynthesizedStack {
  /** The stack's name, as in manifest.json and `cdktf list`. */
  readonly name: string;
  readonly json: TfJson;
  /** The exact text of its cdk.tf.json. */
  readonly text: string;
  /** `<outdir>/stacks/<name>`: relative asset paths in the JSON resolve against it. */
  readonly stackDir: string;
}

/**
 * A synthesized configuration. `json`, `text` and `stackDir` are those of the stack named
 * `stackName` (the single layout's one stack) and throw when there is none (per-region layout:
 * read `stacks`).
 */
export interface Synthesized extends Omit<SynthesizedStack, "name"> {
  /** Every stack, in manifest.json order. */
  readonly stacks: readonly SynthesizedStack[];
  /** The resolved configuration the stack was built from (parseConfig of the raw document). */
  readonly config: ResolvedConfig;
  /** The output folder (what would be cdktf.out). */
  readonly outdir: string;
  /** Removes the temporary folder. */
  readonly cleanup: () => void;
}

/** A fresh copy of the committed example (cdktf.json `context.firstLine`), safe to mutate. */
export function committedExample(): Record<string, unknown> {
  const cdktf = JSON.parse(readFileSync(join(PROJECT_DIR, "cdktf.json"), "utf8")) as {
    context: { firstLine: Record<string, unknown> };
  };
  return structuredClone(cdktf.context.firstLine);
}

/**
 * Writes `raw` to a file in a temporary folder and synthesizes it as `FIRST_LINE_CONFIG`
 * through main.ts's `synthesize`, exactly as the bare app does.
 */
export async function synthConfig(raw: unknown): Promise<Synthesized> {
  const dir = mkdtempSync(join(tmpdir(), "first-line-synth-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const config = parseConfig(raw);
    writeFileSync(join(dir, "config.json"), JSON.stringify(raw));
    await synthesize({
      cwd: dir,
      env: { FIRST_LINE_CONFIG: "config.json", CDKTF_OUTDIR: "cdktf.out" },
      log: () => {},
    });
    const outdir = join(dir, "cdktf.out");
    const stacks = readStacks(outdir);
    const single = () => {
      const stack = stacks.find((s) => s.name === config.stackName);
      if (stack === undefined) {
        throw new Error(`no stack named ${config.stackName} (layout ${config.layout}): read .stacks instead`);
      }
      return stack;
    };
    return {
      get json() {
        return single().json;
      },
      get text() {
        return single().text;
      },
      get stackDir() {
        return single().stackDir;
      },
      stacks,
      config,
      outdir,
      cleanup,
    };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** Every stack manifest.json lists in `outdir`, with its parsed cdk.tf.json. */
export function readStacks(outdir: string): SynthesizedStack[] {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string; workingDirectory: string }>;
  };
  return Object.entries(manifest.stacks).map(([name, entry]) => {
    const text = readFileSync(join(outdir, entry.synthesizedStackPath), "utf8");
    return { name, json: JSON.parse(text) as TfJson, text, stackDir: join(outdir, entry.workingDirectory) };
  });
}

/** Every resource and data source of the stack. */
export function allBlocks(json: TfJson): TfBlock[] {
  const out: TfBlock[] = [];
  const add = (kind: TfBlock["kind"], byType: TfJson["resource"] | undefined) => {
    for (const [type, byName] of Object.entries(byType ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        const fullPath = body["//"]?.metadata?.path ?? "";
        const path = fullPath.split("/").slice(1).join("/");
        out.push({
          kind,
          type,
          name,
          address: kind === "data" ? `data.${type}.${name}` : `${type}.${name}`,
          path,
          region: path.split("/")[0] ?? "",
          body,
        });
      }
    }
  };
  add("resource", json.resource);
  add("data", json.data);
  return out;
}

/** The resources of one type, optionally only those of one region. */
export function resourcesOf(json: TfJson, type: string, region?: string): TfBlock[] {
  return allBlocks(json).filter(
    (b) => b.kind === "resource" && b.type === type && (region === undefined || b.region === region),
  );
}

/** The one block of `type` at construct path `path` (below the stack); throws when absent. */
export function blockAt(json: TfJson, type: string, path: string): TfBlock {
  const found = allBlocks(json).filter((b) => b.type === type && b.path === path);
  if (found.length !== 1) throw new Error(`expected one ${type} at ${path}, found ${found.length}`);
  return found[0] as TfBlock;
}

/** The Terraform reference expression to an attribute of a block: `${aws_x.name.attr}`. */
export function ref(block: TfBlock, attribute: string): string {
  return `\${${block.address}.${attribute}}`;
}

/** A string attribute of a block; throws when it is not a string. */
export function str(block: TfBlock, attribute: string): string {
  const value = block.body[attribute];
  if (typeof value !== "string") throw new Error(`${block.address}.${attribute} is not a string`);
  return value;
}

/** A JSON-encoded string attribute (policy, definition, event pattern), parsed. */
export function jsonAttr<T = unknown>(block: TfBlock, attribute: string): T {
  return JSON.parse(str(block, attribute)) as T;
}

/** A block's body without cdktf's `//` metadata: what Terraform itself receives. */
export function settingsOf(block: TfBlock): Record<string, unknown> {
  const { "//": _metadata, ...rest } = block.body;
  return rest;
}

/** One IAM policy statement as the policy JSON has it. */
export interface Statement {
  readonly Sid: string;
  readonly Effect: string;
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: unknown;
}

/** The statements of the inline role policy at construct path `path`. */
export function statementsAt(json: TfJson, path: string): Statement[] {
  return jsonAttr<{ Statement: Statement[] }>(blockAt(json, "aws_iam_role_policy", path), "policy").Statement;
}

/** `${data.aws_caller_identity.<region's>.account_id}`: how ARNs in a region name the account. */
export function accountRef(json: TfJson, region: string): string {
  return ref(blockAt(json, "aws_caller_identity", `${region}/account`), "account_id");
}

/**
 * Every file under `dir` as relative path -> bytes, for byte-for-byte comparisons of output
 * trees (directories themselves are implied by their files; empty ones are listed with no bytes).
 */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (current: string) => {
    const entries = readdirSync(current).sort();
    if (entries.length === 0 && current !== dir) out.set(`${relative(dir, current)}/`, Buffer.alloc(0));
    for (const entry of entries) {
      const full = join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(dir, full), readFileSync(full));
    }
  };
  walk(dir);
  return out;
}

/** Runs a command to completion, collecting stdout and stderr together. */
export { runProcess } from "../scripts/lib/run-process";
