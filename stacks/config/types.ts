import type { InstanceSettings } from "../../functions/shared/contracts";
import type { AwsRegion } from "./regions";

/** CloudWatch statistic the CPU alarm evaluates. */
export type Statistic = "Average" | "Maximum" | "Minimum" | "Sum" | "SampleCount";
/** How the CPU alarm treats missing datapoints (`treat_missing_data`). */
export type TreatMissingData = "missing" | "ignore" | "breaching" | "notBreaching";

/** The per-instance CPU alarm, resolved (instance > region > defaults > built-in). */
export interface AlarmSettings {
  /** @default "Average" */
  readonly statistic: Statistic;
  /** Percent CPU; the alarm fires at `>=` this value. @default 99 */
  readonly threshold: number;
  /** 10, 30 or a multiple of 60. @default 300 (basic monitoring) */
  readonly periodSeconds: number;
  /** @default 2 */
  readonly evaluationPeriods: number;
  /** At most `evaluationPeriods`. @default 2 */
  readonly datapointsToAlarm: number;
  /** @default "missing" */
  readonly treatMissingData: TreatMissingData;
}

/** Log group settings, resolved. */
export interface LogSettings {
  /** One of CloudWatch Logs' allowed retention values. @default 30 */
  readonly retentionDays: number;
}

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
}

/** An endpoint subscribed to every operator topic first-line creates. */
export interface OperatorSubscription {
  readonly protocol: "email" | "https";
  /** An e-mail address, or an https URL (e.g. a pager's SNS integration URL). */
  readonly endpoint: string;
}

/** One region: its provider alias, its regional module and its instances. */
export interface ResolvedRegion {
  readonly name: AwsRegion;
  /**
   * An existing SNS topic in this region the "first-line is failing" alarm notifies.
   * @default none: first-line creates `<stackName>-<region>-operator` with the operator subscriptions
   */
  readonly operatorTopicArn?: string;
  /** Present when the region's functions run in a VPC (the SSH check then uses private IPs). */
  readonly vpc?: VpcConfig;
  /** Retention of the region's log groups (defaults > region; instances cannot change shared groups). */
  readonly logs: LogSettings;
  /** In configuration order. */
  readonly instances: readonly ResolvedInstance[];
}

/** The validated, fully merged configuration the stack is built from. */
export interface ResolvedConfig {
  /** 1-20 characters [a-z0-9-]. @default "first-line" */
  readonly stackName: string;
  readonly backend: BackendConfig;
  /** Subscribed to each operator topic first-line creates. @default none (synth warns) */
  readonly operatorSubscriptions: readonly OperatorSubscription[];
  /** Sorted by region name, so synth output does not depend on key order in the file. */
  readonly regions: readonly ResolvedRegion[];
}
