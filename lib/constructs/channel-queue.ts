import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { CfnSubscription, type Subscription } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FilterPolicy } from '../../lambda/config/channel-routing';
import type { AlertTopic } from './alert-topic';
import type { VigilFunction } from './vigil-function';

/** Receives after which a message moves to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

/** SQS batch a channel function handles at once. */
export const CHANNEL_BATCH_SIZE = 10;

/**
 * AWS's advice for a queue feeding a Lambda function: a visibility timeout
 * of at least six times the function's timeout, so a message is not
 * received again while a slow or throttled invocation still holds it.
 */
const VISIBILITY_PER_FUNCTION_TIMEOUT = 6;

/**
 * Sets a subscription's filter policy (MessageAttributes scope) as given,
 * `$or` included, which CDK's `SubscriptionFilter` helpers cannot express;
 * no policy leaves the subscription unfiltered.
 */
export function setFilterPolicy(subscription: Subscription, policy: FilterPolicy | undefined): void {
  if (policy === undefined) return;
  const resource = subscription.node.defaultChild;
  if (!(resource instanceof CfnSubscription)) {
    throw new Error(`${subscription.node.path} has no AWS::SNS::Subscription to filter`);
  }
  resource.filterPolicy = policy;
  resource.filterPolicyScope = 'MessageAttributes';
}

export interface ChannelQueueProps {
  /** The topic the queue is subscribed to. */
  readonly alerts: AlertTopic;
  /** The channel's filter policy (lambda/deliver/routing.ts). @default - every message */
  readonly filterPolicy?: FilterPolicy;
  /** Encrypts the queue and its dead-letter queue; SNS is allowed to use it for delivery. */
  readonly encryptionKey: IKey;
  /** The function fed by the queue, after its other grants. */
  readonly consumer: VigilFunction;
}

/**
 * A channel's durable inbox: an SQS queue (KMS, HTTPS only) subscribed to
 * the alert topic with the channel's filter policy, raw message delivery
 * off (the consumer reads the SNS envelope: subject, message attributes),
 * feeding `consumer` 10 messages at a time with partial batch failures
 * reported, so only the failed messages come back. A message that fails
 * 5 receives moves to a dead-letter queue kept 14 days.
 *
 * At most two invocations run at once (the lowest maximum concurrency an
 * SQS event source takes): a channel is one webhook or one topic, and Slack
 * accepts about one post per second per webhook.
 */
export class ChannelQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly subscription: Subscription;
  readonly eventSource: SqsEventSource;

  constructor(scope: Construct, id: string, props: ChannelQueueProps) {
    super(scope, id);
    const timeout = props.consumer.function.timeout;
    if (timeout === undefined) throw new Error(`${props.consumer.node.path} has no timeout`);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * VISIBILITY_PER_FUNCTION_TIMEOUT),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.subscription = props.alerts.topic.addSubscription(
      new SqsSubscription(this.queue, { rawMessageDelivery: false }),
    );
    setFilterPolicy(this.subscription, props.filterPolicy);

    this.eventSource = new SqsEventSource(this.queue, {
      batchSize: CHANNEL_BATCH_SIZE,
      reportBatchItemFailures: true,
      maxConcurrency: 2,
    });
    props.consumer.function.addEventSource(this.eventSource);
  }
}
