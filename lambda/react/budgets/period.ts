/**
 * Budget periods (day, week, month) in an IANA time zone. Minutes count
 * toward the period in which the resource started, so the period is found
 * from that instant, in the budget's zone, across DST changes. Pure; uses
 * only Intl (no time zone library).
 */
import { localMidnight, localParts } from '../../core/time-zone';

export type PeriodKind = 'day' | 'week' | 'month';

/** One budget period: its key (stable, sortable) and its bounds in UTC. */
export interface Period {
  /** `2026-11-22` (day), `week-2026-11-16` (week starting that Monday), `2026-11` (month). */
  readonly key: string;
  /** Inclusive start, ISO-8601 UTC. */
  readonly start: string;
  /** Exclusive end, ISO-8601 UTC. */
  readonly end: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const pad = (n: number) => String(n).padStart(2, '0');

/** The period containing `instant` (ISO-8601), in `timeZone`. */
export function periodOf(instant: string, kind: PeriodKind, timeZone: string): Period {
  const p = localParts(Date.parse(instant), timeZone);
  switch (kind) {
    case 'day':
      return {
        key: `${p.year}-${pad(p.month)}-${pad(p.day)}`,
        start: iso(localMidnight(p.year, p.month, p.day, timeZone)),
        end: iso(localMidnight(p.year, p.month, p.day + 1, timeZone)),
      };
    case 'week': {
      const monday = new Date(Date.UTC(p.year, p.month - 1, p.day - p.weekday));
      const [y, m, d] = [monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate()];
      return {
        key: `week-${y}-${pad(m)}-${pad(d)}`,
        start: iso(localMidnight(y, m, d, timeZone)),
        end: iso(localMidnight(y, m, d + 7, timeZone)),
      };
    }
    case 'month':
      return {
        key: `${p.year}-${pad(p.month)}`,
        start: iso(localMidnight(p.year, p.month, 1, timeZone)),
        end: iso(localMidnight(p.year, p.month + 1, 1, timeZone)),
      };
  }
}
