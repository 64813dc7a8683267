/**
 * Scheduled Deadline Cloud poller Lambda: one poll cycle per invocation over
 * the selected farms and queues. It records changes and sends nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDeadlineClient, createDocumentClient, createDynamoClient } from '../clients/aws-clients';
import { requireEnv } from '../core/env';
import { powertoolsLog } from '../core/powertools-log';
import { parseSettings } from '../core/settings';
import { Tally } from '../core/tally';
import { type DeadlinePollDeps, pollDeadline } from '../observe/deadline/poll-cycle';
import { DynamoHistoryStore } from '../record/dynamo-history-store';
import { type PollResult, runCycle } from './poll-result';

/** Builds the handler over its dependencies (tests pass fakes). */
export function makeHandler(deps: DeadlinePollDeps & { tally: Tally }) {
  return (): Promise<PollResult> => runCycle(() => pollDeadline(deps), deps.tally, deps.log);
}

function defaultDeps(): DeadlinePollDeps & { tally: Tally } {
  const settings = parseSettings(requireEnv('VIGIL_SETTINGS'), 'VIGIL_SETTINGS');
  const region = requireEnv('DEADLINE_REGION');
  const tally = new Tally();
  return {
    tally,
    settings,
    log: powertoolsLog(new Logger({ serviceName: 'vigil' })),
    location: { region, accountId: requireEnv('ACCOUNT_ID') },
    client: createDeadlineClient(region, tally),
    store: new DynamoHistoryStore({
      client: createDocumentClient(createDynamoClient(tally)),
      tableName: requireEnv('TABLE_NAME'),
      retentionDays: settings.history.eventRetentionDays,
    }),
  };
}

let ready: (() => Promise<PollResult>) | undefined;

/** Clients and settings are built on the first invocation and reused by the container. */
export const handler = async (): Promise<PollResult> => {
  ready ??= makeHandler(defaultDeps());
  return ready();
};
