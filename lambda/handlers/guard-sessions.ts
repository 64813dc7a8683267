/**
 * The session guard Lambda. Two triggers, one decision: the table's stream
 * (a remote access session changed: decide for it now) and a one-minute
 * schedule (sessions run past their limit without changing: decide for
 * every session that can still run).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createDeviceFarmClient, createDocumentClient, createDynamoClient } from '../clients/aws-clients';
import { requireEnv } from '../core/env';
import { powertoolsLog } from '../core/powertools-log';
import { parseSettings } from '../core/settings';
import type { StreamRecordInput } from '../deliver/stream-events';
import { eachChange } from '../react/each-change';
import { type GuardDeps, guardSessions } from '../react/guard/guard';
import { stopWith } from '../react/guard/stop';
import { DynamoHistoryStore } from '../record/dynamo-history-store';
import { DynamoGuardLedger } from '../record/guard-ledger';
import type { StateStore } from '../record/history-store';

type GuardInput = DynamoDBStreamEvent | { source?: string; 'detail-type'?: string };

export function makeHandler(deps: GuardDeps & { store: StateStore }) {
  return async (input: GuardInput): Promise<DynamoDBBatchResponse | { acted: number }> => {
    if ('Records' in input) {
      return eachChange(input.Records as StreamRecordInput[], deps.log, async (change) => {
        await guardSessions([change.state], deps);
      });
    }
    const active = await deps.store.loadActive('devicefarm');
    const acted = await guardSessions(
      active.filter((s) => s.kind === 'remote-access-session'),
      deps,
    );
    return { acted: acted.length };
  };
}

function defaultDeps(): GuardDeps & { store: StateStore } {
  const settings = parseSettings(requireEnv('VIGIL_SETTINGS'), 'VIGIL_SETTINGS');
  const documents = createDocumentClient(createDynamoClient());
  const tableName = requireEnv('TABLE_NAME');
  return {
    settings: settings.guard,
    ledger: new DynamoGuardLedger(documents, tableName),
    store: new DynamoHistoryStore({ client: documents, tableName, retentionDays: settings.history.eventRetentionDays }),
    stop: stopWith(createDeviceFarmClient()),
    log: powertoolsLog(new Logger({ serviceName: 'vigil' })),
  };
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async (input: GuardInput) => {
  ready ??= makeHandler(defaultDeps());
  return ready(input);
};
