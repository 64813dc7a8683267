/**
 * Follows the table's DynamoDB stream on one machine, as Lambda's event
 * source mapping does in AWS: every shard from its oldest record, parents
 * before children, in order, resuming after the last record read. A batch
 * whose delivery failed is re-read from its first failed record.
 */
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';

interface ShardState {
  iterator: string | undefined;
  lastSequence?: string;
  closed: boolean;
}

/** A record and the shard it came from. */
export interface ShardRecord {
  readonly shardId: string;
  readonly record: _Record;
}

export class StreamFollower {
  private readonly shards = new Map<string, ShardState>();

  constructor(
    private readonly client: DynamoDBStreamsClient,
    private readonly streamArn: string,
  ) {}

  /** Every record written since the last read (from the oldest, the first time). */
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
          shard.iterator = await this.iterator(
            shardId,
            shard.lastSequence ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
            shard.lastSequence,
          );
          continue;
        }
        const records = page.Records ?? [];
        for (const record of records) {
          out.push({ shardId, record });
          shard.lastSequence = record.dynamodb?.SequenceNumber ?? shard.lastSequence;
        }
        shard.iterator = page.NextShardIterator;
        if (page.NextShardIterator === undefined) shard.closed = true;
        if (records.length === 0) break; // caught up with this shard
      }
    }
    return out;
  }

  /** Makes the next read start again at `sequenceNumber` of `shardId` (a failed delivery). */
  async rewind(shardId: string, sequenceNumber: string): Promise<void> {
    const shard = this.shards.get(shardId);
    if (shard === undefined) return;
    shard.iterator = await this.iterator(shardId, 'AT_SEQUENCE_NUMBER', sequenceNumber);
    shard.closed = false;
  }

  private async discoverShards(): Promise<void> {
    let start: string | undefined;
    do {
      const out = await this.client.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) {
        if (shard.ShardId === undefined || this.shards.has(shard.ShardId)) continue;
        this.shards.set(shard.ShardId, { iterator: await this.iterator(shard.ShardId, 'TRIM_HORIZON'), closed: false });
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);
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
