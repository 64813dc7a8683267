/**
 * Parses time flags: durations like 30s, 15m, 2h, 1d, 1w (`--interval`,
 * `--since 1d`), and dates or times (`--since 2026-11-21`, `--date`). A
 * value that could be read two ways is refused, never guessed: `--since 1`
 * is not the year 2001, and `2026-02-30` is not 2 March.
 */
import { UsageError } from '../core/errors';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The longest duration accepted: ten years covers any history a table keeps. */
const MAX_MS = 3650 * 86_400_000;

/** Milliseconds in a duration such as `90s`, `15m`, `2h`, `1d`, `1w`. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (match === null) {
    throw new UsageError(
      `${flag} ${JSON.stringify(text)} is not a duration; expected a number and a unit, like 30s, 15m, 2h, 1d or 1w`,
    );
  }
  const ms = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  if (ms <= 0) throw new UsageError(`${flag} ${JSON.stringify(text)} must be longer than zero`);
  if (ms > MAX_MS)
    throw new UsageError(`${flag} ${JSON.stringify(text)} is longer than 3650d; expected at most ten years`);
  return ms;
}

/** `YYYY-MM-DD` that is a real calendar day (not 2026-13-45 or 2026-02-30). */
export function parseDay(text: string, flag: string): string {
  const match = /^(\d{4})-(\d\d)-(\d\d)$/.exec(text.trim());
  const [, y, m, d] = match ?? [];
  const day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (
    match === null ||
    day.getUTCFullYear() !== Number(y) ||
    day.getUTCMonth() !== Number(m) - 1 ||
    day.getUTCDate() !== Number(d)
  ) {
    throw new UsageError(
      `${flag} ${JSON.stringify(text)} is not a day; expected a calendar date as YYYY-MM-DD, like 2026-11-21`,
    );
  }
  return text.trim();
}

const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)$/;

/** The instant a time flag names: now minus a duration, or a date (midnight UTC) or a date-time with its zone. */
export function parseInstant(text: string, flag: string, now: Date): string {
  const value = text.trim();
  if (/^\d+(?:\.\d+)?[smhdw]$/.test(value)) return new Date(now.getTime() - parseDuration(value, flag)).toISOString();
  if (/^\d{4}-\d\d-\d\d$/.test(value)) return `${parseDay(value, flag)}T00:00:00.000Z`;
  const at = DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new UsageError(
      `${flag} ${JSON.stringify(text)} is neither a duration (30m, 2h, 1d) nor a date (2026-11-21 or 2026-11-21T08:00:00Z)`,
    );
  }
  return new Date(at).toISOString();
}

/** The instant `--since` names. */
export function parseSince(text: string, now: Date): string {
  return parseInstant(text, '--since', now);
}
