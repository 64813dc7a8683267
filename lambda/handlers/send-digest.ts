/**
 * The daily digest Lambda (EventBridge cron): makes yesterday's digest and
 * writes it as one event; the notifier publishes it from the stream, once.
 * Beside it, the report of the last 30 days goes to the stack's report
 * bucket (REPORT_BUCKET), and the digest says where.
 */
import { S3ReportStore } from '../clients/s3-client';
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
  return digestDeps({
    table: host.table(),
    settings: host.settings,
    log: host.log,
    reportStore: new S3ReportStore(host.need('REPORT_BUCKET')),
  });
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async () => {
  ready ??= makeHandler(defaultDeps());
  return ready();
};
