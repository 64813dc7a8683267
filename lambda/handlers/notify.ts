/**
 * Notifier Lambda, fed by the table's stream (filtered to new event items).
 * Returns the failed records as batchItemFailures so Lambda retries only
 * from the first failure; records already delivered are skipped on retry.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createSnsClient } from '../clients/aws-clients';
import { requireEnv } from '../core/env';
import { powertoolsLog } from '../core/powertools-log';
import { parseSettings } from '../core/settings';
import { type NotifierDeps, notifyBatch } from '../deliver/notifier';
import { SnsPublisher } from '../deliver/sns-publisher';
import type { StreamRecordInput } from '../deliver/stream-events';
import { createMetrics, METRIC, NOTIFIER_SERVICE } from './cycle-metrics';
import { historyStoreFromEnv } from './history-store-from-env';

/** Builds the handler over its dependencies; without `metrics` it publishes none (tests pass fakes). */
export function makeHandler(deps: NotifierDeps, metrics?: Metrics) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const report = await notifyBatch(event.Records as StreamRecordInput[], deps);
    deps.log.info('Notifier batch finished', { ...report, failedSequenceNumbers: report.failedSequenceNumbers.length });
    if (metrics !== undefined) {
      metrics.addMetric(METRIC.notificationsPublished, MetricUnit.Count, report.published);
      metrics.publishStoredMetrics();
    }
    return { batchItemFailures: report.failedSequenceNumbers.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

function defaultDeps(): NotifierDeps {
  const settings = parseSettings(requireEnv('VIGIL_SETTINGS'), 'VIGIL_SETTINGS');
  const logger = new Logger({ serviceName: 'vigil' });
  return {
    rules: settings.rules,
    log: powertoolsLog(logger),
    publisher: new SnsPublisher(createSnsClient(), requireEnv('TOPIC_ARN')),
    deliveries: historyStoreFromEnv(settings),
  };
}

let ready: ((event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>) | undefined;

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  ready ??= makeHandler(defaultDeps(), createMetrics(NOTIFIER_SERVICE));
  return ready(event);
};
