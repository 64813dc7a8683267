/**
 * The walk over one listed kind of one scope (a project's runs, a queue's
 * jobs): list, record what is new or active, read active ones the listing
 * did not return, then move the scope's cursor.
 *
 * How much of the listing is read, and what it is compared with:
 * - a newest-first listing is read down to the watermark while every page
 *   confirms the order (watermark.ts); what it reaches at or below the
 *   watermark was recorded before and is skipped when finished;
 * - a listing found out of order is read to its end in that cycle, and its
 *   cursor says so from then on: every later cycle reads it in full;
 * - with a {@link FullListingPolicy}, every listing is read in full at that
 *   interval as a safety net.
 * A full listing is compared with the scope's stored states (one Query),
 * so it re-records nothing; a resource it finds at or below the watermark
 * that was never recorded is news, reported, unless it is history.
 */
import type { Kind, Observation, Service } from '../core/observation';
import { isTerminal } from '../core/status';
import type { StoredState } from '../record/change-event';
import type { Cursor, StateStore } from '../record/history-store';
import type { RecordOutcome } from '../record/recorder';
import { type FullListingPolicy, fullListingDue, isHistory } from './full-listing';
import type { Clock, Page } from './page';

/** A container whose resources are polled together (a project, a queue). */
export interface ScopeRef {
  readonly arn: string;
  readonly name?: string;
}

/**
 * What the walk needs from the cycle it runs in (PollCycle implements it):
 * the cycle's stored state and cursors, recording, and its counts.
 */
export interface ListingCycle {
  readonly service: Service;
  readonly startedAt: string;
  readonly store: StateStore;
  readonly now: Clock;
  activeIn(scope: string, kind: Kind): StoredState[];
  cursor(scope: string, kind: Kind): Cursor | undefined;
  storedIn(scope: string, kind: Kind): Promise<Map<string, StoredState>>;
  record(stored: StoredState | undefined, observation: Observation, baseline: boolean): Promise<RecordOutcome>;
  notFound(stored: StoredState, recordGone: (gone: Observation) => Promise<unknown>): Promise<void>;
  malformed(scope: string, kind: Kind): void;
  failed(where: { scope: string; kind: Kind; resource: string }, error: unknown): void;
  listingOutOfOrder(scope: string, kind: Kind): void;
  listingNeedsFullReads(): void;
  foundBelowWatermark(scope: string, kind: Kind, arns: readonly string[]): void;
}

import { readListing } from './watermark';

/** How one listed kind is read and recorded. */
export interface ListedKind<T> {
  readonly kind: Observation['kind'];
  /** The listing's pages; `full` asks for every resource of the scope (a filtered listing drops its filter). */
  readonly pages: (full: boolean) => AsyncIterable<Page<T>>;
  /**
   * `newest-first`: the list is expected newest first, so reading stops at
   * the scope's watermark while every page read confirms the order.
   * `complete`: the list is read to its end (it is filtered by the API, or
   * its order is not known).
   */
  readonly listing: 'newest-first' | 'complete';
  readonly createdOf: (item: T) => string | undefined;
  readonly toObservation: (item: T, at: string) => Observation | undefined;
  /** Reads one resource; undefined when the API answers NotFound. */
  readonly readOne: (arn: string) => Promise<T | undefined>;
  /** Records one observation. @default record it as it is */
  readonly handle?: (stored: StoredState | undefined, observation: Observation, baseline: boolean) => Promise<void>;
  /** The periodic full listing. @default none: read in full only at baseline and once found out of order */
  readonly fullListing?: FullListingPolicy;
}

type Handle = (stored: StoredState | undefined, observation: Observation, baseline: boolean) => Promise<void>;

/** Runs the walk for one scope and kind within `cycle`. */
export async function walkListed<T>(cycle: ListingCycle, scope: ScopeRef, listed: ListedKind<T>): Promise<void> {
  const { kind } = listed;
  const handle: Handle =
    listed.handle ??
    (async (stored, observation, baseline) => {
      await cycle.record(stored, observation, baseline);
    });
  const cursor = cycle.cursor(scope.arn, kind);
  const baseline = cursor === undefined;
  const newestFirst = listed.listing === 'newest-first';
  const flagged = cursor?.fullListings === true;
  const due =
    !flagged &&
    cursor !== undefined &&
    listed.fullListing !== undefined &&
    fullListingDue(cursor, cycle.startedAt, listed.fullListing.everyMs);
  const stopAt = newestFirst && !flagged && !due ? cursor?.seenThrough : undefined;
  const listing = await readListing(listed.pages(flagged || due), listed.createdOf, stopAt);
  const outOfOrder = newestFirst && listing.outOfOrder;
  if (outOfOrder && !flagged) cycle.listingOutOfOrder(scope.arn, kind);
  if (flagged || outOfOrder) cycle.listingNeedsFullReads();
  // Past the watermark on purpose: compare with what is stored, not with the watermark.
  const stored =
    cursor !== undefined && (flagged || due || outOfOrder) ? await cycle.storedIn(scope.arn, kind) : undefined;

  const activeHere = new Map(cycle.activeIn(scope.arn, kind).map((s) => [s.arn, s]));
  const below: string[] = [];
  let newest = cursor?.seenThrough;
  let recordedAll = true;
  for (const page of listing.pages) {
    for (const item of page.items) {
      const observation = listed.toObservation(item, page.at.toISOString());
      if (observation === undefined) {
        cycle.malformed(scope.arn, kind);
        continue;
      }
      let previous = activeHere.get(observation.arn);
      activeHere.delete(observation.arn);
      const atOrBelowMark =
        cursor?.seenThrough !== undefined &&
        observation.created !== undefined &&
        observation.created <= cursor.seenThrough;
      if (stored !== undefined && cursor !== undefined) {
        previous = stored.get(observation.arn) ?? previous;
        if (previous === undefined && atOrBelowMark) {
          if (isHistory(observation, cursor, cycle.startedAt, listed.fullListing?.retentionDays)) continue;
          below.push(observation.arn);
        } else if (previous?.terminal === true && previous.status === observation.status) {
          continue; // recorded, and finished
        }
      } else if (previous === undefined && atOrBelowMark) {
        if (isTerminal(kind, observation.status)) continue; // recorded before and finished
        // Known but not active: the active index lagged, or a finished
        // resource came back (a requeued Deadline job). Read it consistently.
        previous = await cycle.store.getLatest(scope.arn, kind, observation.arn);
      }
      try {
        await handle(previous, observation, baseline);
        if (observation.created !== undefined && (newest === undefined || observation.created > newest)) {
          newest = observation.created;
        }
      } catch (error) {
        recordedAll = false;
        cycle.failed({ scope: scope.arn, kind, resource: observation.arn }, error);
      }
    }
  }
  if (below.length > 0) cycle.foundBelowWatermark(scope.arn, kind, below);

  // Active resources the listing did not return (older than the watermark, or missing): read each.
  for (const followed of activeHere.values()) await follow(cycle, listed, followed, handle);

  // Baseline is only over once everything it listed is recorded, so no
  // baseline resource can later be mistaken for news.
  if (baseline && !recordedAll) return;
  const seenThrough = recordedAll ? newest : cursor?.seenThrough;
  const fullListedAt = due && recordedAll ? cycle.startedAt : cursor?.fullListedAt;
  const next: Cursor = {
    service: cycle.service,
    scope: scope.arn,
    kind,
    ...(seenThrough === undefined ? {} : { seenThrough }),
    firstPolledAt: cursor?.firstPolledAt ?? cycle.startedAt,
    ...(flagged || outOfOrder ? { fullListings: true } : {}),
    ...(fullListedAt === undefined ? {} : { fullListedAt }),
  };
  if (cursor === undefined || !sameCursor(cursor, next)) await cycle.store.saveCursor(next);
}

/** Reads one followed resource the listing did not return and records what the read says. */
async function follow<T>(cycle: ListingCycle, listed: ListedKind<T>, followed: StoredState, handle: Handle) {
  try {
    const item = await listed.readOne(followed.arn);
    if (item === undefined) {
      await cycle.notFound(followed, (gone) => handle(followed, gone, false));
      return;
    }
    const observation = listed.toObservation(item, cycle.now().toISOString());
    if (observation === undefined) cycle.malformed(followed.scope, followed.kind);
    else await handle(followed, observation, false);
  } catch (error) {
    cycle.failed({ scope: followed.project.arn, kind: followed.kind, resource: followed.arn }, error);
  }
}

function sameCursor(a: Cursor, b: Cursor): boolean {
  return (
    a.seenThrough === b.seenThrough &&
    a.firstPolledAt === b.firstPolledAt &&
    (a.fullListings === true) === (b.fullListings === true) &&
    a.fullListedAt === b.fullListedAt
  );
}
