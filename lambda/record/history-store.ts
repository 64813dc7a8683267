/**
 * The ports over the history table, one per use: the poller's state store,
 * the notifier's delivery log, and the read side the CLI queries. The
 * DynamoDB implementation lives beside them; tests may use either.
 */
import type { Kind, Service } from '../core/observation';
import type { ChangeEvent, StoredState } from './change-event';
import type { DeliveryRecord, ParkedRecord } from './delivery-ledger';
import type { DigestEvent, VigilEvent } from './vigil-event';

/** Discovery watermark for one scope (project) and kind. */
export interface Cursor {
  readonly service: Service;
  readonly scope: string;
  readonly kind: Kind;
  /** Every resource created at or before this instant has been recorded (ISO-8601). */
  readonly seenThrough?: string;
  /** When this scope was first polled: resources recorded then are baseline. */
  readonly firstPolledAt: string;
}

/** Outcome of a conditional change write. */
export type WriteOutcome = 'written' | 'conflict';

/** What the poller needs from the table. */
export interface StateStore {
  /** Latest states of every resource of `service` that can still change (eventually consistent). */
  loadActive(service: Service): Promise<StoredState[]>;
  /** Latest states of every resource in one scope (strongly consistent). */
  loadScope(scope: string): Promise<StoredState[]>;
  /** One resource's latest state (strongly consistent). */
  getLatest(scope: string, kind: Kind, arn: string): Promise<StoredState | undefined>;
  loadCursors(service: Service): Promise<Cursor[]>;
  saveCursor(cursor: Cursor): Promise<void>;
  /**
   * Writes the new latest state and its event in one transaction, if the
   * stored version is still `expectedVersion` (undefined: nothing stored).
   */
  writeChange(latest: StoredState, event: ChangeEvent, expectedVersion: number | undefined): Promise<WriteOutcome>;
}

/** One line of a resource's history: an event, and its delivery if any. */
export interface TimelineEntry {
  readonly event: VigilEvent;
  readonly delivery?: DeliveryRecord;
  /** Set when SNS refused the event's notification for good (`vigil undelivered`). */
  readonly parked?: ParkedRecord;
}

/** The read side: timelines, windows, what is active. */
export interface HistoryReader {
  timeline(arn: string, since?: string): Promise<TimelineEntry[]>;
  window(since: string, until: string): Promise<VigilEvent[]>;
  active(service: Service): Promise<StoredState[]>;
  /** Finds resources whose ARN ends with, or whose name equals, `idOrName`. */
  find(idOrName: string): Promise<StoredState[]>;
}

/** Where the daily digest event is written (at most once per day). */
export interface DigestWriter {
  /** Writes the digest if none exists for its day; false when one already did. */
  putDigest(event: DigestEvent): Promise<boolean>;
}
