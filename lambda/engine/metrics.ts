/**
 * Vigil's operational CloudWatch metrics (EMF, printed by Powertools and
 * turned into metrics by CloudWatch Logs; no API call, no latency). The
 * names are in core/metrics.ts, which the alarms read too.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC, METRICS_NAMESPACE, type NOTIFIER_SERVICE } from '../core/metrics';
import type { Service } from '../core/observation';

export { METRIC, METRICS_NAMESPACE, NOTIFIER_SERVICE } from '../core/metrics';

import type { CycleReport } from '../observe/poll-cycle-base';

/** A Metrics instance whose `service` dimension is `service` (Powertools adds it to every metric). */
export function createMetrics(service: Service | typeof NOTIFIER_SERVICE): Metrics {
  return new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
    serviceName: service,
  });
}

/**
 * Adds one finished cycle's metrics and publishes them. `calls` is the
 * cycle's tally (lambda/clients/call-counter.ts): `<service>.<Command>` per
 * command, plus `<service>.attempts` and `<service>.throttled`.
 */
export function publishCycleMetrics(
  metrics: Metrics,
  report: CycleReport,
  calls: Readonly<Record<string, number>>,
): void {
  let apiCalls = 0;
  let throttles = 0;
  for (const [name, count] of Object.entries(calls)) {
    if (name.endsWith('.throttled')) throttles += count;
    else if (!name.endsWith('.attempts')) apiCalls += count;
  }
  metrics.addMetric(METRIC.cyclesCompleted, MetricUnit.Count, 1);
  metrics.addMetric(METRIC.apiCalls, MetricUnit.Count, apiCalls);
  metrics.addMetric(METRIC.throttles, MetricUnit.Count, throttles);
  metrics.addMetric(METRIC.changes, MetricUnit.Count, report.events.length);
  metrics.addMetric(
    METRIC.cycleDurationMs,
    MetricUnit.Milliseconds,
    Date.parse(report.finishedAt) - Date.parse(report.startedAt),
  );
  metrics.addMetric(METRIC.scopesDeferred, MetricUnit.Count, report.deferred);
  metrics.addMetric(METRIC.listingsOutOfOrder, MetricUnit.Count, report.listingsOutOfOrder);
  metrics.addMetric(METRIC.fullListingScopes, MetricUnit.Count, report.fullListingScopes);
  metrics.addMetric(METRIC.foundBelowWatermark, MetricUnit.Count, report.foundBelowWatermark);
  metrics.publishStoredMetrics();
}
