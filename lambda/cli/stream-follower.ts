/**
 * Follows the table's DynamoDB stream on one machine, as Lambda's event
 * source mapping does in AWS: every shard in order, resuming after the last
 * record handled. With checkpoints, the position is kept in the table per
 * consumer and shard, so the next process (`vigil run --once` is one process
 * per cycle) starts where this one stopped instead of at the stream's
 * oldest record; without them, the first read starts at the oldest record.
 */
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type ShardIteratorType,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { ShardCheckpoint, StreamCheckpoints } from '../record/checkpoints';

interface ShardState {
  iterator: string | undefined;
  /** The last record read (not necessarily handled). */
  lastRead?: string;
  closed: boolean;
}

/** A record and the shard it came from. */
export interface ShardRecord {
  readonly shardId: string;
  readonly record: _Record;
}

/** Where this follower keeps its position. */
export interface FollowerCheckpoints {
  readonly store: StreamCheckpoints;
  /** The consumer's name, e.g. `notifier`, `reactors`. */
  readonly consumer: string;
}

export class StreamFollower {
  private readonly shards = new Map<string, ShardState>();
  private saved: Map<string, ShardCheckpoint> | undefined;

  constructor(
    private readonly client: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly checkpoints?: FollowerCheckpoints,
  ) {}

  /** Every record written since the last read (from the checkpoint or the oldest, the first time). */
  async readAvailable(): Promise<ShardRecord[]> {
    await this.discoverShards();
    const out: ShardRecord[] = [];
    for (const [shardId, shard] of this.shards) {
      while (!shard.closed && shard.iterator !== undefined) {
        let page: { Records?: _Record[]; NextShardIterator?: string };
        try {
          page = await this.client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }));
        } catch (error) {
          if (!(error instanceof ExpiredIteratorException)) throw error;
          shard.iterator = await this.resume(shardId, shard.lastRead);
          continue;
        }
        const records = page.Records ?? [];
        for (const record of records) {
          out.push({ shardId, record });
          shard.lastRead = record.dynamodb?.SequenceNumber ?? shard.lastRead;
        }
        shard.iterator = page.NextShardIterator;
        if (page.NextShardIterator === undefined) shard.closed = true;
        if (records.length === 0) break; // caught up with this shard
      }
    }
    return out;
  }

  /** Shards read to their end (closed, nothing more will come). */
  finishedShards(): string[] {
    return [...this.shards].filter(([, shard]) => shard.closed).map(([id]) => id);
  }

  /** True when `shardId` was read to its end and will give nothing more. */
  isFinished(shardId: string): boolean {
    return this.shards.get(shardId)?.closed === true;
  }

  /**
   * Records that everything of `shardId` up to `sequenceNumber` is handled
   * (`finished`: the whole shard, which is closed). A no-op without checkpoints.
   */
  async commit(shardId: string, sequenceNumber: string | undefined, finished = false): Promise<void> {
    if (this.checkpoints === undefined) return;
    const previous = this.saved?.get(shardId);
    const sequence = sequenceNumber ?? previous?.sequenceNumber;
    const next: ShardCheckpoint = { ...(sequence === undefined ? {} : { sequenceNumber: sequence }), finished };
    if (previous?.sequenceNumber === next.sequenceNumber && previous?.finished === next.finished) return;
    await this.checkpoints.store.save(this.checkpoints.consumer, this.streamArn, shardId, next);
    this.saved?.set(shardId, next);
  }

  /** Makes the next read start again at `sequenceNumber` of `shardId` (a failed delivery). */
  async rewind(shardId: string, sequenceNumber: string): Promise<void> {
    const shard = this.shards.get(shardId);
    if (shard === undefined) return;
    shard.iterator = await this.iterator(shardId, 'AT_SEQUENCE_NUMBER', sequenceNumber);
    shard.closed = false;
  }

  private async discoverShards(): Promise<void> {
    if (this.checkpoints !== undefined && this.saved === undefined) {
      this.saved = await this.checkpoints.store.load(this.checkpoints.consumer, this.streamArn);
    }
    let start: string | undefined;
    do {
      const out = await this.client.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) {
        if (shard.ShardId === undefined || this.shards.has(shard.ShardId)) continue;
        const saved = this.saved?.get(shard.ShardId);
        if (saved?.finished === true) {
          this.shards.set(shard.ShardId, { iterator: undefined, closed: true });
          continue;
        }
        this.shards.set(shard.ShardId, {
          iterator: await this.resume(shard.ShardId, saved?.sequenceNumber),
          ...(saved?.sequenceNumber === undefined ? {} : { lastRead: saved.sequenceNumber }),
          closed: false,
        });
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);
  }

  /** An iterator after `sequenceNumber`, or at the oldest record when there is none or it was trimmed. */
  private async resume(shardId: string, sequenceNumber: string | undefined): Promise<string | undefined> {
    if (sequenceNumber === undefined) return this.iterator(shardId, 'TRIM_HORIZON');
    try {
      return await this.iterator(shardId, 'AFTER_SEQUENCE_NUMBER', sequenceNumber);
    } catch (error) {
      // Older than the stream's 24 hours: what was missed is in the outbox, not lost.
      if (!(error instanceof TrimmedDataAccessException)) throw error;
      return this.iterator(shardId, 'TRIM_HORIZON');
    }
  }

  private async iterator(
    shardId: string,
    type: ShardIteratorType,
    sequenceNumber?: string,
  ): Promise<string | undefined> {
    const out = await this.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(sequenceNumber === undefined ? {} : { SequenceNumber: sequenceNumber }),
      }),
    );
    return out.ShardIterator;
  }
}
