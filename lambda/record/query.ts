/** Reading every item a Query matches, page after page: the one loop every store and ledger reads with. */
import { type DynamoDBDocumentClient, paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/** Every item of a Query on `tableName` (or one of its indexes), all pages. */
export async function queryAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  input: Omit<QueryCommandInput, 'TableName'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery({ client }, { TableName: tableName, ...input })) {
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
  }
  return items;
}

/** Every item of partition `pk`; `consistent` for a strongly consistent read, `filter` to keep some. */
export function queryPartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  options: {
    readonly consistent?: boolean;
    readonly filter?: {
      readonly expression: string;
      readonly names?: Record<string, string>;
      readonly values?: Record<string, unknown>;
    };
  } = {},
): Promise<Record<string, unknown>[]> {
  const { filter } = options;
  return queryAll(client, tableName, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk, ...filter?.values },
    ...(filter === undefined ? {} : { FilterExpression: filter.expression }),
    ...(filter?.names === undefined ? {} : { ExpressionAttributeNames: filter.names }),
    ...(options.consistent === true ? { ConsistentRead: true } : {}),
  });
}
