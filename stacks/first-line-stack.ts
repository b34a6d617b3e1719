import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  AssetType,
  CloudBackend,
  NamedCloudWorkspace,
  S3Backend,
  TerraformAsset,
  TerraformStack,
} from "cdktf";
import type { Construct } from "constructs";
import type { FunctionBundle } from "./bundling";
import {
  type BackendConfig,
  type ResolvedConfig,
  type ResolvedRegion,
  type ResolvedStack,
  stacksOf,
} from "./config";
import type { FunctionCode } from "./first-line-function";
import { FUNCTION_NAMES, type FunctionName } from "./function-catalog";
import { assumeRoleSessionName } from "./naming";
import { RegionalFirstLine } from "./regional-first-line";

/**
 * The Terraform a deploy needs: the S3 backend's `use_lockfile` (state locking without a
 * DynamoDB table) is generally available from 1.11 (the `cloud` block needs only 1.1).
 */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.11";

/** What the provider's default_tags say about who made a resource. */
export interface AppIdentity {
  /** package.json name. */
  readonly name: string;
  /** package.json version. */
  readonly version: string;
  /** package.json repository URL. */
  readonly repository: string;
}

/** What every stack of a synth shares. */
export interface FirstLineAppProps {
  /** Validated, merged configuration (see stacks/config). */
  readonly config: ResolvedConfig;
  /** The bundled functions (see stacks/bundling), bundled once per synth. */
  readonly bundles: Readonly<Record<FunctionName, FunctionBundle>>;
  readonly identity: AppIdentity;
}

/** Props of {@link FirstLineStack}. */
export interface FirstLineStackProps extends FirstLineAppProps {
  /** Which stack this is: its name, its own backend and its regions (see `stacksOf`). */
  readonly stack: ResolvedStack;
}

/**
 * Backend settings stay as written: Terraform reads the backend block literally, never as a
 * template (unlike resource arguments, see terraform-literal.ts), so escaping would change them.
 */
function addBackend(stack: TerraformStack, backend: BackendConfig): void {
  if (backend.type === "s3") {
    const s3 = new S3Backend(stack, {
      bucket: backend.bucket,
      key: backend.key,
      region: backend.region,
      encrypt: true,
    });
    // cdktf 0.21 predates S3's native lock file (Terraform >= 1.10); no DynamoDB table needed.
    s3.addOverride("use_lockfile", true);
  } else {
    new CloudBackend(stack, {
      organization: backend.organization,
      workspaces: new NamedCloudWorkspace(backend.workspace, backend.project),
    });
  }
}

/**
 * A region's provider, aliased by the region's key. With accounts it assumes the account's role
 * and accepts no other account: credentials for the wrong account fail the plan instead of
 * applying there.
 */
function regionProvider(
  stack: TerraformStack,
  region: ResolvedRegion,
  props: FirstLineStackProps,
): AwsProvider {
  const { account } = region;
  const { identity } = props;
  return new AwsProvider(stack, `aws-${region.key}`, {
    alias: region.key,
    region: region.name,
    ...(account === undefined
      ? {}
      : {
          assumeRole: [
            {
              roleArn: account.roleArn,
              sessionName: assumeRoleSessionName(props.config.stackName, region.name),
              ...(account.externalId === undefined ? {} : { externalId: account.externalId }),
            },
          ],
          allowedAccountIds: [account.accountId],
        }),
    defaultTags: [
      {
        tags: {
          app: identity.name,
          "app-version": identity.version,
          repository: identity.repository,
          "managed-by": "cdktf",
        },
      },
    ],
  });
}

/**
 * One stack: its backend, one aliased provider and one {@link RegionalFirstLine} per region it
 * holds, and the function zips as assets (one each, shared by its regions). Construct ids
 * are region keys, the same in either layout, so resource addresses inside a region do not
 * depend on which stack holds it, and adding a region only adds resources.
 */
export class FirstLineStack extends TerraformStack {
  readonly regions: ReadonlyMap<string, RegionalFirstLine>;

  constructor(scope: Construct, props: FirstLineStackProps) {
    const { config, stack } = props;
    super(scope, stack.name);
    // cdktf 0.21 has no property for it; the override writes it into the `terraform` block.
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    addBackend(this, stack.backend);

    // Every stack has its own copy of the zips: a stack's folder is all Terraform sees.
    const code = Object.fromEntries(
      FUNCTION_NAMES.map((name) => {
        const bundle = props.bundles[name];
        const asset = new TerraformAsset(this, `code-${name}`, {
          path: bundle.zipPath,
          type: AssetType.FILE,
          assetHash: bundle.sha256Hex.slice(0, 32),
        });
        return [name, { bundle, asset } satisfies FunctionCode];
      }),
    ) as Record<FunctionName, FunctionCode>;

    const regions = new Map<string, RegionalFirstLine>();
    for (const region of stack.regions) {
      regions.set(
        region.key,
        new RegionalFirstLine(this, region.key, {
          stackName: config.stackName,
          region,
          provider: regionProvider(this, region, props),
          code,
          operatorSubscriptions: config.operatorSubscriptions,
        }),
      );
    }
    this.regions = regions;
  }
}

/** Every stack of the configuration's layout: one, or one per account x region. */
export function firstLineStacks(scope: Construct, props: FirstLineAppProps): FirstLineStack[] {
  return stacksOf(props.config).map((stack) => new FirstLineStack(scope, { ...props, stack }));
}
