/**
 * The daily digest Lambda (EventBridge cron): makes yesterday's digest and
 * writes it as one event; the notifier publishes it from the stream, once.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, createDynamoClient } from '../clients/aws-clients';
import { requireEnv } from '../core/env';
import { powertoolsLog } from '../core/powertools-log';
import { parseSettings } from '../core/settings';
import { digestDepsOver } from '../react/digest/deps';
import { type DigestDeps, writeDigest } from '../react/digest/write';

export function makeHandler(deps: DigestDeps) {
  return async (): Promise<{ date?: string; written: boolean }> => {
    const event = await writeDigest(deps);
    return event === undefined ? { written: false } : { date: event.digest.date, written: true };
  };
}

function defaultDeps(): DigestDeps {
  const settings = parseSettings(requireEnv('VIGIL_SETTINGS'), 'VIGIL_SETTINGS');
  const documents = createDocumentClient(createDynamoClient());
  return digestDepsOver(
    documents,
    requireEnv('TABLE_NAME'),
    settings,
    powertoolsLog(new Logger({ serviceName: 'vigil' })),
  );
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async () => {
  ready ??= makeHandler(defaultDeps());
  return ready();
};
