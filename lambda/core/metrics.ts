/**
 * Vigil's operational CloudWatch metric names, shared by the code that emits
 * them (lambda/engine/metrics.ts, the handlers) and the alarms and dashboard
 * that read them (lib/constructs/operations.ts): a rename on one side only
 * would leave an alarm watching a metric nobody writes. No SDK here.
 */

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
  /** A budget's minutes used in its current period (dimensions service = vigil and Budget). */
  budgetUsedMinutes: 'BudgetUsedMinutes',
  /** The same as a percentage of the budget's limit. */
  budgetUsedPercent: 'BudgetUsedPercent',
} as const;

/** The `service` dimension of the notifier's metrics. */
export const NOTIFIER_SERVICE = 'vigil';
