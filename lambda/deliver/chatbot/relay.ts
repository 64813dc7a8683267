/**
 * The AWS Chatbot relay: republishes each queued notification to the
 * Chatbot topic as a custom notification (plain `Message`, no
 * MessageStructure: Chatbot reads the message body as the event). A message
 * that fails is reported back so only it is retried by SQS.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DeliveryError } from '../../core/errors';
import { errorFields, type Log } from '../../core/log';
import { type QueuedRecord, readQueuedMessage } from '../slack/queued-message';
import { type ChatbotNotification, chatbotNotification, chatbotPlainNotification } from './format';

/** The Chatbot topic's slot in the relay. */
export interface ChatbotPublisher {
  publish(notification: ChatbotNotification): Promise<{ messageId: string }>;
}

/** Publishes custom notifications to the SNS topic Chatbot is subscribed to. */
export class ChatbotTopicPublisher implements ChatbotPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(notification: ChatbotNotification): Promise<{ messageId: string }> {
    try {
      const out = await this.client.send(
        new PublishCommand({ TopicArn: this.topicArn, Message: JSON.stringify(notification) }),
      );
      return { messageId: out.MessageId ?? '' };
    } catch (error) {
      throw new DeliveryError(`Publishing to the AWS Chatbot topic ${this.topicArn} failed`, { cause: error });
    }
  }
}

export interface ChatbotRelayDeps {
  readonly publisher: ChatbotPublisher;
  readonly log: Log;
}

/** What one batch did. `failed` are SQS message ids, returned as batchItemFailures. */
export interface RelayReport {
  readonly received: number;
  readonly relayed: number;
  readonly failed: readonly string[];
}

/** Relays a batch; never throws (a failure is reported per message). */
export async function relayToChatbot(records: readonly QueuedRecord[], deps: ChatbotRelayDeps): Promise<RelayReport> {
  const failed: string[] = [];
  let relayed = 0;
  for (const record of records) {
    const message = readQueuedMessage(record);
    const notification =
      message.kind === 'vigil'
        ? chatbotNotification(message.input, message.key)
        : chatbotPlainNotification(message.subject, message.text, message.key);
    try {
      await deps.publisher.publish(notification);
      relayed++;
    } catch (error) {
      failed.push(record.messageId);
      deps.log.error('Relaying to AWS Chatbot failed; the message will be retried', {
        messageId: record.messageId,
        key: message.key,
        ...errorFields(error),
      });
    }
  }
  return { received: records.length, relayed, failed };
}
