/**
 * Publishes notifications to the SNS topic with per-protocol bodies
 * (MessageStructure=json): readable text for email, the JSON document for
 * SQS, Lambda and HTTP(S) subscribers; message attributes for filter
 * policies. SNS caps a message at 256 KiB, so oversized text is cut, never
 * rejected.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from './compose';

/** The delivery port: anything that can send a notification once. */
export interface Publisher {
  publish(notification: Notification): Promise<{ messageId: string }>;
}

/** SNS's limit on a message, in UTF-8 bytes. */
export const SNS_MAX_BYTES = 262_144;

/** Room kept for SNS's own envelope and the attributes. */
const SAFETY_BYTES = 8_192;

/** The MessageStructure=json body for a notification, cut to fit SNS's limit. */
export function snsMessage(notification: Notification): string {
  const build = (text: string) => {
    const json = JSON.stringify({ ...notification.document, text });
    return JSON.stringify({ default: text, email: text, 'email-json': json, sqs: json, lambda: json, http: json, https: json });
  };
  let text = notification.text;
  let body = build(text);
  while (Buffer.byteLength(body, 'utf8') > SNS_MAX_BYTES - SAFETY_BYTES && text.length > 200) {
    // The text appears four times (default, email and inside the JSON); cut it in proportion.
    const excess = Buffer.byteLength(body, 'utf8') - (SNS_MAX_BYTES - SAFETY_BYTES);
    text = `${text.slice(0, Math.max(200, text.length - Math.ceil(excess / 3) - 64))}\n… (message shortened to fit SNS's 256 KB limit)`;
    body = build(text);
  }
  return body;
}

export class SnsPublisher implements Publisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(notification: Notification): Promise<{ messageId: string }> {
    const attributes = Object.fromEntries(
      Object.entries(notification.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
    );
    const out = await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: notification.subject,
        MessageStructure: 'json',
        Message: snsMessage(notification),
        MessageAttributes: attributes,
      }),
    );
    return { messageId: out.MessageId ?? '' };
  }
}
