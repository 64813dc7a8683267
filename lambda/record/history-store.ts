/**
 * The ports over the history table, one per use: the poller's state store,
 * the notifier's delivery log, and the read side the CLI queries. The
 * DynamoDB implementation lives beside them; tests may use either.
 */
import type { Kind, Service } from '../core/observation';
import type { ChangeEvent, StoredState } from './change-event';
import type { DeliveryRecord, ParkedRecord, SilencedRecord } from './delivery-ledger';
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
  /**
   * The listing was once found not newest first: it is read in full, and
   * compared with the scope's stored states, every cycle from then on.
   * Absent: the order is trusted while every page read confirms it.
   */
  readonly fullListings?: boolean;
  /** When the listing was last read in full as the periodic safety net (ISO-8601). @default firstPolledAt */
  readonly fullListedAt?: string;
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
  /**
   * Notes on `state`'s latest item that the API answered NotFound at `at`
   * (kept if already noted), without a new version or an event, so the next
   * cycle can tell a second NotFound from a first. False when the stored
   * version is no longer `state.version` (another cycle recorded a change).
   */
  markNotFound(state: StoredState, at: string): Promise<boolean>;
  /** Removes that note from `state`'s latest item, if it is still at `state.version`. */
  clearNotFound(state: StoredState): Promise<void>;
}

/** One line of a resource's history: an event, and its delivery if any. */
export interface TimelineEntry {
  readonly event: VigilEvent;
  readonly delivery?: DeliveryRecord;
  /** Set when SNS refused the event's notification for good (`vigil undelivered`). */
  readonly parked?: ParkedRecord;
  /** Set when a silence or a maintenance window muted the event's notification (never sent). */
  readonly silenced?: SilencedRecord;
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
