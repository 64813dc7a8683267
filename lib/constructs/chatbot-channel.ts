import { Duration, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { filterPolicyFor } from '../../lambda/config/channel-routing';
import type { ChatbotChannel as ChatbotChannelConfig } from '../../lambda/config/settings';
import type { AlertTopic } from './alert-topic';
import { ChannelQueue } from './channel-queue';
import { VigilFunction } from './vigil-function';

export interface ChatbotChannelProps {
  /** The channel as the config declares it. */
  readonly channel: ChatbotChannelConfig;
  readonly alerts: AlertTopic;
  /** Encrypts the channel's queues and its Chatbot topic. */
  readonly encryptionKey: IKey;
  /**
   * How long the relay's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * One AWS Chatbot (Amazon Q Developer in chat applications) channel: a
 * queue subscribed to the alert topic with the channel's filter policy, and
 * a relay (lambda/handlers/relay-chatbot.ts) that republishes each message
 * in Chatbot's custom notification format to a topic of its own, since
 * Chatbot drops anything else.
 *
 * Vigil does not create the Chatbot configuration (it needs the chat
 * workspace authorised in the console first): the user connects `topic` to
 * a Slack, Teams or Chime channel in the Chatbot console; the stack outputs
 * its ARN.
 */
export class ChatbotChannel extends Construct {
  readonly function: NodejsFunction;
  readonly inbox: ChannelQueue;
  /** The topic AWS Chatbot subscribes to. */
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: ChatbotChannelProps) {
    super(scope, id);
    const { channel } = props;

    this.topic = new Topic(this, 'Topic', {
      displayName: `Vigil ${channel.name} (AWS Chatbot)`,
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });

    const fn = new VigilFunction(this, 'Function', {
      handlerFile: 'relay-chatbot.ts',
      description: `Vigil: relays channel ${channel.name}'s notifications to its AWS Chatbot topic`,
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment: { CHATBOT_TOPIC_ARN: this.topic.topicArn },
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    this.function = fn.function;
    this.topic.grantPublish(fn.role);

    this.inbox = new ChannelQueue(this, 'Inbox', {
      alerts: props.alerts,
      filterPolicy: filterPolicyFor(channel),
      encryptionKey: props.encryptionKey,
      consumer: fn,
    });

    Validations.of(fn.defaultPolicy()).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        "kms:GenerateDataKey* is the KMS action family CDK's SNS publish grant uses; the statement names only the channels' key, which encrypts this channel's Chatbot topic.",
    });
  }
}
