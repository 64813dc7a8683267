/**
 * Notifier Lambda. Two triggers, one delivery path (deliver/notifier.ts):
 * the table's stream (new events, filtered to event inserts) and a schedule
 * that sweeps the outbox for events the stream path never handled and
 * retries that are due. Only a failure of the table itself fails a stream
 * batch; a publish that fails waits in the outbox instead of blocking it.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createSnsClient } from '../clients/aws-clients';
import {
  DEFAULT_SWEEP_LIMIT,
  type DeliveryReport,
  type NotifierDeps,
  notifyBatch,
  sweepNotifications,
} from '../deliver/notifier';
import { lambdaHost } from '../engine/lambda-host';
import { createMetrics, METRIC, NOTIFIER_SERVICE } from '../engine/metrics';
import { notifierDeps, snsPublisher } from '../engine/wiring';
import type { StreamRecordInput } from '../record/stream-events';

type NotifierInput = DynamoDBStreamEvent | { readonly source?: string; readonly 'detail-type'?: string };

interface Sweep {
  readonly swept: number;
}

/** Builds the handler over its dependencies; without `metrics` it publishes none (tests pass fakes). */
export function makeHandler(deps: NotifierDeps, sweep: { staleAfterMs: number }, metrics?: Metrics) {
  const publish = (report: DeliveryReport & Partial<Sweep>) => {
    if (metrics === undefined) return;
    metrics.addMetric(METRIC.notificationsPublished, MetricUnit.Count, report.published);
    metrics.addMetric(METRIC.notificationsParked, MetricUnit.Count, report.parked);
    metrics.addMetric(METRIC.notificationsRetrying, MetricUnit.Count, report.retrying);
    if (report.swept !== undefined) metrics.addMetric(METRIC.outboxSwept, MetricUnit.Count, report.swept);
    metrics.publishStoredMetrics();
  };
  return async (input: NotifierInput): Promise<DynamoDBBatchResponse | DeliveryReport> => {
    if (!('Records' in input)) {
      const report = await sweepNotifications(deps, { staleAfterMs: sweep.staleAfterMs, limit: DEFAULT_SWEEP_LIMIT });
      deps.log.info('Outbox sweep finished', { ...report });
      publish(report);
      return report;
    }
    const report = await notifyBatch(input.Records as StreamRecordInput[], deps);
    deps.log.info('Notifier batch finished', { ...report, failedSequenceNumbers: report.failedSequenceNumbers.length });
    publish(report);
    return { batchItemFailures: report.failedSequenceNumbers.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

function defaultHandler() {
  const host = lambdaHost();
  const { settings } = host;
  const deps = notifierDeps({
    table: host.table(),
    publisher: snsPublisher(createSnsClient(), host.need('TOPIC_ARN')),
    settings,
    log: host.log,
  });
  return makeHandler(
    deps,
    { staleAfterMs: settings.delivery.sweepAfterMinutes * 60_000 },
    createMetrics(NOTIFIER_SERVICE),
  );
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async (input: NotifierInput) => {
  ready ??= defaultHandler();
  return ready(input);
};
