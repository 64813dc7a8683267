/**
 * The stream consumers' input boundary (notifier, reactors): DynamoDB stream records → events.
 * Records are validated, not trusted: one malformed record is reported with
 * its key and sequence number and skipped (retrying cannot fix it), and the
 * rest of the batch goes on.
 */

import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';
import { errorMessage } from '../core/errors';
import { KINDS, type Kind } from '../core/observation';
import { eventFromItem } from './keys';
import { isNewEventRecord } from './stream-filter';
import type { VigilEvent } from './vigil-event';

/** The parts of a stream record the notifier reads (Lambda's and GetRecords' shapes both fit). */
export interface StreamRecordInput {
  readonly eventName?: string;
  readonly dynamodb?: {
    readonly NewImage?: Record<string, unknown>;
    readonly SequenceNumber?: string;
    readonly Keys?: Record<string, unknown>;
  };
}

const statusPair = z.object({ status: z.string(), result: z.string().optional() });

/** Required fields of an event item; the snapshot (`state`) is checked for the fields messages use. */
const changeEventSchema = z.looseObject({
  eventId: z.string().min(1),
  eventType: z.literal('change'),
  service: z.enum(['devicefarm', 'deadline']),
  kind: z.enum(KINDS as [Kind, ...Kind[]]),
  arn: z.string().min(1),
  name: z.string(),
  project: z.looseObject({ arn: z.string(), name: z.string().optional() }),
  parentArn: z.string().optional(),
  version: z.number().int().positive(),
  from: statusPair.optional(),
  to: statusPair,
  changed: z.array(z.string()),
  baseline: z.boolean(),
  cycleId: z.string(),
  at: z.string(),
  minutesDelta: z.looseObject({}),
  state: z.looseObject({ arn: z.string(), status: z.string(), observedAt: z.string() }),
});

const budgetEventSchema = z.looseObject({
  eventId: z.string().min(1),
  eventType: z.enum(['budget-threshold', 'budget-forecast']),
  service: z.enum(['devicefarm', 'deadline']),
  arn: z.string().min(1),
  name: z.string(),
  at: z.string(),
  budget: z.looseObject({ name: z.string(), limitMinutes: z.number(), meter: z.string() }),
  period: z.looseObject({ key: z.string(), start: z.string(), end: z.string() }),
  usedMinutes: z.number(),
  thresholdPercent: z.number().optional(),
});

const guardEventSchema = z.looseObject({
  eventId: z.string().min(1),
  eventType: z.literal('guard'),
  service: z.literal('devicefarm'),
  kind: z.literal('remote-access-session'),
  arn: z.string().min(1),
  name: z.string(),
  project: z.looseObject({ arn: z.string(), name: z.string().optional() }),
  at: z.string(),
  action: z.enum(['warning', 'stop', 'would-stop', 'over-limit', 'hard-limit-warning', 'stopped-by-user']),
  minutes: z.number(),
  state: z.looseObject({ arn: z.string(), status: z.string() }),
});

const digestEventSchema = z.looseObject({
  eventId: z.string().min(1),
  eventType: z.literal('digest'),
  service: z.enum(['devicefarm', 'deadline']),
  arn: z.string().min(1),
  name: z.string(),
  at: z.string(),
  digest: z.looseObject({ date: z.string() }),
});

const stuckEventSchema = z.looseObject({
  eventId: z.string().min(1),
  eventType: z.enum(['stuck', 'unstuck']),
  service: z.enum(['devicefarm', 'deadline']),
  kind: z.enum(KINDS as [Kind, ...Kind[]]),
  arn: z.string().min(1),
  name: z.string(),
  project: z.looseObject({ arn: z.string(), name: z.string().optional() }),
  at: z.string(),
  since: z.string(),
  waitingStatus: z.string(),
  waitedMinutes: z.number(),
  limitMinutes: z.number(),
  state: z.looseObject({ arn: z.string(), status: z.string() }),
});

const reminderEventSchema = z.looseObject({
  eventId: z.string().min(1),
  eventType: z.literal('reminder'),
  service: z.enum(['devicefarm', 'deadline']),
  kind: z.string(),
  arn: z.string().min(1),
  name: z.string(),
  project: z.looseObject({ arn: z.string(), name: z.string().optional() }),
  at: z.string(),
  condition: z.enum(['session-over-limit', 'budget-over-limit', 'deadline-job', 'failing-project', 'failing-device']),
  since: z.string(),
  count: z.number().int().positive(),
  max: z.number().int().positive(),
  everyHours: z.number().positive(),
  detail: z.looseObject({}),
});

/** The schema for an event item of the given type, or undefined for a type Vigil does not know. */
function schemaFor(eventType: unknown) {
  if (eventType === 'stuck' || eventType === 'unstuck') return stuckEventSchema;
  if (eventType === 'reminder') return reminderEventSchema;
  if (eventType === 'digest') return digestEventSchema;
  if (eventType === 'change') return changeEventSchema;
  if (eventType === 'budget-threshold' || eventType === 'budget-forecast') return budgetEventSchema;
  if (eventType === 'guard') return guardEventSchema;
  return undefined;
}

/** A parsed event and the stream sequence number it came from. */
export interface SequencedEvent {
  readonly sequenceNumber: string;
  readonly event: VigilEvent;
}

/** A record that could not be read as an event. */
export interface RejectedRecord {
  readonly sequenceNumber: string;
  readonly reason: string;
}

type Attribute = Record<string, unknown>;

/**
 * DynamoDB Local's stream encodes an empty map as `{}` instead of `{"M":{}}`
 * (DynamoDB itself does not). An attribute value with no type key can only
 * be that, so it is read as an empty map rather than rejected.
 */
export function repairEmptyMaps(value: Attribute): Attribute {
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.M !== undefined && typeof value.M === 'object' && value.M !== null) {
    return { M: repairImage(value.M as Record<string, Attribute>) };
  }
  if (Array.isArray(value.L)) return { L: (value.L as Attribute[]).map(repairEmptyMaps) };
  return value;
}

function repairImage(image: Record<string, Attribute>): Record<string, Attribute> {
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, repairEmptyMaps(v)]));
}

/** Keeps new-event inserts, parses them, and separates the unreadable ones. */
export function readEvents(records: readonly StreamRecordInput[]): {
  events: SequencedEvent[];
  rejected: RejectedRecord[];
} {
  const events: SequencedEvent[] = [];
  const rejected: RejectedRecord[] = [];
  for (const record of records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
    if (!isNewEventRecord(record as Parameters<typeof isNewEventRecord>[0])) continue;
    try {
      const raw = repairImage((record.dynamodb?.NewImage ?? {}) as Record<string, Attribute>);
      const image = eventFromItem<Record<string, unknown>>(
        unmarshall(raw as unknown as Parameters<typeof unmarshall>[0]),
      );
      const schema = schemaFor(image.eventType);
      if (schema === undefined) {
        rejected.push({
          sequenceNumber,
          reason: `eventType: ${JSON.stringify(image.eventType)} is not an event type Vigil writes`,
        });
        continue;
      }
      const parsed = schema.safeParse(image);
      if (parsed.success) events.push({ sequenceNumber, event: parsed.data as unknown as VigilEvent });
      else
        rejected.push({
          sequenceNumber,
          reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        });
    } catch (error) {
      rejected.push({ sequenceNumber, reason: errorMessage(error) });
    }
  }
  return { events, rejected };
}
