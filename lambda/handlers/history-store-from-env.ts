/** The history table a Lambda works on: named by TABLE_NAME, which the stack sets on every function that uses it. */
import { createDocumentClient, createDynamoClient } from '../clients/aws-clients';
import { requireEnv } from '../core/env';
import type { Settings } from '../core/settings';
import type { Tally } from '../core/tally';
import { DynamoHistoryStore } from '../record/dynamo-history-store';

/** The store over TABLE_NAME; with `tally`, its DynamoDB calls are counted (the pollers report them). */
export function historyStoreFromEnv(settings: Settings, tally?: Tally): DynamoHistoryStore {
  return new DynamoHistoryStore({
    client: createDocumentClient(createDynamoClient(tally)),
    tableName: requireEnv('TABLE_NAME'),
    retentionDays: settings.history.eventRetentionDays,
  });
}
