/**
 * Which stream records the notifier sees: inserts of event items only
 * (not latest-state updates, delivery records or cursors). The same rule
 * serves as the Lambda event-source filter in the stack and as a predicate
 * when the CLI follows the stream itself.
 */
import { ENTITY_ATTRIBUTE } from './table-schema';

/** The Lambda event filter pattern (FilterCriteria.Filters[].Pattern). */
export const NEW_EVENT_FILTER_PATTERN = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { [ENTITY_ATTRIBUTE]: { S: ['event'] } } },
} as const;

/** A stream record in the shape both Lambda and DynamoDB Streams' GetRecords give. */
export interface StreamRecordLike {
  readonly eventName?: string;
  readonly dynamodb?: { readonly NewImage?: Record<string, { S?: string } | undefined> };
}

/** The same rule as {@link NEW_EVENT_FILTER_PATTERN}, as a predicate. */
export function isNewEventRecord(record: StreamRecordLike): boolean {
  return record.eventName === 'INSERT' && record.dynamodb?.NewImage?.[ENTITY_ATTRIBUTE]?.S === 'event';
}

/** The reactors' filter: inserts of Device Farm change events (minutes, sessions, runs and jobs finishing). */
export const CHANGE_EVENT_FILTER_PATTERN = {
  eventName: ['INSERT'],
  dynamodb: {
    NewImage: {
      [ENTITY_ATTRIBUTE]: { S: ['event'] },
      eventType: { S: ['change'] },
      service: { S: ['devicefarm'] },
    },
  },
} as const;

/**
 * The reactors' filter with reminders of Deadline jobs on: Device Farm's
 * change events and Deadline Cloud jobs' (a job failing), never a Deadline
 * session's.
 */
export const CHANGE_AND_DEADLINE_JOB_FILTER_PATTERN = {
  eventName: ['INSERT'],
  dynamodb: {
    NewImage: {
      [ENTITY_ATTRIBUTE]: { S: ['event'] },
      eventType: { S: ['change'] },
      service: { S: ['devicefarm', 'deadline'] },
      kind: { S: [{ 'anything-but': ['deadline-session'] }] },
    },
  },
} as const;

/** The guard's filter: inserts of change events of remote access sessions. */
export const SESSION_CHANGE_FILTER_PATTERN = {
  eventName: ['INSERT'],
  dynamodb: {
    NewImage: {
      [ENTITY_ATTRIBUTE]: { S: ['event'] },
      eventType: { S: ['change'] },
      kind: { S: ['remote-access-session'] },
    },
  },
} as const;

/** The reactors' rule as a predicate (for the CLI, which filters itself); `deadlineJobs` as its second filter. */
export function isChangeEventRecord(record: StreamRecordLike, deadlineJobs = false): boolean {
  const image = record.dynamodb?.NewImage;
  if (!isNewEventRecord(record) || image?.eventType?.S !== 'change') return false;
  const service = image?.service?.S;
  if (service === 'devicefarm') return true;
  return deadlineJobs && service === 'deadline' && image?.kind?.S === 'deadline-job';
}

/** The guard's rule as a predicate. */
export function isSessionChangeRecord(record: StreamRecordLike): boolean {
  const image = record.dynamodb?.NewImage;
  return isNewEventRecord(record) && image?.eventType?.S === 'change' && image?.kind?.S === 'remote-access-session';
}
