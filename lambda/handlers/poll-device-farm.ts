/**
 * Scheduled poller Lambda: one Device Farm poll cycle per invocation. It
 * records changes and sends nothing; the notifier publishes from the stream.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createDeviceFarmClient } from '../clients/aws-clients';
import { requireEnv } from '../core/env';
import { powertoolsLog } from '../core/powertools-log';
import { parseSettings } from '../core/settings';
import { Tally } from '../core/tally';
import { type DeviceFarmPollDeps, pollDeviceFarm } from '../observe/device-farm/poll-cycle';
import { createMetrics } from './cycle-metrics';
import { historyStoreFromEnv } from './history-store-from-env';
import { type PollHandler, type PollResult, pollHandler } from './poll-result';

/** What the handler runs on; without `metrics` it publishes none (tests, the CLI). */
export type PollHandlerDeps = DeviceFarmPollDeps & { readonly tally: Tally; readonly metrics?: Metrics };

/** Builds the handler over its dependencies (tests pass fakes); see `pollHandler`. */
export function makeHandler(deps: PollHandlerDeps): PollHandler {
  return pollHandler(deps, pollDeviceFarm);
}

function defaultDeps(): PollHandlerDeps {
  const settings = parseSettings(requireEnv('VIGIL_SETTINGS'), 'VIGIL_SETTINGS');
  const tally = new Tally();
  const logger = new Logger({ serviceName: 'vigil' });
  return {
    tally,
    metrics: createMetrics('devicefarm'),
    settings,
    log: powertoolsLog(logger),
    client: createDeviceFarmClient(tally),
    store: historyStoreFromEnv(settings, tally),
  };
}

let ready: PollHandler | undefined;

/** Clients and settings are built on the first invocation and reused by the container. */
export const handler = async (event: unknown, context: Context): Promise<PollResult> => {
  ready ??= makeHandler(defaultDeps());
  return ready(event, context);
};
