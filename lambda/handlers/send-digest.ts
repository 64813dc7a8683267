/**
 * The daily digest Lambda (EventBridge cron): makes yesterday's digest and
 * writes it as one event; the notifier publishes it from the stream, once.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, createDynamoClient } from '../clients/aws-clients';
import { requireEnv } from '../core/env';
import { powertoolsLog } from '../core/powertools-log';
import { parseSettings } from '../core/settings';
import { type DigestDeps, writeDigest } from '../react/digest/write';
import { DynamoBudgetLedger } from '../record/budget-ledger';
import { DynamoHistoryStore } from '../record/dynamo-history-store';
import { DynamoGuardLedger } from '../record/guard-ledger';

export function makeHandler(deps: DigestDeps) {
  return async (): Promise<{ date?: string; written: boolean }> => {
    const event = await writeDigest(deps);
    return event === undefined ? { written: false } : { date: event.digest.date, written: true };
  };
}

function defaultDeps(): DigestDeps {
  const settings = parseSettings(requireEnv('VIGIL_SETTINGS'), 'VIGIL_SETTINGS');
  const documents = createDocumentClient(createDynamoClient());
  const tableName = requireEnv('TABLE_NAME');
  const store = new DynamoHistoryStore({
    client: documents,
    tableName,
    retentionDays: settings.history.eventRetentionDays,
  });
  return {
    reader: store,
    writer: store,
    budgetLedger: new DynamoBudgetLedger(documents, tableName),
    guardLedger: new DynamoGuardLedger(documents, tableName),
    budgets: settings.budgets,
    guard: settings.guard,
    log: powertoolsLog(new Logger({ serviceName: 'vigil' })),
  };
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async () => {
  ready ??= makeHandler(defaultDeps());
  return ready();
};
