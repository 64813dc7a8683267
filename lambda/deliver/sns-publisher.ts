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
    return JSON.stringify({
      default: text,
      email: text,
      'email-json': json,
      sqs: json,
      lambda: json,
      http: json,
      https: json,
    });
  };
  const budget = SNS_MAX_BYTES - SAFETY_BYTES;
  const overhead = Buffer.byteLength(build(''), 'utf8');
  let text = notification.text;
  let body = build(text);
  let size = Buffer.byteLength(body, 'utf8');
  while (size > budget && text.length > 200) {
    // The text appears seven times (default, email and inside each JSON body), escaped twice in
    // some: keep the share of it that fits, less room for the note saying it was cut.
    const keep = Math.floor((text.length * Math.max(0, budget - overhead)) / (size - overhead)) - 64;
    const cut = `${text.slice(0, Math.max(200, keep))}\n… (message shortened to fit SNS's 256 KB limit)`;
    if (cut === text) break; // already as short as it goes: the document alone is over the limit
    text = cut;
    body = build(text);
    size = Buffer.byteLength(body, 'utf8');
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
      Object.entries(notification.attributes).map(([name, value]) => [
        name,
        { DataType: 'String', StringValue: value },
      ]),
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
