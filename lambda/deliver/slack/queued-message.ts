/**
 * Reads what the notification topic put on a subscriber's SQS queue. Shared
 * by the Slack forwarder and the AWS Chatbot relay (both sit behind a queue).
 *
 * - With SNS's default envelope, the SQS body is the SNS notification JSON:
 *   its `Message` is the topic message's `sqs` body, the NotificationDocument
 *   with the email `text` (see sns-publisher.ts), and `MessageId` identifies
 *   the SNS message across redeliveries.
 * - With raw message delivery the body IS the document; there is no SNS
 *   message id, so the key is a hash of what the document covers.
 * - Anything else (someone ran `aws sns publish --message hello`) is a plain
 *   message, forwarded as text.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { NotificationDocument } from '../notification';
import type { ChatInput } from './facts';

/** One queued message, read. `key` identifies it across redeliveries (the idempotency key). */
export type QueuedMessage =
  | { readonly kind: 'vigil'; readonly key: string; readonly input: ChatInput }
  | {
      readonly kind: 'plain';
      readonly key: string;
      readonly subject?: string;
      readonly text: string;
      /** Why a message that looks like Vigil's could not be read as one (for the log). */
      readonly problem?: string;
    };

/** The part of an SQS record this reads (Lambda's SQSRecord has it). */
export interface QueuedRecord {
  readonly messageId: string;
  readonly body: string;
}

const envelopeSchema = z.looseObject({
  Type: z.literal('Notification'),
  MessageId: z.string().min(1),
  Message: z.string(),
  Subject: z.string().nullish(),
});

const resourceSchema = z.looseObject({
  kind: z.string(),
  arn: z.string(),
  name: z.string(),
  status: z.string(),
});

/**
 * The fields the chat formats read, checked so a message from an older or
 * newer Vigil fails here, with the reason, not deep inside a formatter.
 */
const documentSchema = z.looseObject({
  source: z.literal('vigil'),
  version: z.literal(1),
  eventType: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  subject: z.string(),
  service: z.string(),
  project: z.looseObject({ arn: z.string(), name: z.string().optional() }).optional(),
  resource: resourceSchema.optional(),
  budget: z
    .looseObject({
      name: z.string(),
      meter: z.string(),
      period: z.looseObject({ key: z.string(), start: z.string(), end: z.string() }),
      usedMinutes: z.number(),
      limitMinutes: z.number(),
      usedPercent: z.number(),
    })
    .optional(),
  guard: z.looseObject({ action: z.string(), minutes: z.number() }).optional(),
  jobs: z.array(resourceSchema),
  jobsLeftOut: z.number().optional(),
  jobSummary: z
    .looseObject({
      total: z.number(),
      byResult: z.record(z.string(), z.number()),
      notPassed: z.array(z.looseObject({ arn: z.string(), name: z.string(), status: z.string() })),
      notPassedTruncated: z.number(),
    })
    .optional(),
  eventIds: z.array(z.string()),
  observedAt: z.string(),
  consoleUrl: z.string().optional(),
  text: z.string().optional(),
});

/** The CloudWatch alarm notification (what an alarm action publishes to SNS), the fields read. */
const alarmSchema = z.looseObject({
  AlarmName: z.string(),
  AlarmDescription: z.string().nullish(),
  NewStateValue: z.string(),
  OldStateValue: z.string().optional(),
  NewStateReason: z.string().optional(),
  StateChangeTime: z.string().optional(),
  Region: z.string().optional(),
});

/**
 * Vigil's own alarms (a poller stopped, a queue holding failed messages)
 * reach the channels that take alarms as CloudWatch's JSON; this turns
 * one into a subject and text a person reads, the description first: it
 * says what the alarm means and what to do.
 */
export function alarmText(message: unknown): { subject: string; text: string } | undefined {
  const alarm = alarmSchema.safeParse(message);
  if (!alarm.success) return undefined;
  const a = alarm.data;
  const lines = [
    `Vigil alarm ${a.AlarmName} is ${a.NewStateValue}${a.OldStateValue ? ` (was ${a.OldStateValue})` : ''}.`,
    ...(a.AlarmDescription ? ['', a.AlarmDescription] : []),
    ...(a.NewStateReason ? ['', `Reason: ${a.NewStateReason}`] : []),
    ...(a.StateChangeTime || a.Region
      ? ['', [a.StateChangeTime && `At ${a.StateChangeTime}`, a.Region && `in ${a.Region}`].filter(Boolean).join(' ')]
      : []),
  ];
  return { subject: `${a.NewStateValue}: ${a.AlarmName}`, text: lines.join('\n') };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A key for a document without an SNS message id: the same events in the same kind of message. */
function documentKey(doc: { eventType: string; eventIds: readonly string[] }): string {
  const digest = createHash('sha256')
    .update(`${doc.eventType}\n${doc.eventIds.join('\n')}`)
    .digest('hex');
  return `doc-${digest.slice(0, 40)}`;
}

/** Reads one SQS record of the notification topic's subscription. Never throws. */
export function readQueuedMessage(record: QueuedRecord): QueuedMessage {
  const outer = parseJson(record.body);
  const envelope = envelopeSchema.safeParse(outer);
  const inner = envelope.success ? envelope.data.Message : record.body;
  const subject = envelope.success ? (envelope.data.Subject ?? undefined) : undefined;
  const document = documentSchema.safeParse(envelope.success ? parseJson(inner) : outer);
  if (document.success) {
    const doc = document.data;
    const { text, ...rest } = doc;
    return {
      kind: 'vigil',
      key: envelope.success ? envelope.data.MessageId : documentKey(doc),
      input: { subject: doc.subject, text: text ?? doc.subject, document: rest as unknown as NotificationDocument },
    };
  }
  const key = envelope.success ? envelope.data.MessageId : `sqs-${record.messageId}`;
  // A Vigil document this version cannot read still has its subject and email text: send those.
  const loose = z
    .looseObject({ source: z.literal('vigil'), subject: z.string(), text: z.string() })
    .safeParse(envelope.success ? parseJson(inner) : outer);
  if (loose.success) {
    const problem = document.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`)
      .join('; ');
    return { kind: 'plain', key, subject: loose.data.subject, text: loose.data.text, problem };
  }
  const alarm = alarmText(parseJson(inner));
  if (alarm !== undefined) return { kind: 'plain', key, ...alarm };
  return { kind: 'plain', key, ...(subject ? { subject } : {}), text: inner };
}
