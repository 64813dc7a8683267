import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { settingsFrom, type VigilConfig } from './config';
import { AlertTopic } from './constructs/alert-topic';
import { DeviceFarmPoller } from './constructs/device-farm-poller';
import { HistoryTable } from './constructs/history-table';
import { Notifier } from './constructs/notifier';

export interface VigilStackProps extends StackProps {
  /** The validated config file (lib/config.ts), defaults filled in. */
  readonly config: VigilConfig;
}

/**
 * Vigil in one account: observe (poller) → record (history table) → react
 * and deliver (notifier → alert topic). Composition only; each building
 * block is a construct in lib/constructs.
 */
export class VigilStack extends Stack {
  readonly history: HistoryTable;
  readonly alerts: AlertTopic;
  readonly poller: DeviceFarmPoller;
  readonly notifier: Notifier;

  constructor(scope: Construct, id: string, props: VigilStackProps) {
    super(scope, id, {
      description: 'Vigil: monitors AWS Device Farm, records history in DynamoDB, notifies through SNS',
      ...props,
    });
    const { config } = props;
    const settings = settingsFrom(config);
    // The config accepts exactly the values CloudWatch Logs (and so RetentionDays) has.
    const logRetention: RetentionDays = config.logs.retentionDays;

    this.history = new HistoryTable(this, 'History', { retainOnDelete: config.history.retainOnDelete });
    this.alerts = new AlertTopic(this, 'Alerts', { emails: config.notifications.emails });
    this.poller = new DeviceFarmPoller(this, 'DeviceFarmPoller', {
      history: this.history,
      settings,
      pollMinutes: config.deviceFarm.pollMinutes,
      logRetention,
    });
    this.notifier = new Notifier(this, 'Notifier', {
      history: this.history,
      alerts: this.alerts,
      settings,
      logRetention,
    });

    new CfnOutput(this, 'TableName', {
      description: 'The history table (query it with the vigil CLI or any DynamoDB tool)',
      value: this.history.table.tableName,
    });
    new CfnOutput(this, 'TopicArn', {
      description: 'Subscribe here to receive alerts (SQS, HTTPS, Lambda, email)',
      value: this.alerts.topic.topicArn,
    });
    new CfnOutput(this, 'OnFailureQueueUrl', {
      description: 'Stream batches the notifier failed to process after every retry',
      value: this.notifier.onFailureQueue.queueUrl,
    });
    new CfnOutput(this, 'PollerFunctionName', {
      description: 'Invoke it to poll Device Farm now',
      value: this.poller.function.functionName,
    });
  }
}
