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
import type { ResolvedConfig } from "./config";
import type { FunctionCode } from "./first-line-function";
import { FUNCTION_NAMES, type FunctionName } from "./function-catalog";
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

/** Props of {@link FirstLineStack}. */
export interface FirstLineStackProps {
  /** Validated, merged configuration (see stacks/config). */
  readonly config: ResolvedConfig;
  /** The six bundled functions (see stacks/bundling). */
  readonly bundles: Readonly<Record<FunctionName, FunctionBundle>>;
  readonly identity: AppIdentity;
}

/**
 * The one stack: the backend, one aliased provider per region, the six function zips as assets
 * (one each, shared by every region), and one {@link RegionalFirstLine} per region. Construct
 * ids are region names, so adding a region only adds resources.
 */
export class FirstLineStack extends TerraformStack {
  readonly regions: ReadonlyMap<string, RegionalFirstLine>;

  constructor(scope: Construct, props: FirstLineStackProps) {
    const { config } = props;
    super(scope, config.stackName);
    // cdktf 0.21 has no property for it; the override writes it into the `terraform` block.
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);

    // Backend settings stay as written: Terraform reads the backend block literally, never as a
    // template (unlike resource arguments, see terraform-literal.ts), so escaping would change them.
    if (config.backend.type === "s3") {
      const backend = new S3Backend(this, {
        bucket: config.backend.bucket,
        key: config.backend.key,
        region: config.backend.region,
        encrypt: true,
      });
      // cdktf 0.21 predates S3's native lock file (Terraform >= 1.10); no DynamoDB table needed.
      backend.addOverride("use_lockfile", true);
    } else {
      new CloudBackend(this, {
        organization: config.backend.organization,
        workspaces: new NamedCloudWorkspace(config.backend.workspace, config.backend.project),
      });
    }

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
    for (const region of config.regions) {
      const provider = new AwsProvider(this, `aws-${region.name}`, {
        alias: region.name,
        region: region.name,
        defaultTags: [
          {
            tags: {
              app: props.identity.name,
              "app-version": props.identity.version,
              repository: props.identity.repository,
              "managed-by": "cdktf",
            },
          },
        ],
      });
      regions.set(
        region.name,
        new RegionalFirstLine(this, region.name, {
          stackName: config.stackName,
          region,
          provider,
          code,
          operatorSubscriptions: config.operatorSubscriptions,
        }),
      );
    }
    this.regions = regions;
  }
}
