import { Annotations, Aws, CfnCondition, CfnOutput, Fn, Stack, type StackProps, Token } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { settingsFrom, type VigilConfig } from '../lambda/config/config-file';
import { AlertTopic } from './constructs/alert-topic';
import { MAX_RECEIVE_COUNT } from './constructs/channel-queue';
import { Channels, outputSuffix } from './constructs/channels';
import { DailyDigest } from './constructs/daily-digest';
import { DeadlineIngest } from './constructs/deadline-ingest';
import { DeadlinePoller } from './constructs/deadline-poller';
import { DeviceFarmPoller } from './constructs/device-farm-poller';
import { HistoryTable } from './constructs/history-table';
import { CHANNEL_LABELS } from './constructs/http-channel';
import { Notifier } from './constructs/notifier';
import { Operations, type WatchedPoller, type WatchedQueue } from './constructs/operations';
import { Reactors, reactorsNeeded } from './constructs/reactors';
import { VigilFunction } from './constructs/vigil-function';

export interface VigilStackProps extends StackProps {
  /** The validated config file (lib/config.ts), defaults filled in. */
  readonly config: VigilConfig;
}

/**
 * Vigil in one account: observe (a poller per service, plus Deadline Cloud's
 * events) → record (history table) → react (budget accountant, session
 * guard) → deliver (notifier → alert topic → email subscribers and the
 * configured channels; a daily digest). Composition only; each
 * building block is a construct in lib/constructs. A service that is not
 * enabled in the config gets no resources at all.
 */
export class VigilStack extends Stack {
  readonly history: HistoryTable;
  readonly alerts: AlertTopic;
  /** Present when `deviceFarm.enabled` (the default). */
  readonly deviceFarmPoller?: DeviceFarmPoller;
  /** Present when `deadline.enabled`. */
  readonly deadlinePoller?: DeadlinePoller;
  /** Present when `deadline.enabled`. */
  readonly deadlineIngest?: DeadlineIngest;
  /**
   * Present when `deviceFarm.enabled` (or Deadline Cloud with stuck detection
   * or job reminders on): the budget accountant, the session guard (even with
   * no guard configured it warns about sessions nearing Device Farm's
   * 150-minute hard limit), the stuck detector and the reminders, as the
   * table's second stream reader.
   */
  readonly reactors?: Reactors;
  readonly notifier: Notifier;
  /** The configured channels (email, Slack, AWS Chatbot), each filtered by its own subscription policy. */
  readonly channels: Channels;
  /**
   * Present when `digest.enabled` (the default) and a service is watched:
   * with neither Device Farm nor Deadline Cloud on there is nothing to sum up.
   */
  readonly digest?: DailyDigest;
  /** Alarms (to the alert topic) and the dashboard. */
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: VigilStackProps) {
    super(scope, id, {
      description:
        'Vigil: monitors AWS Device Farm and AWS Deadline Cloud, records history in DynamoDB, notifies through SNS',
      ...props,
    });
    const { config } = props;
    const settings = settingsFrom(config);
    // The config accepts exactly the values CloudWatch Logs (and so RetentionDays) has.
    const logRetention: RetentionDays = config.logs.retentionDays;

    this.history = new HistoryTable(this, 'History', { retainOnDelete: config.history.retainOnDelete });
    this.alerts = new AlertTopic(this, 'Alerts', { emails: config.notifications.emails });
    if (config.deviceFarm.enabled) {
      this.deviceFarmPoller = new DeviceFarmPoller(this, 'DeviceFarmPoller', {
        history: this.history,
        settings,
        pollMinutes: config.deviceFarm.pollMinutes,
        logRetention,
      });
    }
    if (config.deadline.enabled) {
      this.deadlinePoller = new DeadlinePoller(this, 'DeadlinePoller', {
        history: this.history,
        settings,
        pollMinutes: config.deadline.pollMinutes,
        eventsArrive: this.deadlineFastPath(config),
        logRetention,
      });
      this.deadlineIngest = new DeadlineIngest(this, 'DeadlineIngest', {
        history: this.history,
        settings,
        logRetention,
      });
    }
    if (reactorsNeeded(settings)) {
      this.reactors = new Reactors(this, 'Reactors', { history: this.history, settings, logRetention });
    }
    this.notifier = new Notifier(this, 'Notifier', {
      history: this.history,
      alerts: this.alerts,
      settings,
      logRetention,
    });
    this.channels = new Channels(this, 'Channels', {
      channels: config.channels,
      alerts: this.alerts,
      history: this.history,
      logRetention,
    });
    if (config.digest.enabled && (config.deviceFarm.enabled || config.deadline.enabled)) {
      this.digest = new DailyDigest(this, 'Digest', {
        history: this.history,
        settings,
        logRetention,
      });
    }

    this.operations = this.watch(config);
    this.warnAboutSilence(config);

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
    if (this.deviceFarmPoller) {
      new CfnOutput(this, 'PollerFunctionName', {
        description: 'Invoke it to poll Device Farm now',
        value: this.deviceFarmPoller.function.functionName,
      });
    }
    if (this.reactors) {
      new CfnOutput(this, 'ReactorsFunctionName', {
        description:
          'Counts Device Farm minutes against budgets, guards remote access sessions, reports stuck work and sends reminders; invoke it to check now',
        value: this.reactors.function.functionName,
      });
      new CfnOutput(this, 'ReactorsOnFailureQueueUrl', {
        description:
          'Stream batches the reactors failed to process after every retry (descriptions only: the outbox sweep handles their changes)',
        value: this.reactors.onFailureQueue.queueUrl,
      });
    }
    if (this.deadlinePoller && this.deadlineIngest) {
      new CfnOutput(this, 'DeadlinePollerFunctionName', {
        description: 'Invoke it to poll Deadline Cloud now',
        value: this.deadlinePoller.function.functionName,
      });
      new CfnOutput(this, 'DeadlineIngestFunctionName', {
        description: 'Records Deadline Cloud job changes from EventBridge events',
        value: this.deadlineIngest.function.functionName,
      });
      new CfnOutput(this, 'DeadlineDeadLetterQueueUrl', {
        description: 'Deadline Cloud events that could not be delivered or recorded after every retry',
        value: this.deadlineIngest.deadLetterQueue.queueUrl,
      });
    }
    if (this.digest) {
      new CfnOutput(this, 'DigestFunctionName', {
        description: 'Invoke it to send the daily digest now',
        value: this.digest.function.functionName,
      });
      new CfnOutput(this, 'ReportBucketName', {
        description:
          'The daily report of the last 30 days: aws s3 cp s3://<this bucket>/reports/<YYYY-MM-DD>.html report.html',
        value: this.digest.reportBucket.bucketName,
      });
    }
    for (const [name, channel] of this.channels.slack) {
      new CfnOutput(this, `SlackSecretArn${outputSuffix(name)}`, {
        description: `Put the incoming webhook URL of Slack channel ${name} in this secret (aws secretsmanager put-secret-value)`,
        value: channel.secret.secretArn,
      });
      new CfnOutput(this, `SlackDeadLetterQueueUrl${outputSuffix(name)}`, {
        description: `Messages the ${name} forwarder could not post after ${MAX_RECEIVE_COUNT} tries`,
        value: channel.inbox.deadLetterQueue.queueUrl,
      });
    }
    for (const [name, channel] of this.channels.http) {
      const type = CHANNEL_LABELS[channel.type];
      new CfnOutput(this, `${type}SecretArn${outputSuffix(name)}`, {
        description: channel.secretCreated
          ? `The key of channel ${name} (${type}): put it in this secret, or for a webhook give its generated signing key to the receiver`
          : `The existing secret channel ${name} (${type}) reads its key from`,
        value: channel.secret.secretArn,
      });
      new CfnOutput(this, `${type}DeadLetterQueueUrl${outputSuffix(name)}`, {
        description: `Messages the ${name} forwarder could not post after ${MAX_RECEIVE_COUNT} tries`,
        value: channel.inbox.deadLetterQueue.queueUrl,
      });
    }
    for (const [name, channel] of this.channels.chatbot) {
      new CfnOutput(this, `ChatbotTopicArn${outputSuffix(name)}`, {
        description: `Vigil channel ${name}: connect this topic to a chat channel in the AWS Chatbot console (Vigil does not create the Chatbot configuration)`,
        value: channel.topic.topicArn,
      });
    }
    new CfnOutput(this, 'DashboardName', {
      description: 'The CloudWatch dashboard: poll cycles, API calls, throttles, changes, notifications, errors',
      value: this.operations.dashboard.dashboardName,
    });
  }

  /**
   * A stack that notifies nobody deploys fine and then stays quiet: say so
   * at synth (a warning, so `cdk synth --strict` can refuse it).
   */
  private warnAboutSilence(config: VigilConfig): void {
    if (config.notifications.emails.length > 0 || config.channels.length > 0) return;
    Annotations.of(this).addWarningV2(
      'vigil:no-recipients',
      'Nobody is notified: notifications.emails and channels are both empty, so alerts and alarms reach only subscribers you add to the TopicArn output yourself. Add an address to notifications.emails or a channel in vigil.config.json.',
    );
  }

  /**
   * Deadline Cloud's events reach EventBridge in the region Deadline runs in.
   * When `deadline.region` names another region than the stack's, the event
   * rules never fire and the poller alone covers Deadline: a synth warning
   * when both regions are known, and an output that says which it is once
   * deployed (the stack's region is only known then when the template is
   * environment-agnostic).
   */
  private deadlineFastPath(config: VigilConfig): string {
    const region = config.deadline.region;
    // Unset, Deadline is read in the stack's own region: its events arrive.
    if (region === undefined) return 'on';
    const poll = `the poller alone, every ${config.deadline.pollMinutes} min`;
    if (!Token.isUnresolved(this.region) && this.region !== region) {
      Annotations.of(this).addWarningV2(
        'vigil:deadline-region',
        `deadline.region is ${region} but the stack deploys to ${this.region}: Deadline Cloud's EventBridge events stay in ${region}, so the event fast path never fires and ${poll} records Deadline changes. Deploy the stack to ${region}, or accept the poll's delay.`,
      );
    }
    const sameRegion = new CfnCondition(this, 'DeadlineEventsInStackRegion', {
      expression: Fn.conditionEquals(Aws.REGION, region),
    });
    new CfnOutput(this, 'DeadlineEventsFastPath', {
      description:
        "Whether Deadline Cloud's EventBridge events reach this stack (they stay in the region Deadline runs in)",
      value: Fn.conditionIf(
        sameRegion.logicalId,
        `on: events from ${region} are recorded as they happen`,
        `off: Deadline runs in ${region}, this stack is elsewhere; ${poll} records its changes`,
      ).toString(),
    });
    // What the poller is told: without events it lists every queue in full each cycle.
    return Fn.conditionIf(sameRegion.logicalId, 'on', 'off').toString();
  }

  /**
   * Alarms and the dashboard over what the stack created. Functions are
   * found by type, so a new VigilFunction is watched without a change here;
   * queues are listed, since only some queues hold failed work.
   */
  private watch(config: VigilConfig): Operations {
    const functions = new Map(
      this.node
        .findAll()
        .filter((c): c is VigilFunction => c instanceof VigilFunction)
        .map((fn) => [functionLabel(fn), fn.function] as const),
    );
    const queues = new Map<string, WatchedQueue>([
      [
        'NotifierOnFailure',
        {
          queue: this.notifier.onFailureQueue,
          holds: 'stream batches the notifier failed to process after every retry',
        },
      ],
    ]);
    if (this.reactors) {
      queues.set('ReactorsOnFailure', {
        queue: this.reactors.onFailureQueue,
        holds: 'descriptions of stream batches the reactors failed to process after every retry',
      });
    }
    if (this.deadlineIngest) {
      queues.set('DeadlineDeadLetter', {
        queue: this.deadlineIngest.deadLetterQueue,
        holds: 'Deadline Cloud events that could not be delivered or recorded after every retry',
      });
    }
    for (const [name, channel] of this.channels.slack) {
      queues.set(`SlackDeadLetter${outputSuffix(name)}`, {
        queue: channel.inbox.deadLetterQueue,
        holds: `alerts the ${name} Slack forwarder could not post after ${MAX_RECEIVE_COUNT} tries`,
      });
    }
    for (const [name, channel] of this.channels.http) {
      queues.set(`${CHANNEL_LABELS[channel.type]}DeadLetter${outputSuffix(name)}`, {
        queue: channel.inbox.deadLetterQueue,
        holds: `alerts the ${name} forwarder could not post after ${MAX_RECEIVE_COUNT} tries`,
      });
    }
    for (const [name, channel] of this.channels.chatbot) {
      queues.set(`ChatbotDeadLetter${outputSuffix(name)}`, {
        queue: channel.inbox.deadLetterQueue,
        holds: `alerts the ${name} Chatbot relay could not pass on after ${MAX_RECEIVE_COUNT} tries`,
      });
    }
    const topics = new Map([['AlertTopic', this.alerts.topic]]);
    for (const [name, channel] of this.channels.chatbot) topics.set(`ChatbotTopic${outputSuffix(name)}`, channel.topic);
    const pollers: WatchedPoller[] = [];
    if (this.deviceFarmPoller) pollers.push({ service: 'devicefarm', pollMinutes: config.deviceFarm.pollMinutes });
    if (this.deadlinePoller) pollers.push({ service: 'deadline', pollMinutes: config.deadline.pollMinutes });

    return new Operations(this, 'Operations', {
      alarmTopic: this.alerts.topic,
      functions,
      queues,
      table: this.history.table,
      topics,
      pollers,
      budgets: this.reactors ? config.budgets.map((budget) => budget.name) : [],
    });
  }
}

/** `Vigil/Channels/Slack-mobile-ci/Function` → `ChannelsSlackMobileCi`: the component's path, for alarm IDs. */
function functionLabel(fn: VigilFunction): string {
  const stack = Stack.of(fn);
  const parts = fn.node.scopes.slice(stack.node.scopes.length).map((scope) => scope.node.id);
  const component = parts.at(-1) === 'Function' ? parts.slice(0, -1) : parts;
  return component.map(outputSuffix).join('');
}
