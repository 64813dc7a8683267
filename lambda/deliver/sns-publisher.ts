/**
 * Publishes notifications to the SNS topic with per-protocol bodies
 * (MessageStructure=json): readable text for email, the JSON document for
 * SQS, Lambda and HTTP(S) subscribers; message attributes for filter
 * policies. SNS caps a message at 256 KiB, attributes included, so
 * oversized text is cut, never rejected.
 */
import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from './notification';
import { oneLine, safeSubject } from './subject';

/** The delivery port: anything that can send a notification once. */
export interface Publisher {
  publish(notification: Notification): Promise<{ messageId: string }>;
}

/** SNS's limit on a message, in UTF-8 bytes; attribute names, types and values count toward it. */
export const SNS_MAX_BYTES = 262_144;

/** Room kept for SNS's own envelope. */
const SAFETY_BYTES = 8_192;

/**
 * Vigil's bound on an attribute value, in UTF-16 code units. SNS sets none
 * below the message limit, but a filter value is a name, not a document:
 * Device Farm project names stop at 256 characters too.
 */
export const ATTRIBUTE_VALUE_MAX_CHARS = 256;

/**
 * The notification's attributes as SNS takes them. SNS refuses an empty
 * value ("Name, type, and value must not be empty or null", Publish API
 * reference, MessageAttributeValue), so a value left empty once made one
 * line is left out: a filter policy on it then does not match, which is
 * what an unknown value means. Line breaks and control characters become
 * spaces; values are cut to {@link ATTRIBUTE_VALUE_MAX_CHARS}.
 */
export function messageAttributes(notification: Notification): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, raw] of Object.entries(notification.attributes)) {
    const value = cutCodePoints(oneLine(raw), ATTRIBUTE_VALUE_MAX_CHARS);
    if (value !== '') attributes[name] = { DataType: 'String', StringValue: value };
  }
  return attributes;
}

/** What the attributes add to the message size: every name, type and value, in UTF-8 bytes. */
function attributeBytes(attributes: Record<string, MessageAttributeValue>): number {
  return Object.entries(attributes).reduce(
    (n, [name, a]) =>
      n + Buffer.byteLength(name) + Buffer.byteLength(a.DataType ?? '') + Buffer.byteLength(a.StringValue ?? ''),
    0,
  );
}

/** The MessageStructure=json body for a notification, cut so body and attributes fit SNS's limit. */
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
  const budget = SNS_MAX_BYTES - SAFETY_BYTES - attributeBytes(messageAttributes(notification));
  const overhead = Buffer.byteLength(build(''), 'utf8');
  let text = notification.text;
  let body = build(text);
  let size = Buffer.byteLength(body, 'utf8');
  while (size > budget && text.length > 200) {
    // The text appears seven times (default, email and inside each JSON body), escaped twice in
    // some: keep the share of it that fits, less room for the note saying it was cut.
    const keep = Math.floor((text.length * Math.max(0, budget - overhead)) / (size - overhead)) - 64;
    const cut = `${cutCodePoints(text, Math.max(200, keep))}\n… (message shortened to fit SNS's 256 KB limit)`;
    if (cut === text) break; // already as short as it goes: the document alone is over the limit
    text = cut;
    body = build(text);
    size = Buffer.byteLength(body, 'utf8');
  }
  return body;
}

/** `text` cut to at most `max` UTF-16 code units without splitting an emoji into half a surrogate pair. */
function cutCodePoints(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max).replace(/[\ud800-\udbff]$/, '');
}

export class SnsPublisher implements Publisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(notification: Notification): Promise<{ messageId: string }> {
    const out = await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // Composed subjects already are what SNS accepts; this holds for any other Notification too.
        Subject: safeSubject(notification.subject),
        MessageStructure: 'json',
        Message: snsMessage(notification),
        MessageAttributes: messageAttributes(notification),
      }),
    );
    return { messageId: out.MessageId ?? '' };
  }
}
