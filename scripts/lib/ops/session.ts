/**
 * Who the operator is and which credentials reach a region (DESIGN §7): the SDK's default
 * credential and endpoint resolution, or, for a region of an `accounts` entry, credentials from
 * `sts:AssumeRole` of that account's role (with its external id), assumed once per account and
 * renewed before they expire. The session name starts with `first-line` and names the command
 * and the operator, so CloudTrail in that account shows who paused or drilled what.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { ResolvedAccount } from "../../../stacks/config";
import { awsCall } from "./aws-call";

/** Credentials as the SDK clients take them. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** A provider the SDK calls whenever it needs credentials (it caches until near expiration). */
export type CredentialsProvider = () => Promise<Credentials>;

/** The caller of the default credentials. */
export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

/** Assumed credentials are renewed this long before they expire (a drill may wait long). */
const RENEW_BEFORE_MS = 5 * 60_000;

/** `first-line-<command>-<operator>`, within STS's 64 characters of `[\w+=,.@-]`. */
export function sessionName(command: string, callerArn: string): string {
  const who = (callerArn.split("/").pop() ?? "operator").replace(/[^\w+=,.@-]/g, "-");
  return `first-line-${command}-${who}`.slice(0, 64);
}

export class AwsSession {
  private readonly identities = new Map<string, Promise<CallerIdentity>>();
  private readonly assumed = new Map<string, Promise<Credentials>>();

  /** @param command the command's name, part of assumed sessions' names */
  constructor(private readonly command: string) {}

  /** The operator: GetCallerIdentity of the default credentials (asked once per region). */
  caller(region: string): Promise<CallerIdentity> {
    let identity = this.identities.get(region);
    if (!identity) {
      identity = awsCall(
        { action: "sts:GetCallerIdentity", resource: "the default credentials", where: region },
        () => new STSClient({ region }).send(new GetCallerIdentityCommand({})),
      ).then((answer) => ({ account: answer.Account ?? "", arn: answer.Arn ?? "" }));
      // A failed lookup is not cached: the next command may have fixed credentials.
      identity.catch(() => this.identities.delete(region));
      this.identities.set(region, identity);
    }
    return identity;
  }

  /** Credentials for a region: undefined (the default chain) without an account, else the account's role. */
  credentials(account: ResolvedAccount | undefined, region: string): CredentialsProvider | undefined {
    if (account === undefined) return undefined;
    return () => {
      const current = this.assumed.get(account.name);
      const fresh = current?.then((c) =>
        c.expiration && c.expiration.getTime() - Date.now() < RENEW_BEFORE_MS ? undefined : c,
      );
      const next = (fresh ?? Promise.resolve(undefined)).then((c) => c ?? this.assume(account, region));
      this.assumed.set(account.name, next);
      next.catch(() => this.assumed.delete(account.name));
      return next;
    };
  }

  private async assume(account: ResolvedAccount, region: string): Promise<Credentials> {
    const caller = await this.caller(region);
    const answer = await awsCall(
      {
        action: "sts:AssumeRole",
        resource: account.roleArn,
        where: `${region}, account ${account.name}`,
      },
      () =>
        new STSClient({ region }).send(
          new AssumeRoleCommand({
            RoleArn: account.roleArn,
            RoleSessionName: sessionName(this.command, caller.arn),
            ...(account.externalId === undefined ? {} : { ExternalId: account.externalId }),
          }),
        ),
    );
    const c = answer.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw new Error(`sts:AssumeRole of ${account.roleArn} returned no credentials`);
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  }
}
