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

/** What a period key names: its kind and the local date it starts on. */
export interface PeriodKeyParts {
  readonly kind: PeriodKind;
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A real calendar date (no 31 November, no 29 February 2027). */
function isDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * Reads a period key as {@link periodOf} writes it: `2026-10` (a month),
 * `week-2026-11-16` (the week starting that Monday), `2026-11-22` (a day).
 * Undefined when `key` is none of these, names no real date, or a week key
 * names a day other than a Monday.
 */
export function parsePeriodKey(key: string): PeriodKeyParts | undefined {
  const month = /^(\d{4})-(\d{2})$/.exec(key);
  if (month !== null) {
    const parts = { kind: 'month' as const, year: Number(month[1]), month: Number(month[2]), day: 1 };
    return isDate(parts.year, parts.month, parts.day) ? parts : undefined;
  }
  const day = /^(week-)?(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (day === null) return undefined;
  const parts = {
    kind: day[1] === undefined ? ('day' as const) : ('week' as const),
    year: Number(day[2]),
    month: Number(day[3]),
    day: Number(day[4]),
  };
  if (!isDate(parts.year, parts.month, parts.day)) return undefined;
  // Weeks start on Monday (getUTCDay: 1); a key naming another day names no week.
  if (parts.kind === 'week' && new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay() !== 1) {
    return undefined;
  }
  return parts;
}

/** The period a key names, with its bounds in `timeZone`; undefined when the key is not valid ({@link parsePeriodKey}). */
export function periodOfKey(key: string, timeZone: string): Period | undefined {
  const parts = parsePeriodKey(key);
  if (parts === undefined) return undefined;
  // Noon of the first day is inside the period whatever DST does to its midnight.
  const noon = localMidnight(parts.year, parts.month, parts.day, timeZone) + 12 * 3_600_000;
  return periodOf(iso(noon), parts.kind, timeZone);
}
