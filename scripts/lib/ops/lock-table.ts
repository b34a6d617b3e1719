/**
 * The region's lock table as the on-call commands see it (DESIGN §3.8, §3.10): per instance the
 * lock item `<instance id>` (who holds the lock, until when, the last restart) and the pause
 * item `pause#<instance id>` (`pausedUntil`, `reason`, `pausedBy`), with the attribute names the
 * workflow itself reads and writes.
 */
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import type { PauseRecord } from "../../../contract/workflow";
import { LOCK_ATTRIBUTES, PAUSE_KEY_PREFIX } from "../../../stacks/workflow";
import { type AwsAction, awsCall, awsPages } from "./aws-call";
import type { RegionClients, RegionTarget } from "./target";

/** The table's hash key (DESIGN §3.8). */
export const KEY = "instanceId";

/** A pause as the pause command writes it: every field of the contract's record. */
export type Pause = Required<PauseRecord>;

/** A pause item read back (written by hand, `reason` or `pausedBy` may be missing). */
export type StoredPause = PauseRecord;

/** The lock item's fields (any may be absent: a released lock keeps only `lastRestartAt`). */
export interface LockItem {
  readonly lockedBy?: string;
  readonly lockedAt?: string;
  readonly lockExpiresAt?: string;
  readonly lastRestartAt?: string;
}

/** What the table holds for one instance. */
export interface InstanceItems {
  readonly pause?: StoredPause;
  readonly lock?: LockItem;
}

/** Where a table is, for messages. */
export interface TableRef {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The region's label. */
  readonly where: string;
}

/** The region's lock table, through the region's clients. */
export function regionTable(target: RegionTarget, clients: Pick<RegionClients, "dynamodb">): TableRef {
  return { client: clients.dynamodb, tableName: target.lockTableName, where: target.label };
}

/** A call on the table, as its failure names it. */
function onTable(table: TableRef, action: string): AwsAction {
  return { action, resource: table.tableName, where: table.where };
}

export function pauseKey(instanceId: string): string {
  return `${PAUSE_KEY_PREFIX}${instanceId}`;
}

type Item = Record<string, AttributeValue>;

function strings(item: Item | undefined): Record<string, string> | undefined {
  if (item === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(item)) if (typeof v.S === "string") out[k] = v.S;
  return out;
}

function storedPause(item: Item | undefined): StoredPause | undefined {
  const s = strings(item);
  if (s?.pausedUntil === undefined) return undefined;
  return {
    pausedUntil: s.pausedUntil,
    ...(s.reason === undefined ? {} : { reason: s.reason }),
    ...(s.pausedBy === undefined ? {} : { pausedBy: s.pausedBy }),
  };
}

function lockItem(item: Item | undefined): LockItem | undefined {
  const s = strings(item);
  if (s === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const name of Object.values(LOCK_ATTRIBUTES)) if (s[name] !== undefined) out[name] = s[name];
  return out;
}

/** Whether a pause is in force at `now`: the workflow's own rule (an expiry ahead of the start). */
export function pauseIsLive(pause: StoredPause, now: Date): boolean {
  const until = Date.parse(pause.pausedUntil);
  return Number.isFinite(until) && until > now.getTime();
}

/** Whether a lock is held at `now` (an expired lock no longer blocks an alarm). */
export function lockIsLive(lock: LockItem | undefined, now: Date): boolean {
  if (lock?.lockedBy === undefined || lock.lockExpiresAt === undefined) return false;
  const until = Date.parse(lock.lockExpiresAt);
  return Number.isFinite(until) && until >= now.getTime();
}

/** Writes (or replaces) an instance's pause; returns the pause it replaced, if any. */
export async function putPause(
  table: TableRef,
  instanceId: string,
  pause: Pause,
): Promise<StoredPause | undefined> {
  const item: Item = {
    [KEY]: { S: pauseKey(instanceId) },
    pausedUntil: { S: pause.pausedUntil },
    reason: { S: pause.reason },
    pausedBy: { S: pause.pausedBy },
  };
  const answer = await awsCall(onTable(table, "dynamodb:PutItem"), () =>
    table.client.send(
      new PutItemCommand({ TableName: table.tableName, Item: item, ReturnValues: "ALL_OLD" }),
    ),
  );
  return storedPause(answer.Attributes);
}

/** Removes an instance's pause; returns what was removed, if anything. */
export async function deletePause(table: TableRef, instanceId: string): Promise<StoredPause | undefined> {
  const answer = await awsCall(onTable(table, "dynamodb:DeleteItem"), () =>
    table.client.send(
      new DeleteItemCommand({
        TableName: table.tableName,
        Key: { [KEY]: { S: pauseKey(instanceId) } },
        ReturnValues: "ALL_OLD",
      }),
    ),
  );
  return storedPause(answer.Attributes);
}

/** Reads one instance's pause and lock items (consistently: a pause set a moment ago counts). */
export async function readInstance(table: TableRef, instanceId: string): Promise<InstanceItems> {
  const get = (key: string) =>
    awsCall(onTable(table, "dynamodb:GetItem"), () =>
      table.client.send(
        new GetItemCommand({ TableName: table.tableName, Key: { [KEY]: { S: key } }, ConsistentRead: true }),
      ),
    );
  const [pause, lock] = await Promise.all([get(pauseKey(instanceId)), get(instanceId)]);
  const p = storedPause(pause.Item);
  const l = lockItem(lock.Item);
  return { ...(p ? { pause: p } : {}), ...(l ? { lock: l } : {}) };
}

/** Every instance's items in the table, by instance id (the table holds a few items per instance). */
export async function readTable(table: TableRef): Promise<Map<string, InstanceItems>> {
  const out = new Map<string, { pause?: StoredPause; lock?: LockItem }>();
  const pages = awsPages(
    onTable(table, "dynamodb:Scan"),
    (start: Item | undefined) =>
      table.client.send(
        new ScanCommand({
          TableName: table.tableName,
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      ),
    (page) => page.LastEvaluatedKey,
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const key = item[KEY]?.S;
      if (key === undefined) continue;
      const isPause = key.startsWith(PAUSE_KEY_PREFIX);
      const instanceId = isPause ? key.slice(PAUSE_KEY_PREFIX.length) : key;
      const entry = out.get(instanceId) ?? {};
      if (isPause) {
        const p = storedPause(item);
        if (p) entry.pause = p;
      } else {
        const l = lockItem(item);
        if (l) entry.lock = l;
      }
      out.set(instanceId, entry);
    }
  }
  return out;
}
