/**
 * Scheduled Deadline Cloud poller Lambda: one poll cycle per invocation over
 * the selected farms and queues. It records changes and sends nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createDeadlineClient } from '../clients/aws-clients';
import { requireEnv } from '../core/env';
import { powertoolsLog } from '../core/powertools-log';
import { parseSettings } from '../core/settings';
import { Tally } from '../core/tally';
import { type DeadlinePollDeps, pollDeadline } from '../observe/deadline/poll-cycle';
import { createMetrics } from './cycle-metrics';
import { historyStoreFromEnv } from './history-store-from-env';
import { type PollHandler, type PollResult, pollHandler } from './poll-result';

/** What the handler runs on; without `metrics` it publishes none (tests, the CLI). */
export type PollHandlerDeps = DeadlinePollDeps & { readonly tally: Tally; readonly metrics?: Metrics };

/** Builds the handler over its dependencies (tests pass fakes); see `pollHandler`. */
export function makeHandler(deps: PollHandlerDeps): PollHandler {
  return pollHandler(deps, pollDeadline);
}

function defaultDeps(): PollHandlerDeps {
  const settings = parseSettings(requireEnv('VIGIL_SETTINGS'), 'VIGIL_SETTINGS');
  const region = requireEnv('DEADLINE_REGION');
  const tally = new Tally();
  return {
    tally,
    metrics: createMetrics('deadline'),
    settings,
    log: powertoolsLog(new Logger({ serviceName: 'vigil' })),
    location: { region, accountId: requireEnv('ACCOUNT_ID') },
    client: createDeadlineClient(region, tally),
    store: historyStoreFromEnv(settings, tally),
  };
}

let ready: PollHandler | undefined;

/** Clients and settings are built on the first invocation and reused by the container. */
export const handler = async (event: unknown, context: Context): Promise<PollResult> => {
  ready ??= makeHandler(defaultDeps());
  return ready(event, context);
};
