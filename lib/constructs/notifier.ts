import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Settings } from '../../lambda/config/settings';
import { NEW_EVENT_FILTER_PATTERN } from '../../lambda/record/stream-filter';
import type { AlertTopic } from './alert-topic';
import { type HistoryTable, OUTBOX_ACTIONS } from './history-table';
import { consumeTableStream } from './table-stream-consumer';
import { VigilFunction } from './vigil-function';

export interface NotifierProps {
  /** Whose stream the notifier follows, and where it records deliveries. */
  readonly history: HistoryTable;
  /** Where notifications are published. */
  readonly alerts: AlertTopic;
  /** Passed to the function as VIGIL_SETTINGS. */
  readonly settings: Settings;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/** How often the outbox sweeper runs, in minutes. */
const SWEEP_MINUTES = 1;

/**
 * The notifier: follows the table's stream (event inserts only), decides
 * which events notify and publishes each once to the alert topic. Every
 * minute it also sweeps the outbox: events whose stream record was never
 * handled (a batch that failed every retry and was only described in the
 * on-failure queue, a stream record older than 24 hours) and retries that
 * are due, so what the table says is owed is delivered, once.
 */
export class Notifier extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  /** Receives a description (not the records) of stream batches that failed every retry. */
  readonly onFailureQueue: Queue;
  readonly onFailureQueueKey: Key;
  readonly eventSource: DynamoEventSource;
  /** Invokes the outbox sweep every minute. */
  readonly sweepSchedule: Rule;

  constructor(scope: Construct, id: string, props: NotifierProps) {
    super(scope, id);

    const fn = new VigilFunction(this, 'Function', {
      handlerFile: 'notify.ts',
      description: 'Vigil: turns recorded events into notifications on the alert topic',
      memorySize: 256,
      timeout: Duration.seconds(60),
      environment: {
        TABLE_NAME: props.history.table.tableName,
        TOPIC_ARN: props.alerts.topic.topicArn,
        VIGIL_SETTINGS: JSON.stringify(props.settings),
      },
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      // A missed sweep is not retried: the next one, a minute later, finds the same entries.
      retryAttempts: 0,
    });
    this.function = fn.function;
    this.logGroup = fn.logGroup;

    // Claims, delivery records and parked events are conditional puts and
    // transactions; handled outbox entries are removed.
    props.history.grantItems(fn.role, [
      'dynamodb:Query',
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      ...OUTBOX_ACTIONS,
    ]);
    props.alerts.grantPublish(fn.role);

    const stream = consumeTableStream(this, {
      fn,
      history: props.history,
      filterPattern: NEW_EVENT_FILTER_PATTERN,
      consumer: 'notifier',
    });
    this.onFailureQueue = stream.onFailureQueue;
    this.onFailureQueueKey = stream.onFailureQueueKey;
    this.eventSource = stream.eventSource;

    this.sweepSchedule = new Rule(this, 'SweepSchedule', {
      description: `Vigil: deliver what the outbox still owes, every ${SWEEP_MINUTES} minute`,
      schedule: Schedule.rate(Duration.minutes(SWEEP_MINUTES)),
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      Validations.of(fn.defaultPolicy()).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${action} is the KMS action family that CDK's DynamoDB write, SNS publish and SQS send grants use; each statement names one key (the table's, the topic's, the on-failure queue's).`,
      });
    }
  }
}
