/**
 * Vigil's operational CloudWatch metrics (EMF, printed by Powertools and
 * turned into metrics by CloudWatch Logs; no API call, no latency). The
 * names live here, in one small file, because the alarms and the dashboard
 * in lib/constructs/operations.ts read exactly these: a rename on one side
 * only would leave an alarm watching a metric nobody writes.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Service } from '../core/observation';
import type { CycleReport } from '../observe/poll-cycle-base';

/** The CloudWatch namespace, unless POWERTOOLS_METRICS_NAMESPACE says otherwise. */
export const METRICS_NAMESPACE = 'Vigil';

/** Metric names; every one has the dimension `service` (devicefarm, deadline, or vigil for the notifier). */
export const METRIC = {
  /** One per poll cycle that finished (scope failures included); the dead man's switch counts these. */
  cyclesCompleted: 'CyclesCompleted',
  /** SDK commands the cycle sent (the service's API and DynamoDB), retries not counted. */
  apiCalls: 'ApiCalls',
  /** Attempts the services throttled (LimitExceededException and the like), retried or not. */
  throttles: 'Throttles',
  /** Change events the cycle recorded. */
  changes: 'Changes',
  /** From the cycle's start to its report, in milliseconds. */
  cycleDurationMs: 'CycleDurationMs',
  /** Scopes a cycle left for the next one because its time ran out: above 0, polling cannot keep up. */
  scopesDeferred: 'ScopesDeferred',
  /**
   * Listings (a project's runs or sessions) found not newest first for the
   * first time: each is read in full every cycle from then on.
   */
  listingsOutOfOrder: 'ListingsOutOfOrder',
  /** Listings read in full this cycle because their order cannot be trusted: each costs every page and one Query. */
  fullListingScopes: 'FullListingScopes',
  /** Resources a full listing found below the watermark that were never recorded (recorded then, as news). */
  foundBelowWatermark: 'FoundBelowWatermark',
  /** SNS messages the notifier published. */
  notificationsPublished: 'NotificationsPublished',
  /** Events whose notification SNS refused for good (alarmed; `vigil undelivered` lists them). */
  notificationsParked: 'NotificationsParked',
  /** Events whose publish failed for now and wait in the outbox's retry partition. */
  notificationsRetrying: 'NotificationsRetrying',
  /** Outbox entries the sweepers found (events the stream path missed, and retries that came due). */
  outboxSwept: 'OutboxSwept',
  /** Changes the reactors failed to handle for now (retried with backoff). */
  reactionsRetrying: 'ReactionsRetrying',
} as const;

/** The `service` dimension of the notifier's metrics. */
export const NOTIFIER_SERVICE = 'vigil';

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
