/**
 * Scheduled poller Lambda: one Device Farm poll cycle per invocation. It
 * records changes and sends nothing; the notifier publishes from the stream.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDeviceFarmClient, createDocumentClient, createDynamoClient } from '../clients/aws-clients';
import { requireEnv } from '../core/env';
import { powertoolsLog } from '../core/powertools-log';
import { parseSettings } from '../core/settings';
import { Tally } from '../core/tally';
import { type DeviceFarmPollDeps, pollDeviceFarm } from '../observe/device-farm/poll-cycle';
import { DynamoHistoryStore } from '../record/dynamo-history-store';
import { type PollResult, runCycle } from './poll-result';

/** Builds the handler over its dependencies (tests pass fakes). */
export function makeHandler(deps: DeviceFarmPollDeps & { tally: Tally }) {
  return (): Promise<PollResult> => runCycle(() => pollDeviceFarm(deps), deps.tally, deps.log);
}

function defaultDeps(): DeviceFarmPollDeps & { tally: Tally } {
  const settings = parseSettings(requireEnv('VIGIL_SETTINGS'), 'VIGIL_SETTINGS');
  const tally = new Tally();
  const logger = new Logger({ serviceName: 'vigil' });
  return {
    tally,
    settings,
    log: powertoolsLog(logger),
    client: createDeviceFarmClient(tally),
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
