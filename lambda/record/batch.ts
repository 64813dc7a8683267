/**
 * BatchGetItem and BatchWriteItem over any number of keys: chunked to the
 * API's limits, and asking again for what DynamoDB left unprocessed under
 * load (it may, without an error), so callers never see a partial answer.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from './keys';

/** BatchGetItem takes at most 100 keys, BatchWriteItem 25 requests. */
const GET_LIMIT = 100;
const WRITE_LIMIT = 25;
/** Rounds of unprocessed keys before giving up (the SDK already retries throttling inside each). */
const MAX_ROUNDS = 8;

/** Every item of `keys` that exists (order not kept). */
export async function batchGet(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
  options: { consistent: boolean; projection?: string; names?: Record<string, string> } = { consistent: true },
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
  for (let i = 0; i < unique.length; i += GET_LIMIT) {
    let pending: Record<string, unknown>[] = unique.slice(i, i + GET_LIMIT).map((k) => ({ pk: k.pk, sk: k.sk }));
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error(`DynamoDB left ${pending.length} keys unprocessed ${MAX_ROUNDS} times`);
      const out = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ConsistentRead: options.consistent,
              ...(options.projection === undefined ? {} : { ProjectionExpression: options.projection }),
              ...(options.names === undefined ? {} : { ExpressionAttributeNames: options.names }),
            },
          },
        }),
      );
      items.push(...((out.Responses?.[tableName] ?? []) as Record<string, unknown>[]));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return items;
}

/** Deletes every item of `keys` (absent ones are no error). */
export async function batchDelete(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
): Promise<void> {
  const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
  for (let i = 0; i < unique.length; i += WRITE_LIMIT) {
    let pending = unique
      .slice(i, i + WRITE_LIMIT)
      .map((k) => ({ DeleteRequest: { Key: { pk: k.pk, sk: k.sk } as Record<string, unknown> } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS)
        throw new Error(`DynamoDB left ${pending.length} deletes unprocessed ${MAX_ROUNDS} times`);
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }
}
