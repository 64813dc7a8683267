import { Duration, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { filterPolicyFor } from '../../lambda/config/channel-routing';
import type { HttpChannel as HttpChannelConfig } from '../../lambda/config/settings';
import type { AlertTopic } from './alert-topic';
import { ChannelQueue } from './channel-queue';
import type { HistoryTable, ItemAction } from './history-table';
import { acknowledgeKeyActionFamilies } from './key-grants';
import { grantSecretValue } from './secret-grant';
import { VigilFunction } from './vigil-function';

/** The name of the secret the stack creates for a channel without `secretName`: `vigil/<type>/<name>`. */
export function createdChannelSecretName(type: HttpChannelConfig['type'], channel: string): string {
  return `vigil/${type}/${channel}`;
}

/** How outputs, alarms and construct IDs name each type. */
export const CHANNEL_LABELS: Record<HttpChannelConfig['type'], string> = {
  pagerduty: 'PagerDuty',
  opsgenie: 'Opsgenie',
  webhook: 'Webhook',
};

/** What each type's secret holds, for its description. */
const HOLDS: Record<HttpChannelConfig['type'], string> = {
  pagerduty: "replace routingKey with the PagerDuty integration's routing key (Events API v2)",
  opsgenie: 'replace apiKey with the Opsgenie API integration key',
  webhook: 'the signing key Vigil signs each POST with (generated); give it to the receiver',
};

export interface HttpChannelProps {
  /** The channel as the config declares it. */
  readonly channel: HttpChannelConfig;
  readonly alerts: AlertTopic;
  /** Where the forwarder records what it posted, and a pager's open incidents. */
  readonly history: HistoryTable;
  /** Encrypts the channel's queues. */
  readonly encryptionKey: IKey;
  /**
   * How long the forwarder's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * One PagerDuty, Opsgenie or webhook channel, built as a Slack channel is:
 * a queue subscribed to the alert topic with the channel's filter policy
 * (with its dead-letter queue), and a forwarder
 * (lambda/handlers/forward-channel.ts) that posts each message.
 *
 * The routing key, API key or signing key lives only in Secrets Manager: in
 * the secret named by `secretName`, or in `vigil/<type>/<name>`, which the
 * stack creates (for a pager, JSON with a placeholder the user replaces; for
 * a webhook, a generated signing key ready to use). The function gets the
 * secret's ARN, never its value, and may read that one secret only. A
 * webhook's URL is in the config and the function's environment: it must
 * not carry credentials (the config refuses user:password@); the signature
 * is what authenticates Vigil to the receiver.
 */
export class HttpChannel extends Construct {
  readonly type: HttpChannelConfig['type'];
  readonly function: NodejsFunction;
  readonly inbox: ChannelQueue;
  /** Holds the key. */
  readonly secret: ISecret;
  /** True when the stack created the secret (no `secretName` in the config). */
  readonly secretCreated: boolean;

  constructor(scope: Construct, id: string, props: HttpChannelProps) {
    super(scope, id);
    const { channel } = props;
    this.type = channel.type;

    if (channel.secretName === undefined) {
      const name = createdChannelSecretName(channel.type, channel.name);
      this.secret = new Secret(this, 'Key', {
        // A known name, so the user can find the secret and put the key in it.
        secretName: name,
        description: `Vigil ${channel.type} channel ${channel.name}: ${HOLDS[channel.type]}`,
        generateSecretString:
          channel.type === 'webhook'
            ? { passwordLength: 48, excludePunctuation: true }
            : {
                // A placeholder the forwarder refuses with a message saying what to put there.
                secretStringTemplate: JSON.stringify({
                  [channel.type === 'pagerduty' ? 'routingKey' : 'apiKey']: 'REPLACE-ME',
                }),
                generateStringKey: 'placeholder',
              },
      });
      this.secretCreated = true;
      Validations.of(this.secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          channel.type === 'webhook'
            ? 'The secret is the signing key a webhook receiver checks Vigil’s signature with: rotating it must be done on both sides at once (put a new key, give it to the receiver), which no rotation Lambda can do for a third-party receiver.'
            : `The secret holds a ${channel.type === 'pagerduty' ? 'PagerDuty routing key' : 'Opsgenie API key'}, which only that service issues: no rotation Lambda can make a new one. Revoking it in the service and putting the new key in the secret is the rotation.`,
      });
    } else {
      this.secret = Secret.fromSecretNameV2(this, 'Key', channel.secretName);
      this.secretCreated = false;
    }

    const fn = new VigilFunction(this, 'Function', {
      handlerFile: 'forward-channel.ts',
      description: `Vigil: posts channel ${channel.name}'s notifications to ${channel.type === 'webhook' ? 'its webhook' : channel.type === 'pagerduty' ? 'PagerDuty' : 'Opsgenie'}`,
      memorySize: 256,
      // Room for a batch of 10 with a Retry-After or two.
      timeout: Duration.seconds(60),
      environment: {
        CHANNEL_TYPE: channel.type,
        CHANNEL_NAME: channel.name,
        SECRET_ARN: this.secret.secretArn,
        TABLE_NAME: props.history.table.tableName,
        ...(channel.type === 'webhook' ? { WEBHOOK_URL: channel.url } : { CHANNEL_REGION: channel.region }),
      },
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    this.function = fn.function;

    grantSecretValue(fn.role, this.secret, channel.secretName);
    // Post markers; a pager also keeps its open incidents (read one, list its partition, remove a resolved one).
    const items: ItemAction[] =
      channel.type === 'webhook'
        ? ['dynamodb:GetItem', 'dynamodb:PutItem']
        : ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteItem'];
    props.history.grantItems(fn.role, items);

    this.inbox = new ChannelQueue(this, 'Inbox', {
      alerts: props.alerts,
      filterPolicy: filterPolicyFor(channel),
      encryptionKey: props.encryptionKey,
      consumer: fn,
    });

    acknowledgeKeyActionFamilies(fn.defaultPolicy(), 'DynamoDB write', "the history table's key");
  }
}
