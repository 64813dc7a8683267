/**
 * Creates the history table where none exists, with the same schema the
 * stack deploys (keys, the two GSIs, stream, TTL), so `vigil run` works
 * against an empty DynamoDB Local.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { GLOBAL_INDEXES, KEY, TTL_ATTRIBUTE } from '../record/table-schema';

/** Returns the table's stream ARN, creating the table first if needed. */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<{ streamArn: string; created: boolean }> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const streamArn = out.Table?.LatestStreamArn;
    if (streamArn === undefined || out.Table?.StreamSpecification?.StreamEnabled !== true) {
      throw new Error(
        `Table ${tableName} exists but has no stream; Vigil needs its stream (NEW_IMAGE) to deliver notifications`,
      );
    }
    return { streamArn, created: false };
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const attributes = new Set<string>([KEY.pk, KEY.sk, ...GLOBAL_INDEXES.flatMap((i) => [i.pk, i.sk])]);
  try {
    await create(client, tableName, attributes);
  } catch (error) {
    // Another process (a second `vigil run` started at the same moment) created it first: use theirs.
    if (!(error instanceof ResourceInUseException)) throw error;
    await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
    return { streamArn: await streamOf(client, tableName), created: false };
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (error) {
    // Already enabled by a racing process: TTL is set either way.
    if (!(error instanceof Error && /already enabled/i.test(error.message))) throw error;
  }
  return { streamArn: await streamOf(client, tableName), created: true };
}

async function streamOf(client: DynamoDBClient, tableName: string): Promise<string> {
  const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = out.Table?.LatestStreamArn;
  if (streamArn === undefined) throw new Error(`Table ${tableName} was created without a stream`);
  return streamArn;
}

async function create(client: DynamoDBClient, tableName: string, attributes: ReadonlySet<string>): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: KEY.pk, KeyType: 'HASH' },
        { AttributeName: KEY.sk, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: GLOBAL_INDEXES.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.pk, KeyType: 'HASH' },
          { AttributeName: index.sk, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
}
