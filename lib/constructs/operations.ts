import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, NOTIFIER_SERVICE } from '../../lambda/core/metrics';
import { SERVICE_NAMES, type Service } from '../../lambda/core/observation';

/** The window of the error, throttle, queue and topic alarms. */
const WINDOW = Duration.minutes(5);

/** Schedule periods without a completed cycle after which a poller counts as stopped. */
export const MISSED_CYCLES = 3;

/** Consecutive 5-minute windows in which cycles left scopes for later before "falling behind" alarms. */
export const BEHIND_WINDOWS = 3;

/** A poller watched by a dead man's switch. */
export interface WatchedPoller {
  readonly service: Service;
  /** Minutes between two scheduled cycles (the config's `pollMinutes`). */
  readonly pollMinutes: number;
}

/** A queue where failed work waits for an operator. */
export interface WatchedQueue {
  readonly queue: IQueue;
  /** What lands in it, completing "The queue holds …", e.g. `stream batches the notifier failed after every retry`. */
  readonly holds: string;
}

export interface OperationsProps {
  /** Where every alarm sends its notification (the alert topic; its key lets CloudWatch alarms use it). */
  readonly alarmTopic: ITopic;
  /** Every Vigil Lambda function, by a label used in alarm IDs and descriptions (e.g. `Notifier`). */
  readonly functions: ReadonlyMap<string, IFunction>;
  /** Every on-failure and dead-letter queue, by label. */
  readonly queues: ReadonlyMap<string, WatchedQueue>;
  /** The history table. */
  readonly table: ITable;
  /** Topics whose failed deliveries alarm, by label (the alert topic, Chatbot topics). */
  readonly topics: ReadonlyMap<string, ITopic>;
  /** The scheduled pollers, each with a dead man's switch. @default - none */
  readonly pollers?: readonly WatchedPoller[];
  /** Budget names, for the dashboard's budget usage graph. @default - no budget graph */
  readonly budgets?: readonly string[];
}

/**
 * Operations for the deployed stack: CloudWatch alarms that notify the
 * alert topic, and one dashboard.
 *
 * - per function: Errors ≥ 1 and Throttles ≥ 1 in 5 minutes;
 * - per on-failure/dead-letter queue: a visible message;
 * - the table: read or write throttle events ≥ 1 in 5 minutes;
 * - per topic: a failed delivery in 5 minutes;
 * - per poller, a dead man's switch: no `CyclesCompleted` metric (published
 *   by lambda/core/metrics.ts) for 3 schedule periods, missing
 *   data counted as breaching, so a poller that stops running alarms too.
 *
 * Every alarm except the dead man's switch treats missing data as OK:
 * Lambda, SQS and SNS publish nothing while idle.
 */
export class Operations extends Construct {
  readonly alarms: Alarm[] = [];
  /** The dead man's switches, by service. */
  readonly deadMansSwitches: ReadonlyMap<Service, Alarm>;
  readonly dashboard: Dashboard;

  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.action = new SnsAction(props.alarmTopic);
    const pollers = props.pollers ?? [];

    for (const [label, fn] of props.functions) {
      this.alarm(`${label}Errors`, fn.metricErrors({ period: WINDOW, statistic: Stats.SUM }), {
        description: `Vigil ${label}: the Lambda function failed at least once in 5 minutes (an uncaught error or a timeout). Read its log group for the error. Nothing is lost by one failure: stream consumers retry the batch, pollers try again next cycle, events and queued messages are retried and then dead-lettered.`,
      });
      this.alarm(`${label}Throttles`, fn.metricThrottles({ period: WINDOW, statistic: Stats.SUM }), {
        description: `Vigil ${label}: Lambda refused to run the function at least once in 5 minutes because the account or function ran out of concurrency. Check the account's concurrent executions and other functions' reserved concurrency.`,
      });
    }
    for (const [label, { queue, holds }] of props.queues) {
      this.alarm(
        `${label}Messages`,
        queue.metricApproximateNumberOfMessagesVisible({ period: WINDOW, statistic: Stats.MAXIMUM }),
        {
          description: `Vigil ${label}: the queue holds ${holds}. Nothing retries them: read the messages, fix the cause (the function's logs tell it), then redrive or delete them. Messages are kept 14 days.`,
        },
      );
    }
    this.alarm(
      'TableThrottles',
      new MathExpression({
        expression: 'reads + writes',
        usingMetrics: {
          reads: props.table.metric('ReadThrottleEvents', { period: WINDOW, statistic: Stats.SUM }),
          writes: props.table.metric('WriteThrottleEvents', { period: WINDOW, statistic: Stats.SUM }),
        },
        label: 'Throttle events',
        period: WINDOW,
      }),
      {
        description:
          'Vigil history table: DynamoDB throttled reads or writes in the last 5 minutes. The SDK retries them, and a poll that still fails records its changes next cycle; if it persists, check the account table quotas and what else uses the table.',
      },
    );
    this.alarm('NotificationsParked', this.cycleMetric(METRIC.notificationsParked, NOTIFIER_SERVICE, WINDOW), {
      description:
        'Vigil notifier: SNS refused at least one notification for good in 5 minutes, in full and in its safe form, so its events were parked and are not retried (every other notification went on). Run `vigil undelivered` against this table to see them with the error, fix the cause, then `vigil undelivered --retry`.',
    });
    for (const [label, topic] of props.topics) {
      this.alarm(
        `${label}DeliveryFailures`,
        topic.metricNumberOfNotificationsFailed({ period: WINDOW, statistic: Stats.SUM }),
        {
          description: `Vigil ${label}: SNS failed to deliver at least one message to a subscriber in 5 minutes, after its own retries. Check the subscriptions (a deleted queue or endpoint, a key the subscriber may not use) and the topic's delivery logs.`,
        },
      );
    }

    const switches = new Map<Service, Alarm>();
    for (const { service, pollMinutes } of pollers) {
      const period = Duration.minutes(pollMinutes);
      const silentMinutes = pollMinutes * MISSED_CYCLES;
      const name = SERVICE_NAMES[service];
      switches.set(
        service,
        this.alarm(
          `${name.replace(/\s/g, '')}PollerStopped`,
          this.cycleMetric(METRIC.cyclesCompleted, service, period),
          {
            description: `Vigil ${name} poller: no poll cycle completed in ${silentMinutes} minutes (${MISSED_CYCLES} schedule periods of ${pollMinutes} min), so changes are not being recorded or notified. Check the poller's Errors alarm and logs, that its EventBridge schedule is enabled, and its permissions.`,
            threshold: 1,
            comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluationPeriods: MISSED_CYCLES,
            treatMissingData: TreatMissingData.BREACHING,
          },
        ),
      );
    }
    this.deadMansSwitches = switches;

    for (const { service } of pollers) {
      const name = SERVICE_NAMES[service];
      this.alarm(
        `${name.replace(/\s/g, '')}PollerFallingBehind`,
        this.cycleMetric(METRIC.scopesDeferred, service, WINDOW),
        {
          description: `Vigil ${name} poller: for ${BEHIND_WINDOWS * 5} minutes its cycles ran out of time and left scopes for the next cycle, so changes are recorded and notified later than the schedule says (nothing is lost). The API's rate limit cannot serve this many changing resources at this schedule: raise pollMinutes, narrow the projects or queues followed, or ask AWS for a higher API limit. See "Performance and cost" in the README.`,
          evaluationPeriods: BEHIND_WINDOWS,
        },
      );
    }

    this.dashboard = this.buildDashboard(props, pollers);
  }

  /** A metric of lambda/core/metrics.ts; `label` only for graphs (an alarm on a labelled metric renders as a math query). */
  private cycleMetric(
    metricName: string,
    service: string,
    period: Duration,
    statistic: string = Stats.SUM,
    label?: string,
  ): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service },
      statistic,
      period,
      label,
    });
  }

  private alarm(
    id: string,
    metric: IMetric,
    options: {
      readonly description: string;
      readonly threshold?: number;
      readonly comparisonOperator?: ComparisonOperator;
      readonly evaluationPeriods?: number;
      readonly treatMissingData?: TreatMissingData;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      alarmDescription: options.description,
      threshold: options.threshold ?? 1,
      comparisonOperator: options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.evaluationPeriods ?? 1,
      treatMissingData: options.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  private buildDashboard(props: OperationsProps, pollers: readonly WatchedPoller[]): Dashboard {
    const window = Duration.minutes(5);
    const perPoller = (metricName: string, statistic: string = Stats.SUM) =>
      pollers.map(({ service }) => this.cycleMetric(metricName, service, window, statistic, SERVICE_NAMES[service]));
    const graph = (title: string, left: IMetric[]) => new GraphWidget({ title, left, width: 12 });

    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
    });
    dashboard.addWidgets(
      graph('Poll cycles completed', perPoller(METRIC.cyclesCompleted)),
      graph('API calls (service API and DynamoDB)', perPoller(METRIC.apiCalls)),
    );
    dashboard.addWidgets(
      graph('Throttled calls', perPoller(METRIC.throttles)),
      graph('Changes recorded', perPoller(METRIC.changes)),
    );
    dashboard.addWidgets(
      graph('Notifications published', [
        this.cycleMetric(METRIC.notificationsPublished, NOTIFIER_SERVICE, window, Stats.SUM, 'notifier'),
      ]),
      graph('Poll cycle duration (ms, maximum)', perPoller(METRIC.cycleDurationMs, Stats.MAXIMUM)),
    );
    const errors = [...props.functions].map(([label, fn]) =>
      fn.metricErrors({ period: window, statistic: Stats.SUM, label }),
    );
    const budgets = (props.budgets ?? []).map(
      (budget) =>
        new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: METRIC.budgetUsedPercent,
          dimensionsMap: { service: NOTIFIER_SERVICE, Budget: budget },
          statistic: Stats.MAXIMUM,
          period: Duration.hours(1),
          label: budget,
        }),
    );
    dashboard.addWidgets(
      graph('Lambda errors', errors),
      // Above 0: a cycle ran out of time and left scopes for the next one (polling cannot keep up).
      graph('Scopes left for the next cycle', perPoller(METRIC.scopesDeferred)),
    );
    if (budgets.length > 0) dashboard.addWidgets(graph('Budget used (%)', budgets));
    return dashboard;
  }
}
