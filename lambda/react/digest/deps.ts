/**
 * The digest's dependencies over the history table: the one wiring shared by
 * the scheduled Lambda (lambda/handlers/send-digest.ts) and `vigil digest`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Log } from '../../core/log';
import type { Settings } from '../../core/settings';
import { DynamoBudgetLedger } from '../../record/budget-ledger';
import { DynamoHistoryStore } from '../../record/dynamo-history-store';
import { DynamoGuardLedger } from '../../record/guard-ledger';
import type { DigestDeps } from './write';

export function digestDepsOver(
  documents: DynamoDBDocumentClient,
  tableName: string,
  settings: Settings,
  log: Log,
): DigestDeps {
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
    log,
  };
}
