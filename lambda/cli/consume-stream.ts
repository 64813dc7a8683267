/**
 * The CLI's stand-in for an event source mapping: reads what the stream has
 * since this consumer last read, keeps the records the consumer's Lambda
 * filter would pass, hands them over in batches of at most 100 per shard,
 * and re-reads from the first failed record next time, as Lambda does with
 * batch item failures. Each consumer (notifier, accountant, guard) has its
 * own follower, as each Lambda has its own event source mapping.
 */
import type { StreamRecordInput } from '../deliver/stream-events';
import type { StreamRecordLike } from '../record/stream-filter';
import type { ShardRecord, StreamFollower } from './stream-follower';

/** Lambda's batch size for Vigil's stream consumers. */
const BATCH_SIZE = 100;

export interface StreamConsumer<R extends { failedSequenceNumbers: readonly string[] }> {
  readonly follower: StreamFollower;
  /** The consumer's Lambda event filter, as a predicate. */
  readonly accepts: (record: StreamRecordLike) => boolean;
  readonly process: (batch: readonly StreamRecordInput[]) => Promise<R>;
}

/** Feeds a consumer what the stream has; returns each batch's report. */
export async function consumeStream<R extends { failedSequenceNumbers: readonly string[] }>(
  consumer: StreamConsumer<R>,
): Promise<R[]> {
  const records = await consumer.follower.readAvailable();
  const byShard = new Map<string, ShardRecord[]>();
  for (const r of records) {
    if (!consumer.accepts(r.record as StreamRecordLike)) continue;
    byShard.set(r.shardId, [...(byShard.get(r.shardId) ?? []), r]);
  }
  const reports: R[] = [];
  for (const [shardId, shardRecords] of byShard) {
    for (let i = 0; i < shardRecords.length; i += BATCH_SIZE) {
      const batch = shardRecords.slice(i, i + BATCH_SIZE).map((r) => r.record as StreamRecordInput);
      const report = await consumer.process(batch);
      reports.push(report);
      if (report.failedSequenceNumbers.length > 0) {
        const first = [...report.failedSequenceNumbers].sort(compareSequence)[0] as string;
        await consumer.follower.rewind(shardId, first);
        break; // later batches of this shard wait until the failed one goes through
      }
    }
  }
  return reports;
}

/** Stream sequence numbers are decimal strings of varying length. */
function compareSequence(a: string, b: string): number {
  return a.length === b.length ? a.localeCompare(b) : a.length - b.length;
}
