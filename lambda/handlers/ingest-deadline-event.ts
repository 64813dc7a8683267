/**
 * Deadline Cloud EventBridge events → the same recording as the poller. An
 * unreadable event is logged and dropped (EventBridge retrying it cannot
 * help; the next poll covers it); a failure to record is thrown, so
 * EventBridge retries and finally sends the event to the rule's dead-letter queue.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDeadlineClient } from '../clients/aws-clients';
import { requireEnv } from '../core/env';
import { powertoolsLog } from '../core/powertools-log';
import { parseSettings } from '../core/settings';
import { type IngestDeps, type IngestOutcome, ingestDeadlineEvent } from '../observe/deadline/ingest';
import { historyStoreFromEnv } from './history-store-from-env';

export function makeHandler(deps: IngestDeps) {
  return async (event: unknown): Promise<{ outcome: IngestOutcome['outcome']; changes: number }> => {
    const result = await ingestDeadlineEvent(event, deps);
    const changes = result.outcome === 'recorded' ? result.events.length : 0;
    deps.log.info('Deadline Cloud event handled', {
      outcome: result.outcome,
      changes,
      ...(result.outcome === 'recorded' ? {} : { reason: result.reason }),
    });
    return { outcome: result.outcome, changes };
  };
}

function defaultDeps(): IngestDeps {
  const settings = parseSettings(requireEnv('VIGIL_SETTINGS'), 'VIGIL_SETTINGS');
  return {
    settings,
    log: powertoolsLog(new Logger({ serviceName: 'vigil' })),
    client: createDeadlineClient(requireEnv('DEADLINE_REGION')),
    names: new Map(),
    store: historyStoreFromEnv(settings),
  };
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async (event: unknown) => {
  ready ??= makeHandler(defaultDeps());
  return ready(event);
};
