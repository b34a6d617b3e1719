/**
 * The S3 state backend of a synthesized stack, run as written against the loopback stand-in:
 * Terraform's s3 backend reads, locks and unlocks the stack's state in an in-memory bucket the
 * stand-in serves, so a plan shows which state each stack uses (per-region stacks must each use
 * their own). The stack's backend block is not changed: its bucket, key, region, `encrypt` and
 * `use_lockfile` stay; the test environment adds only {@link S3_BACKEND_TEST_SETTINGS} as
 * `-backend-config` (a partial configuration Terraform merges into the block). The endpoint comes
 * from `AWS_ENDPOINT_URL` (terraform-copy.ts `terraformEnv`), which the backend reads as the
 * provider does.
 */
import { type AwsCall, type AwsStandIn, rawAnswer } from "./aws-stand-in";
import { FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY } from "./terraform-copy";

/** One setting the test environment gives the s3 backend, with its reason. */
export interface BackendTestSetting {
  readonly name: string;
  readonly value: string;
  readonly why: string;
}

export const S3_BACKEND_TEST_SETTINGS: readonly BackendTestSetting[] = [
  { name: "access_key", value: FAKE_ACCESS_KEY_ID, why: "fake credentials only the stand-in sees" },
  { name: "secret_key", value: FAKE_SECRET_ACCESS_KEY, why: "fake credentials only the stand-in sees" },
  {
    name: "skip_credentials_validation",
    value: "true",
    why: "the backend need not ask STS who the fake keys belong to",
  },
  { name: "skip_requesting_account_id", value: "true", why: "as above: no account lookup" },
  { name: "skip_metadata_api_check", value: "true", why: "never reach for an instance metadata service" },
  {
    name: "skip_region_validation",
    value: "true",
    why: "the mirrored provider's region list may predate the backend's region",
  },
  {
    name: "use_path_style",
    value: "true",
    why: "the stand-in is one loopback host: the bucket goes in the path, not the host name",
  },
  {
    name: "skip_s3_checksum",
    value: "true",
    why: "a checksum trailer makes the request body aws-chunked; the stand-in stores bodies as sent",
  },
];

/** `-backend-config=<name>=<value>` for each of {@link S3_BACKEND_TEST_SETTINGS}. */
export function s3BackendConfigArgs(): string[] {
  return S3_BACKEND_TEST_SETTINGS.map((s) => `-backend-config=${s.name}=${s.value}`);
}

/** S3's own error document (not the query protocol's ErrorResponse). */
function s3Error(status: number, code: string, message: string) {
  return rawAnswer(
    status,
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    { "content-type": "application/xml" },
  );
}

/** The objects the stand-in holds, by `<bucket>/<key>`. */
export interface StateBuckets {
  readonly objects: ReadonlyMap<string, string>;
}

/**
 * Serves path-style S3 buckets from memory on `standIn`: what the s3 backend asks (ListObjectsV2
 * for workspaces, HeadObject/GetObject of the state, PutObject with `If-None-Match: *` for the
 * lock file, then GetObject and DeleteObject of it). Any bucket exists and starts empty.
 */
export function serveStateBuckets(standIn: AwsStandIn): StateBuckets {
  const objects = new Map<string, string>();
  const at = (call: AwsCall) => `${call.pathParams.Bucket}/${call.pathParams.Key}`;
  standIn
    .on(
      "s3",
      "ListObjectsV2",
      (call) => {
        const bucket = call.pathParams.Bucket ?? "";
        const prefix = call.query.prefix ?? "";
        const keys = [...objects.keys()]
          .filter((k) => k.startsWith(`${bucket}/${prefix}`))
          .map((k) => k.slice(bucket.length + 1))
          .sort();
        const contents = keys.map((k) => `<Contents><Key>${k}</Key></Contents>`).join("");
        return rawAnswer(
          200,
          `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${prefix}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
          { "content-type": "application/xml" },
        );
      },
      { method: "GET", path: "/{Bucket}" },
    )
    .on(
      "s3",
      "HeadObject",
      (call) => {
        const body = objects.get(at(call));
        return body === undefined
          ? rawAnswer(404, "")
          : rawAnswer(200, "", { "content-length": String(Buffer.byteLength(body)) });
      },
      { method: "HEAD", path: "/{Bucket}/{Key+}" },
    )
    .on(
      "s3",
      "GetObject",
      (call) => {
        const body = objects.get(at(call));
        return body === undefined
          ? s3Error(404, "NoSuchKey", "The specified key does not exist.")
          : rawAnswer(200, body, { "content-type": "application/octet-stream" });
      },
      { method: "GET", path: "/{Bucket}/{Key+}" },
    )
    .on(
      "s3",
      "PutObject",
      (call) => {
        if (call.headers["if-none-match"] === "*" && objects.has(at(call))) {
          return s3Error(412, "PreconditionFailed", "At least one of the preconditions did not hold.");
        }
        objects.set(at(call), call.rawBody);
        return rawAnswer(200, "", { etag: `"${objects.size}"` });
      },
      { method: "PUT", path: "/{Bucket}/{Key+}" },
    )
    .on(
      "s3",
      "DeleteObject",
      (call) => {
        objects.delete(at(call));
        return rawAnswer(204, "");
      },
      { method: "DELETE", path: "/{Bucket}/{Key+}" },
    );
  return { objects };
}

/** One S3 object call of the backend: which operation on which object, from where. */
export interface StateObjectCall {
  readonly operation: string;
  readonly bucket: string;
  /** Undefined for a bucket listing. */
  readonly key: string | undefined;
  readonly region: string | undefined;
  readonly accessKeyId: string | undefined;
}

/** The S3 calls among `calls`, as object operations. */
export function stateObjectCalls(calls: readonly AwsCall[]): StateObjectCall[] {
  return calls
    .filter((c) => c.service === "s3")
    .map((c) => ({
      operation: c.operation,
      bucket: c.pathParams.Bucket ?? "",
      key: c.pathParams.Key,
      region: c.region,
      accessKeyId: c.accessKeyId,
    }));
}
