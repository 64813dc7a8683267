/** Parses `--since` and `--interval` values: durations like 30s, 15m, 2h, 1d, 1w, or an ISO date. */
import { UsageError } from '../core/errors';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

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
  return ms;
}

/** The instant `--since` names: now minus a duration, or a date/time (ISO-8601). */
export function parseSince(text: string, now: Date): string {
  if (/^\d+(?:\.\d+)?[smhdw]$/.test(text.trim()))
    return new Date(now.getTime() - parseDuration(text, '--since')).toISOString();
  const at = Date.parse(text);
  if (Number.isNaN(at)) {
    throw new UsageError(
      `--since ${JSON.stringify(text)} is neither a duration (30m, 2h, 1d) nor a date (2026-11-21 or 2026-11-21T08:00:00Z)`,
    );
  }
  return new Date(at).toISOString();
}
