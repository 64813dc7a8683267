import { Duration, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { filterPolicyFor } from '../../lambda/config/channel-routing';
import type { SlackChannel as SlackChannelConfig } from '../../lambda/config/settings';
import type { AlertTopic } from './alert-topic';
import { ChannelQueue } from './channel-queue';
import type { HistoryTable } from './history-table';
import { acknowledgeKeyActionFamilies } from './key-grants';
import { grantSecretValue } from './secret-grant';
import { VigilFunction } from './vigil-function';

/** The name of the secret the stack creates for a Slack channel without `secretName`. */
export function createdSecretName(channel: string): string {
  return `vigil/slack/${channel}`;
}

export interface SlackChannelProps {
  /** The channel as the config declares it. */
  readonly channel: SlackChannelConfig;
  readonly alerts: AlertTopic;
  /** Where the forwarder records what it posted (GetItem and PutItem only). */
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
 * One Slack channel: a queue subscribed to the alert topic with the
 * channel's filter policy, and a forwarder (lambda/handlers/forward-slack.ts)
 * that posts each message to the channel's incoming webhook.
 *
 * The webhook URL lives only in Secrets Manager: in the secret named by
 * `secretName`, or in `vigil/slack/<name>`, which the stack creates with a
 * generated placeholder for the user to replace. The function gets the
 * secret's ARN, never its value, and may read that one secret only.
 */
export class SlackChannel extends Construct {
  readonly function: NodejsFunction;
  readonly inbox: ChannelQueue;
  /** Holds the webhook URL. */
  readonly secret: ISecret;
  /** True when the stack created the secret (no `secretName` in the config). */
  readonly secretCreated: boolean;

  constructor(scope: Construct, id: string, props: SlackChannelProps) {
    super(scope, id);
    const { channel } = props;

    if (channel.secretName === undefined) {
      this.secret = new Secret(this, 'Webhook', {
        // A known name, so the user can find the secret and put the URL in it.
        secretName: createdSecretName(channel.name),
        description: `Vigil Slack channel ${channel.name}: replace the generated value with the channel's incoming webhook URL`,
      });
      this.secretCreated = true;
      Validations.of(this.secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'The secret holds a Slack incoming webhook URL, which only Slack issues: no rotation Lambda can make a new one. Revoking it in Slack and putting the new URL in the secret is the rotation.',
      });
    } else {
      this.secret = Secret.fromSecretNameV2(this, 'Webhook', channel.secretName);
      this.secretCreated = false;
    }

    const fn = new VigilFunction(this, 'Function', {
      handlerFile: 'forward-slack.ts',
      description: `Vigil: posts channel ${channel.name}'s notifications to its Slack webhook`,
      memorySize: 256,
      // Room for a batch of 10 at Slack's one post per second, and a Retry-After or two.
      timeout: Duration.seconds(60),
      environment: {
        SLACK_SECRET_ARN: this.secret.secretArn,
        TABLE_NAME: props.history.table.tableName,
        CHANNEL_NAME: channel.name,
      },
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    this.function = fn.function;

    grantSecretValue(fn.role, this.secret, channel.secretName);
    props.history.grantItems(fn.role, ['dynamodb:GetItem', 'dynamodb:PutItem']);

    this.inbox = new ChannelQueue(this, 'Inbox', {
      alerts: props.alerts,
      filterPolicy: filterPolicyFor(channel),
      encryptionKey: props.encryptionKey,
      consumer: fn,
    });

    acknowledgeKeyActionFamilies(fn.defaultPolicy(), 'DynamoDB write', "the history table's key");
  }
}
