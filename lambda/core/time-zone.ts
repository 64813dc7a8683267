/**
 * Wall-clock arithmetic in IANA time zones with nothing but Intl: local date
 * parts of an instant, and the UTC instant of a local midnight, correct
 * across DST changes. Used by budget periods and config validation.
 */

export interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Monday … 6 = Sunday. */
  readonly weekday: number;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone this runtime knows (e.g. Europe/Paris). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function localParts(epochMs: number, timeZone: string): LocalParts {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(epochMs))
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
  };
}

/** How far `timeZone`'s wall clock is ahead of UTC at `epochMs`, in ms. */
function offsetAt(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The UTC instant of local midnight starting a date in `timeZone`. Month and
 * day may overflow (day 32, month 13): Date.UTC normalises them. Where
 * midnight does not exist (a DST jump at 00:00), the first instant after it.
 */
export function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  // Normally both guesses agree. When midnight was skipped (clocks jumped
  // forward at 00:00), one of them lands on the previous evening: keep the
  // earliest guess that falls on the requested date.
  const date = new Date(wall);
  const onDate = [second, first].filter((t) => {
    const p = localParts(t, timeZone);
    return p.year === date.getUTCFullYear() && p.month === date.getUTCMonth() + 1 && p.day === date.getUTCDate();
  });
  return onDate.length === 0 ? second : Math.min(...onDate);
}

/** Local wall-clock parts as a number, for comparing wall times (minutes precision is enough here). */
function wallOf(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/**
 * The UTC instant at which `timeZone`'s wall clock reads the given local
 * date and time. Month, day and hour may overflow (day 32, hour 24): Date.UTC
 * normalises them. Across DST changes:
 * - a time that happens twice (clocks set back) is its first occurrence;
 * - a time that never happens (clocks jumped forward over it) is the first
 *   instant after the jump, when the clock reads a later time.
 */
export function localInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const DAY = 86_400_000;
  // The offsets a day before and after bracket any change near `wall`.
  const candidates = [...new Set([wall - offsetAt(wall - DAY, timeZone), wall - offsetAt(wall + DAY, timeZone)])]
    .filter((t) => wallOf(t, timeZone) === wall)
    .sort((a, b) => a - b);
  if (candidates[0] !== undefined) return candidates[0];
  // In a gap: the first instant whose wall time is at or past `wall`, between the two guesses.
  let low = wall - Math.max(offsetAt(wall - DAY, timeZone), offsetAt(wall + DAY, timeZone));
  let high = wall - Math.min(offsetAt(wall - DAY, timeZone), offsetAt(wall + DAY, timeZone));
  while (high - low > 1000) {
    const mid = low + Math.floor((high - low) / 2000) * 1000;
    if (wallOf(mid, timeZone) >= wall) high = mid;
    else low = mid;
  }
  return high;
}
