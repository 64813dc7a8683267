/**
 * One post a second per webhook, across every forwarder of the channel. An
 * SQS event source runs at least two invocations at once (its smallest
 * maximum concurrency), and reserving a concurrency of one per channel would
 * fail to deploy in accounts with little concurrency to spare; so the pace is
 * kept in the table: each post reserves the next free slot of its channel
 * with a conditional write, and waits for it.
 *
 * | item | pk                    | sk     |
 * |------|-----------------------|--------|
 * | pace | `SLACK#<channel>`     | `PACE` | `nextAt`: epoch ms from which the next post may go |
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { StoreError } from '../../core/errors';
import { isConditionFailure } from '../../record/conditions';
import { markerPk } from './post-markers';

/** Reserves a post's slot; resolves with the epoch ms at which it may go. */
export type ReserveSlot = (intervalMs: number) => Promise<number>;

/** Tries before giving up on a slot (each lost try means another forwarder took one: the next is free). */
const MAX_TRIES = 10;

export function sharedPace(
  client: DynamoDBDocumentClient,
  tableName: string,
  channel: string,
  now: () => number = Date.now,
): ReserveSlot {
  const key = { pk: markerPk(channel), sk: 'PACE' };
  return async (intervalMs) => {
    for (let tryNumber = 0; tryNumber < MAX_TRIES; tryNumber++) {
      const out = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
      const previous = typeof out.Item?.nextAt === 'number' ? out.Item.nextAt : undefined;
      const slot = Math.max(previous ?? 0, now());
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key, entity: 'slack-pace', nextAt: slot + intervalMs },
            ...(previous === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : { ConditionExpression: 'nextAt = :previous', ExpressionAttributeValues: { ':previous': previous } }),
          }),
        );
        return slot;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new StoreError(`Could not reserve a Slack post slot for channel ${channel} in ${MAX_TRIES} tries`);
  };
}
