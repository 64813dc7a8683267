/**
 * Where a CLI stream consumer has got to, per shard, kept in the table as a
 * Lambda event source mapping keeps it: so a `vigil run --once` process
 * reads only what is new since the last one, not the stream's whole 24
 * hours. Item: pk `K#<consumer>`, sk `<shard id>`, with the stream ARN (a
 * recreated table has a new stream, and old checkpoints are ignored).
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { checkpointKey } from './keys';
import { queryPartition } from './query';

/** One shard's position. */
export interface ShardCheckpoint {
  /** The last record handled; absent when none was. */
  readonly sequenceNumber?: string;
  /** The shard is closed and was read to its end: nothing more will come from it. */
  readonly finished: boolean;
}

export interface StreamCheckpoints {
  /** Every shard position of `consumer` on `streamArn`. */
  load(consumer: string, streamArn: string): Promise<Map<string, ShardCheckpoint>>;
  save(consumer: string, streamArn: string, shardId: string, checkpoint: ShardCheckpoint): Promise<void>;
}

/** Checkpoints outlive the stream's 24 hours by a day, then TTL removes them. */
const KEEP_SECONDS = 2 * 86_400;

export class DynamoStreamCheckpoints implements StreamCheckpoints {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(consumer: string, streamArn: string): Promise<Map<string, ShardCheckpoint>> {
    const found = new Map<string, ShardCheckpoint>();
    const pk = checkpointKey(consumer, '').pk;
    for (const item of await queryPartition(this.client, this.tableName, pk, { consistent: true })) {
      if (item.streamArn !== streamArn) continue;
      found.set(String(item.sk), {
        ...(typeof item.sequenceNumber === 'string' ? { sequenceNumber: item.sequenceNumber } : {}),
        finished: item.finished === true,
      });
    }
    return found;
  }

  async save(consumer: string, streamArn: string, shardId: string, checkpoint: ShardCheckpoint): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...checkpointKey(consumer, shardId),
          entity: 'checkpoint',
          streamArn,
          ...checkpoint,
          expiresAt: Math.floor(Date.now() / 1000) + KEEP_SECONDS,
        },
      }),
    );
  }
}
