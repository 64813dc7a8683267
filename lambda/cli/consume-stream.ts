/**
 * The CLI's stand-in for an event source mapping: reads what the stream has
 * since this consumer's checkpoint, keeps the records the consumer's Lambda
 * filter would pass, hands them over in batches of at most 100 per shard,
 * and moves the checkpoint past each batch handled. A batch that fails (the
 * table itself failed) is read again from its first record next time, as
 * Lambda does with batch item failures; the records before it stay handled.
 */
import type { StreamRecordInput } from '../record/stream-events';
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

const sequenceOf = (r: ShardRecord) => r.record.dynamodb?.SequenceNumber;

/** Feeds a consumer what the stream has; returns each batch's report. */
export async function consumeStream<R extends { failedSequenceNumbers: readonly string[] }>(
  consumer: StreamConsumer<R>,
): Promise<R[]> {
  const byShard = new Map<string, ShardRecord[]>();
  for (const r of await consumer.follower.readAvailable())
    byShard.set(r.shardId, [...(byShard.get(r.shardId) ?? []), r]);
  const reports: R[] = [];
  for (const [shardId, read] of byShard) {
    // Batches are cut from the accepted records; each batch's checkpoint is
    // the last record read before the next batch (filtered ones included).
    let failedAt: number | undefined;
    let start = 0;
    while (start < read.length) {
      const batch: ShardRecord[] = [];
      let end = start;
      for (; end < read.length && batch.length < BATCH_SIZE; end++) {
        const r = read[end] as ShardRecord;
        if (consumer.accepts(r.record as StreamRecordLike)) batch.push(r);
      }
      if (batch.length > 0) {
        const report = await consumer.process(batch.map((r) => r.record as StreamRecordInput));
        reports.push(report);
        if (report.failedSequenceNumbers.length > 0) {
          failedAt = start;
          break;
        }
      }
      start = end;
    }
    if (failedAt !== undefined) {
      const lastHandled = read[failedAt - 1];
      await consumer.follower.commit(shardId, lastHandled === undefined ? undefined : sequenceOf(lastHandled));
      const first = read[failedAt];
      const firstSequence = first === undefined ? undefined : sequenceOf(first);
      if (firstSequence !== undefined) await consumer.follower.rewind(shardId, firstSequence);
      continue;
    }
    const last = read.at(-1);
    await consumer.follower.commit(
      shardId,
      last === undefined ? undefined : sequenceOf(last),
      consumer.follower.isFinished(shardId),
    );
  }
  // Closed shards with nothing new: remembered as finished, so no later process reads them again.
  for (const shardId of consumer.follower.finishedShards()) {
    if (!byShard.has(shardId)) await consumer.follower.commit(shardId, undefined, true);
  }
  return reports;
}
