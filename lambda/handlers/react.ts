/**
 * The reactor Lambda: the table's second and last stream reader (DynamoDB
 * Streams allows two per shard; the notifier is the other). Two triggers:
 * Device Farm change events from the stream (budgets, then the guard, per
 * change; react/reactor.ts) and a one-minute schedule (the outbox sweep of
 * the `react` queue, and the guard's look at every session that can still
 * run, since a session passes its limit while nothing about it changes).
 * Each budget's usage goes out as the metrics Vigil/BudgetUsedMinutes and
 * BudgetUsedPercent (EMF).
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createDeviceFarmClient } from '../clients/aws-clients';
import { DEFAULT_SWEEP_LIMIT } from '../deliver/notifier';
import { lambdaHost } from '../engine/lambda-host';
import { createMetrics, METRIC, NOTIFIER_SERVICE } from '../engine/metrics';
import { reactorDeps } from '../engine/wiring';
import { type ReactorDeps, reactBatch, reactOnSchedule, type ScheduledReport } from '../react/reactor';
import type { StreamRecordInput } from '../record/stream-events';

type ReactorInput = DynamoDBStreamEvent | { readonly source?: string; readonly 'detail-type'?: string };

export function makeHandler(deps: ReactorDeps, sweep: { staleAfterMs: number }, metrics?: Metrics) {
  return async (input: ReactorInput): Promise<DynamoDBBatchResponse | ScheduledReport> => {
    if (!('Records' in input)) {
      const report = await reactOnSchedule(deps, { staleAfterMs: sweep.staleAfterMs, limit: DEFAULT_SWEEP_LIMIT });
      deps.log.info('Scheduled reaction pass finished', { ...report });
      metrics?.addMetric(METRIC.outboxSwept, MetricUnit.Count, report.swept);
      metrics?.addMetric(METRIC.reactionsRetrying, MetricUnit.Count, report.retrying);
      metrics?.publishStoredMetrics();
      return report;
    }
    const report = await reactBatch(input.Records as StreamRecordInput[], deps);
    metrics?.addMetric(METRIC.reactionsRetrying, MetricUnit.Count, report.retrying);
    metrics?.publishStoredMetrics();
    return { batchItemFailures: report.failedSequenceNumbers.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

function defaultHandler() {
  const host = lambdaHost();
  const { settings } = host;
  const metrics = createMetrics(NOTIFIER_SERVICE);
  const deps = reactorDeps({
    table: host.table(),
    deviceFarm: createDeviceFarmClient(),
    settings,
    log: host.log,
    onUsage: (budget, usage) => {
      const single = metrics.singleMetric();
      single.addDimension('Budget', budget.name);
      single.addMetric(METRIC.budgetUsedMinutes, MetricUnit.Count, usage.usedMinutes);
      single.addMetric(METRIC.budgetUsedPercent, MetricUnit.Percent, (usage.usedMinutes / usage.limitMinutes) * 100);
    },
  });
  return makeHandler(deps, { staleAfterMs: settings.delivery.sweepAfterMinutes * 60_000 }, metrics);
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async (input: ReactorInput) => {
  ready ??= defaultHandler();
  return ready(input);
};
