/**
 * Preparing a fleet too large to baseline through DynamoDB Local in a few
 * minutes (the large fleet: 100,000 runs). Vigil's own baseline cycle runs
 * against the emulator with a store that keeps, in memory, what a steady-state
 * cycle can ever read back (the latest state of everything still active, and
 * the cursors), and only counts the rest (finished runs, and the events).
 * Those items are then written straight into the table with BatchWriteItem,
 * built by the same key functions the DynamoDB store uses. A cycle at the
 * same step afterwards must find nothing to write: that proves the seeded
 * table is what the baseline would have left, as far as polling can tell.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Kind, Service } from '../../lambda/core/observation';
import type { ChangeEvent, StoredState } from '../../lambda/record/change-event';
import type { Cursor, StateStore, WriteOutcome } from '../../lambda/record/history-store';
import { cursorItem, latestItem } from '../../lambda/record/keys';

const CHILD_KINDS: ReadonlySet<Kind> = new Set<Kind>(['job', 'deadline-session']);

const key = (scope: string, kind: Kind, arn: string) => `${scope}|${kind}|${arn}`;

/** A StateStore for a baseline over an empty table that keeps only what later cycles read. */
export class CaptureStore implements StateStore {
  /** Latest states a later cycle reads: active resources, and every child of an active parent. */
  readonly active = new Map<string, StoredState>();
  readonly cursors = new Map<string, Cursor>();
  /** Change transactions the baseline made (each a latest item and an event item). */
  changes = 0;
  /** Finished resources' latest items (other than children), not kept: a steady-state cycle never reads them. */
  finished = 0;

  async loadActive(_service: Service): Promise<StoredState[]> {
    return [];
  }

  async loadScope(_scope: string): Promise<StoredState[]> {
    return [];
  }

  async getLatest(scope: string, kind: Kind, arn: string): Promise<StoredState | undefined> {
    return this.active.get(key(scope, kind, arn));
  }

  async loadCursors(_service: Service): Promise<Cursor[]> {
    return [];
  }

  async saveCursor(cursor: Cursor): Promise<void> {
    this.cursors.set(`${cursor.service}|${cursor.scope}|${cursor.kind}`, cursor);
  }

  async writeChange(latest: StoredState, _event: ChangeEvent, _expected: number | undefined): Promise<WriteOutcome> {
    this.changes++;
    const k = key(latest.scope, latest.kind, latest.arn);
    // Children (a run's jobs, a Deadline job's sessions) are only listed for parents still active,
    // and a later cycle loads them all, finished or not, with its parent's scope: keep every one.
    if (latest.terminal && !CHILD_KINDS.has(latest.kind)) {
      this.active.delete(k);
      this.finished++;
    } else {
      this.active.set(k, latest);
    }
    return 'written';
  }

  /** A baseline over an empty table follows nothing, so nothing is ever answered NotFound. */
  async markNotFound(_state: StoredState, _at: string): Promise<boolean> {
    return false;
  }

  async clearNotFound(_state: StoredState): Promise<void> {}
}

/** Writes the captured items into `tableName` (25 per BatchWriteItem); returns how many. */
export async function writeSeed(
  client: DynamoDBDocumentClient,
  tableName: string,
  capture: CaptureStore,
  retentionDays: number,
): Promise<{ items: number; requests: number }> {
  const items = [
    ...[...capture.active.values()].map((state) => latestItem(state, retentionDays)),
    ...[...capture.cursors.values()].map((cursor) => cursorItem(cursor)),
  ];
  return { items: items.length, requests: await batchWriteAll(client, tableName, items) };
}

/** Writes `items` with BatchWriteItem, 25 a request and four requests in flight; returns the requests made. */
export async function batchWriteAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
): Promise<number> {
  let requests = 0;
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  // A few requests in flight: DynamoDB Local takes them as fast as one at a time, but not slower.
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < chunks.length) {
        let pending = (chunks[next++] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } }));
        while (pending.length > 0) {
          requests++;
          const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
          pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
        }
      }
    }),
  );
  return requests;
}
