/**
 * The safety net under the watermark. Every so often a scope's listing is
 * read in full and compared with the scope's stored states (one Query), so
 * a resource the watermark walk passed over (listed late, or on a page the
 * walk never read) is found and recorded as news. What such a listing finds
 * unrecorded but finished long ago is history, not news: it is left alone.
 */
import type { Observation } from '../core/observation';
import { isTerminal } from '../core/status';
import type { Cursor } from '../record/history-store';

/** How often a listing is read in full whatever its order, and what counts as history then. */
export interface FullListingPolicy {
  /** Milliseconds between two full listings of one scope and kind (settings: `deviceFarm.fullListingMinutes`). */
  readonly everyMs: number;
  /** Days TTL keeps a finished resource's latest state (settings: `history.eventRetentionDays`). */
  readonly retentionDays: number;
}

const DAY_MS = 86_400_000;

/** True when the last full listing (the first poll, if none since) is at least `everyMs` before `at` (ISO-8601). */
export function fullListingDue(cursor: Cursor, at: string, everyMs: number): boolean {
  return Date.parse(at) - Date.parse(cursor.fullListedAt ?? cursor.firstPolledAt) >= everyMs;
}

/**
 * Whether a resource listed at or below the watermark with no stored state
 * is history rather than news: it is finished, and it was created before the
 * scope was first polled (the baseline's, or older), or it stopped longer
 * ago than the retention (TTL may have removed its state, which is set from
 * when Vigil saw it finish, never earlier than when it stopped).
 */
export function isHistory(
  observation: Observation,
  cursor: Cursor,
  at: string,
  retentionDays: number | undefined,
): boolean {
  if (!isTerminal(observation.kind, observation.status)) return false;
  if (observation.created !== undefined && observation.created < cursor.firstPolledAt) return true;
  const ended = observation.stopped ?? observation.created;
  return (
    retentionDays !== undefined && ended !== undefined && Date.parse(ended) + retentionDays * DAY_MS <= Date.parse(at)
  );
}
