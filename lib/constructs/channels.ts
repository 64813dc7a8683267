import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Subscription, SubscriptionProtocol } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { filterPolicyFor } from '../../lambda/config/channel-routing';
import type { Channel } from '../../lambda/config/settings';
import type { AlertTopic } from './alert-topic';
import { setFilterPolicy } from './channel-queue';
import { ChatbotChannel } from './chatbot-channel';
import type { HistoryTable } from './history-table';
import { CHANNEL_LABELS, HttpChannel } from './http-channel';
import { SlackChannel } from './slack-channel';

export interface ChannelsProps {
  /** The channels of the config, in order. */
  readonly channels: readonly Channel[];
  readonly alerts: AlertTopic;
  /** For the Slack forwarders' delivery records. */
  readonly history: HistoryTable;
  /**
   * How long the channel functions' logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The configured channels, each one subscription to the alert topic whose
 * filter policy (lambda/deliver/routing.ts) decides what reaches it: SNS
 * does the routing, no Vigil code does.
 *
 * - email: an email subscription (SNS asks the address to confirm);
 * - slack: {@link SlackChannel} (queue, forwarder, webhook secret);
 * - chatbot: {@link ChatbotChannel} (queue, relay, Chatbot topic);
 * - pagerduty, opsgenie, webhook: {@link HttpChannel} (queue, forwarder, key secret).
 *
 * Construct IDs come from channel names, so reordering the channels in the
 * config replaces nothing.
 */
export class Channels extends Construct {
  /** Subscriptions of the email channels, by channel name. */
  readonly email: ReadonlyMap<string, Subscription>;
  readonly slack: ReadonlyMap<string, SlackChannel>;
  readonly chatbot: ReadonlyMap<string, ChatbotChannel>;
  /** PagerDuty, Opsgenie and webhook channels, by channel name. */
  readonly http: ReadonlyMap<string, HttpChannel>;
  /**
   * Encrypts every channel queue and Chatbot topic (one key rather than one
   * per channel: each is a monthly charge); each function's grants still
   * name only its own queue and topic. Present with any channel but email.
   */
  readonly encryptionKey?: Key;

  constructor(scope: Construct, id: string, props: ChannelsProps) {
    super(scope, id);
    const email = new Map<string, Subscription>();
    const slack = new Map<string, SlackChannel>();
    const chatbot = new Map<string, ChatbotChannel>();
    const http = new Map<string, HttpChannel>();
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    let key: Key | undefined;
    const channelKey = (): Key => {
      key ??= new Key(this, 'Key', {
        description: 'Vigil channel queues and Chatbot topics',
        enableKeyRotation: true,
        // Protects messages in flight only; nothing is left to decrypt once the queues are gone.
        removalPolicy: RemovalPolicy.DESTROY,
        pendingWindow: Duration.days(7),
      });
      return key;
    };

    for (const channel of props.channels) {
      switch (channel.type) {
        case 'email': {
          const subscription = new Subscription(this, `Email-${channel.name}`, {
            topic: props.alerts.topic,
            protocol: SubscriptionProtocol.EMAIL,
            endpoint: channel.address,
          });
          setFilterPolicy(subscription, filterPolicyFor(channel));
          email.set(channel.name, subscription);
          break;
        }
        case 'slack':
          slack.set(
            channel.name,
            new SlackChannel(this, `Slack-${channel.name}`, {
              channel,
              alerts: props.alerts,
              history: props.history,
              encryptionKey: channelKey(),
              logRetention,
            }),
          );
          break;
        case 'chatbot':
          chatbot.set(
            channel.name,
            new ChatbotChannel(this, `Chatbot-${channel.name}`, {
              channel,
              alerts: props.alerts,
              encryptionKey: channelKey(),
              logRetention,
            }),
          );
          break;
        case 'pagerduty':
        case 'opsgenie':
        case 'webhook':
          http.set(
            channel.name,
            new HttpChannel(this, `${CHANNEL_LABELS[channel.type]}-${channel.name}`, {
              channel,
              alerts: props.alerts,
              history: props.history,
              encryptionKey: channelKey(),
              logRetention,
            }),
          );
          break;
      }
    }
    this.email = email;
    this.slack = slack;
    this.chatbot = chatbot;
    this.http = http;
    this.encryptionKey = key;
  }
}

/** `mobile-ci` → `MobileCi`: a channel name as part of an output name (the config keeps these unique). */
export function outputSuffix(channelName: string): string {
  return channelName
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
