/**
 * The outbox: every event that a consumer still has to handle has an entry
 * in that consumer's queue, written in the same transaction as the event
 * itself. A consumer removes the entry once it has handled the event
 * (delivered, parked, nothing to send; or reacted), so the table always says
 * what is still owed, whatever happened to the stream record: a Lambda that
 * gave up after its retries, an on-failure queue that holds only metadata,
 * a process killed mid-cycle, a stream record older than 24 hours.
 *
 * Layout (keys.ts):
 * - first handling: pk `O#<queue>`, sk `<event time>#<event pk>#<event sk>`:
 *   the stream path finds an event's entry by key, and the sweeper finds the
 *   ones nobody handled with one range Query on the time (`sk < cutoff`),
 *   which reads nothing while nothing is owed;
 * - retries: pk `O#<queue>#retry`, sk `<due time>#<event pk>#<event sk>`: an
 *   entry whose handling failed moves here (one transaction), due after a
 *   backoff, so a failing event is tried again without holding back any
 *   other and without being picked up by a stream replay.
 */
import type { ChangeEvent } from './change-event';
import {
  type DerivedEventKind,
  derivedEventItem,
  eventKeyOf,
  type ItemKey,
  type OutboxQueue,
  outboxItem,
} from './keys';
import { mayNotify, needsReaction, type TrackedFailures, tracksFailure } from './notable';
import type { VigilEvent } from './vigil-event';

export type { OutboxQueue } from './keys';

/** One event waiting in a queue. */
export interface OutboxEntry {
  readonly queue: OutboxQueue;
  /** The entry's own key (first-handling or retry partition). */
  readonly key: ItemKey;
  /** Where the event item is. */
  readonly eventKey: ItemKey;
  /** The event's time. */
  readonly at: string;
  /** Failed handlings so far (0 until one fails). */
  readonly attempts: number;
  /** The last failure, for logs and `vigil undelivered`. */
  readonly lastError?: string;
}

/** What a failed handling leaves for the next try. */
export interface RetryPlan {
  readonly attempts: number;
  /** ISO time from which the entry is due again. */
  readonly dueAt: string;
  readonly error: string;
}

/** The outbox port: what the notifier, the reactors and their sweepers need. */
export interface Outbox {
  /** Which of `events` still wait in `queue` for their first handling (strongly consistent). */
  waiting(queue: OutboxQueue, events: readonly VigilEvent[]): Promise<Map<string, OutboxEntry>>;
  /**
   * Entries of `queue` that are owed: waiting for their first handling since
   * before `staleBefore` (nobody picked their stream record up), and retries
   * due at `now`. At most `limit`, oldest first.
   */
  due(queue: OutboxQueue, now: Date, staleBefore: Date, limit: number): Promise<OutboxEntry[]>;
  /** The events of `entries`; an entry whose event is gone (TTL) is returned in `missing`. */
  load(entries: readonly OutboxEntry[]): Promise<{ found: Map<OutboxEntry, VigilEvent>; missing: OutboxEntry[] }>;
  /** Removes handled entries (idempotent). */
  settle(entries: readonly OutboxEntry[]): Promise<void>;
  /**
   * Moves an entry to the retry partition, due at `plan.dueAt` (atomically).
   * Without an entry (an event handled outside the outbox, such as
   * `vigil undelivered --retry`), a retry entry is created for `event`.
   */
  retryLater(queue: OutboxQueue, event: VigilEvent, entry: OutboxEntry | undefined, plan: RetryPlan): Promise<void>;
}

/** Nothing tracked for reminders: the default. */
const NOTHING_TRACKED: TrackedFailures = { failingRuns: false, deadlineJobs: false };

/** The queues an event is written into (`tracked`: the reminders that follow failures from the stream). */
export function queuesFor(event: VigilEvent, tracked: TrackedFailures = NOTHING_TRACKED): OutboxQueue[] {
  if (event.eventType !== 'change') return ['notify'];
  const queues: OutboxQueue[] = [];
  if (mayNotify(event)) queues.push('notify');
  if (needsReaction(event) || tracksFailure(event, tracked)) queues.push('react');
  return queues;
}

/** The outbox items to write with `event`, in its transaction. */
export function outboxItemsFor(
  event: VigilEvent,
  expiresAt: number,
  tracked: TrackedFailures = NOTHING_TRACKED,
): Record<string, unknown>[] {
  return queuesFor(event, tracked).map((queue) => outboxItem(queue, event, expiresAt));
}

/** Delay before the n-th retry (1-based): at once, then 1, 2, 4 … minutes, at most an hour. */
export function retryDelayMs(attempts: number): number {
  if (attempts <= 1) return 0;
  return Math.min(60, 2 ** (attempts - 2)) * 60_000;
}

/** The plan after one more failed handling of `entry`. */
export function nextRetry(entry: OutboxEntry | undefined, error: string, now: Date): RetryPlan {
  const attempts = (entry?.attempts ?? 0) + 1;
  return { attempts, error, dueAt: new Date(now.getTime() + retryDelayMs(attempts)).toISOString() };
}

/** Narrows to change events (the reactors' input). */
export const changeEventsOf = (events: readonly VigilEvent[]): ChangeEvent[] =>
  events.filter((e): e is ChangeEvent => e.eventType === 'change');

/** One Put of a TransactWriteItems request. */
export interface TransactPut {
  readonly Put: {
    readonly TableName: string;
    readonly Item: Record<string, unknown>;
    readonly ConditionExpression?: string;
  };
}

/**
 * The transaction items that write an event a reactor derives (a budget
 * threshold, a guard action, the digest): the event, only if it is not there
 * yet, and its outbox entries, so it is owed from the moment it exists.
 */
export function derivedEventPuts(
  tableName: string,
  event: VigilEvent,
  kind: DerivedEventKind,
  expiresAt: number,
): TransactPut[] {
  return [
    {
      Put: {
        TableName: tableName,
        Item: derivedEventItem(event, eventKeyOf(event), kind, expiresAt),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...outboxItemsFor(event, expiresAt).map((Item) => ({ Put: { TableName: tableName, Item } })),
  ];
}
