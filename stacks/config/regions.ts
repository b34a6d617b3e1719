/**
 * AWS commercial regions (partition `aws`) a region key may name. GovCloud and China use other
 * partitions, other ARNs and other credentials, so they are deliberately not offered here.
 * Keep the list sorted: error messages and did-you-mean suggestions read better that way.
 */
export const AWS_REGIONS = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
] as const;

/** A region name from {@link AWS_REGIONS}. */
export type AwsRegion = (typeof AWS_REGIONS)[number];

const REGION_SET: ReadonlySet<string> = new Set(AWS_REGIONS);

/** True when `name` is one of the commercial regions this project deploys to. */
export function isAwsRegion(name: string): name is AwsRegion {
  return REGION_SET.has(name);
}

/**
 * Regions AWS launched after 20 March 2019: disabled in every account until someone enables them
 * (Account Management `EnableRegion`, or the console's "AWS Regions" page). Everything else in
 * {@link AWS_REGIONS} is enabled by default and cannot be disabled.
 */
export const OPT_IN_REGIONS: ReadonlySet<AwsRegion> = new Set<AwsRegion>([
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-south-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-west-1",
  "eu-central-2",
  "eu-south-1",
  "eu-south-2",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
]);
