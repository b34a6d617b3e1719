import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import { bundleFunctions } from "./stacks/bundling";
import { ConfigError, configWarnings, loadConfig } from "./stacks/config";
import { FirstLineStack } from "./stacks/first-line-stack";

/** package.json's name, version and repository URL, for the providers' default tags. */
function appIdentity(projectDir: string) {
  const pkg = JSON.parse(readFileSync(join(projectDir, "package.json"), "utf8")) as {
    name: string;
    version: string;
    repository?: { url?: string } | string;
  };
  const repository = typeof pkg.repository === "string" ? pkg.repository : (pkg.repository?.url ?? "");
  return { name: pkg.name, version: pkg.version, repository };
}

/**
 * Synthesizes into a staging folder and swaps it in only when complete, so a failure at any
 * point leaves an existing output untouched and never a half-written one.
 */
export async function synthesize(opts: { cwd: string; env: NodeJS.ProcessEnv; log: (line: string) => void }) {
  // Validation comes first, before any App exists or any file is written.
  const config = loadConfig({ cwd: opts.cwd, env: opts.env });
  for (const warning of configWarnings(config)) opts.log(`first-line: warning: ${warning}`);
  const projectDir = __dirname;
  const bundles = await bundleFunctions({
    projectDir,
    onProgress: (name, how) =>
      opts.log(`first-line: ${name} ${how === "cached" ? "bundle cached" : "bundled"}`),
  });
  const outdir = resolve(opts.cwd, opts.env.CDKTF_OUTDIR ?? "cdktf.out");
  const staging = `${outdir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  // cdktf records a full stack trace for every token it creates; with source maps on (tsx turns
  // them on) formatting those traces was a third of synth time. Our own errors carry messages.
  process.setSourceMapsEnabled(false);
  try {
    // A CloudBackend validates by running `terraform version`; synth must work without terraform.
    const app = new App({ outdir: staging, skipValidation: config.backend.type === "cloud" });
    new FirstLineStack(app, { config, bundles, identity: appIdentity(projectDir) });
    app.synth();
    rmSync(outdir, { recursive: true, force: true });
    renameSync(staging, outdir);
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
  opts.log(
    `first-line: synthesized ${config.regions.length} region(s), ${config.regions.reduce((n, r) => n + r.instances.length, 0)} instance(s) into ${outdir}`,
  );
}

if (require.main === module) {
  synthesize({
    cwd: process.cwd(),
    env: process.env,
    log: (line) => process.stdout.write(`${line}\n`),
  }).catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      process.stderr.write(
        `first-line: synth failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    }
    process.exitCode = 1;
  });
}
