/**
 * Deadline Cloud EventBridge events → the same recording as the poller. An
 * unreadable event is logged and dropped (EventBridge retrying it cannot
 * help; the next poll covers it); a failure to record is thrown, so
 * EventBridge retries and finally sends the event to the rule's dead-letter queue.
 */
import { createDeadlineClient } from '../clients/aws-clients';
import { lambdaHost } from '../engine/lambda-host';
import { type IngestDeps, type IngestOutcome, ingestDeadlineEvent } from '../observe/deadline/ingest';

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
  const host = lambdaHost();
  return {
    settings: host.settings,
    log: host.log,
    client: createDeadlineClient(host.need('DEADLINE_REGION')),
    names: new Map(),
    store: host.table().store,
  };
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async (event: unknown) => {
  ready ??= makeHandler(defaultDeps());
  return ready(event);
};
