import { Duration } from 'aws-cdk-lib';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Settings } from '../../lambda/core/settings';
import { CHANGE_EVENT_FILTER_PATTERN } from '../../lambda/record/stream-filter';
import { type HistoryTable, RECORDER_ACTIONS } from './history-table';
import { acknowledgeKeyActionFamilies } from './key-grants';
import { consumeTableStream } from './table-stream-consumer';
import { VigilFunction } from './vigil-function';

/** The CloudWatch namespace of the accountant's metrics (budget usage), sent as EMF log lines. */
export const METRICS_NAMESPACE = 'Vigil';

export interface AccountantProps {
  /** Whose stream the accountant follows, and where it keeps budget totals and writes threshold events. */
  readonly history: HistoryTable;
  /** Passed to the function as VIGIL_SETTINGS; `settings.budgets` are the budgets it counts. */
  readonly settings: Settings;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The accountant: follows the table's stream (Device Farm change events
 * only, the ones that carry minutes), adds each change's metered minutes to
 * the budgets it counts for, and writes a threshold or forecast event when
 * a budget crosses one, in the same transaction as the new total. Usage
 * goes out as metrics in Embedded Metric Format log lines, so the function
 * needs no CloudWatch permission.
 */
export class Accountant extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  /** Receives a description (not the records) of stream batches that failed every retry. */
  readonly onFailureQueue: Queue;
  readonly onFailureQueueKey: Key;
  readonly eventSource: DynamoEventSource;

  constructor(scope: Construct, id: string, props: AccountantProps) {
    super(scope, id);

    const fn = new VigilFunction(this, 'Function', {
      handlerFile: 'account-budgets.ts',
      description: 'Vigil: counts Device Farm minutes against budgets and records threshold crossings',
      memorySize: 256,
      timeout: Duration.seconds(60),
      environment: {
        TABLE_NAME: props.history.table.tableName,
        VIGIL_SETTINGS: JSON.stringify(props.settings),
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    this.function = fn.function;
    this.logGroup = fn.logGroup;

    // Budget totals and events are written in one transaction, like changes.
    props.history.grantItems(fn.role, RECORDER_ACTIONS);

    const stream = consumeTableStream(this, {
      fn,
      history: props.history,
      filterPattern: CHANGE_EVENT_FILTER_PATTERN,
      consumer: 'accountant',
    });
    this.onFailureQueue = stream.onFailureQueue;
    this.onFailureQueueKey = stream.onFailureQueueKey;
    this.eventSource = stream.eventSource;

    acknowledgeKeyActionFamilies(
      fn.defaultPolicy(),
      'DynamoDB write and SQS send',
      "the history table's key or the on-failure queue's key",
    );
  }
}
