/**
 * The daily digest Lambda (EventBridge cron): makes yesterday's digest and
 * writes it as one event; the notifier publishes it from the stream, once.
 */
import { lambdaHost } from '../engine/lambda-host';
import { digestDeps } from '../engine/wiring';
import { type DigestDeps, writeDigest } from '../react/digest/write';

export function makeHandler(deps: DigestDeps) {
  return async (): Promise<{ date?: string; written: boolean }> => {
    const event = await writeDigest(deps);
    return event === undefined ? { written: false } : { date: event.digest.date, written: true };
  };
}

function defaultDeps(): DigestDeps {
  const host = lambdaHost();
  return digestDeps({ table: host.table(), settings: host.settings, log: host.log });
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async () => {
  ready ??= makeHandler(defaultDeps());
  return ready();
};
