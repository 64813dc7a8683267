/**
 * The CLI's stand-in for the notifier's event source mapping: reads what the
 * stream has, applies the same filter Lambda applies, hands the notifier
 * batches of at most 100 records per shard, and re-reads from the first
 * failed record next time, as Lambda does with batch item failures.
 */
import { type NotifierDeps, notifyBatch } from '../deliver/notifier';
import type { StreamRecordInput } from '../deliver/stream-events';
import { isNewEventRecord } from '../record/stream-filter';
import type { ShardRecord, StreamFollower } from './stream-follower';

/** Lambda's batch size for the notifier's event source. */
const BATCH_SIZE = 100;

export interface DeliveryTotals {
  readonly events: number;
  readonly published: number;
  readonly alreadyDelivered: number;
  readonly failed: number;
}

export async function deliverFromStream(follower: StreamFollower, deps: NotifierDeps): Promise<DeliveryTotals> {
  const records = await follower.readAvailable();
  const byShard = new Map<string, ShardRecord[]>();
  for (const r of records) {
    if (!isNewEventRecord(r.record as Parameters<typeof isNewEventRecord>[0])) continue;
    byShard.set(r.shardId, [...(byShard.get(r.shardId) ?? []), r]);
  }
  let events = 0;
  let published = 0;
  let alreadyDelivered = 0;
  let failed = 0;
  for (const [shardId, shardRecords] of byShard) {
    for (let i = 0; i < shardRecords.length; i += BATCH_SIZE) {
      const batch = shardRecords.slice(i, i + BATCH_SIZE).map((r) => r.record as StreamRecordInput);
      const report = await notifyBatch(batch, deps);
      events += report.events;
      published += report.published;
      alreadyDelivered += report.alreadyDelivered;
      if (report.failedSequenceNumbers.length > 0) {
        failed += report.failedSequenceNumbers.length;
        const first = [...report.failedSequenceNumbers].sort(compareSequence)[0] as string;
        await follower.rewind(shardId, first);
        break; // later batches of this shard wait until the failed one goes through
      }
    }
  }
  return { events, published, alreadyDelivered, failed };
}

/** Stream sequence numbers are decimal strings of varying length. */
function compareSequence(a: string, b: string): number {
  return a.length === b.length ? a.localeCompare(b) : a.length - b.length;
}
