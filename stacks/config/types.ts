import type { InstanceSettings } from "../../contract/workflow";
import type { AlarmSettings, KmsSettings, LogSettings } from "./blocks";
import type { AwsRegion } from "./regions";

export type { AlarmSettings, KmsSettings, LogSettings, Statistic, TreatMissingData } from "./blocks";

/** Where a region's functions run when they must reach instances by private IP. */
export interface VpcConfig {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/** Remote state in S3 (the default backend), locked with S3's own lock file. */
export interface S3BackendConfig {
  readonly type: "s3";
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
}

/** Remote state in Terraform Cloud / HCP Terraform. */
export interface CloudBackendConfig {
  readonly type: "cloud";
  readonly organization: string;
  readonly workspace: string;
  readonly project?: string;
}

export type BackendConfig = S3BackendConfig | CloudBackendConfig;

/** One instance with everything merged: what its alarm, rule and workflow input are built from. */
export interface ResolvedInstance {
  /** Exactly what the rule's input transformer hands the workflow. */
  readonly settings: InstanceSettings;
  readonly alarm: AlarmSettings;
  /** The instance's merged logs block (the log groups themselves are per region: see ResolvedRegion.logs). */
  readonly logs: LogSettings;
  /**
   * Whether its EventBridge rule is enabled: the instance's `enabled`, else its region's.
   * `false` keeps every resource and only disables the rule. @default true
   */
  readonly enabled: boolean;
}

/** An AWS account of a fleet (`accounts.<name>`): where its regions deploy, and as whom. */
export interface ResolvedAccount {
  /** The key under `accounts`: 1-16 characters `[a-z][a-z0-9-]`. Part of provider aliases and stack names. */
  readonly name: string;
  /** 12 digits; the providers' `allowed_account_ids`. */
  readonly accountId: string;
  /** A role in `accountId` the providers assume. */
  readonly roleArn: string;
  /** Passed to `sts:AssumeRole` when the role's trust policy requires it. @default none */
  readonly externalId?: string;
}

/** An endpoint subscribed to every operator topic first-line creates. */
export interface OperatorSubscription {
  readonly protocol: "email" | "https";
  /** An e-mail address, or an https URL (e.g. a pager's SNS integration URL). */
  readonly endpoint: string;
}

/** How regions are split into stacks (DESIGN §6). */
export type Layout = "single" | "per-region";

/** One region: its provider alias, its regional module and its instances. */
export interface ResolvedRegion {
  readonly name: AwsRegion;
  /** The account this region deploys to; absent without `accounts`. */
  readonly account?: ResolvedAccount;
  /**
   * Provider alias and regional construct id: `<region>`, or `<account>-<region>` with accounts.
   * Unique in a configuration, and the same in both layouts.
   */
  readonly key: string;
  /**
   * An existing SNS topic in this region the "first-line is failing" alarm notifies.
   * @default none: first-line creates `<stackName>-<region>-operator` with the operator subscriptions
   */
  readonly operatorTopicArn?: string;
  /** Present when the region's functions run in a VPC (the SSH check then uses private IPs). */
  readonly vpc?: VpcConfig;
  /** Customer-managed keys of the region (defaults > region, field by field). @default none */
  readonly kms: KmsSettings;
  /** Retention of the region's log groups (defaults > region; instances cannot change shared groups). */
  readonly logs: LogSettings;
  /** In configuration order. */
  readonly instances: readonly ResolvedInstance[];
}

/** The validated, fully merged configuration the stack is built from. */
export interface ResolvedConfig {
  /** 1-20 characters [a-z0-9-]. @default "first-line" */
  readonly stackName: string;
  /**
   * As written, placeholders (`{stack}`, `{account}`, `{region}`) included; `stacksOf` gives each
   * stack its own, substituted.
   */
  readonly backend: BackendConfig;
  /** @default "single" */
  readonly layout: Layout;
  /** Sorted by name; empty without `accounts`. */
  readonly accounts: readonly ResolvedAccount[];
  /** Subscribed to each operator topic first-line creates. @default none (synth warns) */
  readonly operatorSubscriptions: readonly OperatorSubscription[];
  /**
   * What the operator should change but need not (deprecated keys, risky choices), one line each,
   * printed at synth as `first-line: warning: <line>`.
   */
  readonly warnings: readonly string[];
  /**
   * Every region of every account, one flat list sorted by `key`, so synth output does not depend
   * on key order in the file. A region name appears once per account that deploys it.
   */
  readonly regions: readonly ResolvedRegion[];
}
