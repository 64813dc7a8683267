import { parseDuration, parseSince } from '../../../lambda/cli/duration';
import { UsageError } from '../../../lambda/core/errors';
import { messageOf } from '../../support/errors';

/** The UsageError message `fn` throws. */
const usageError = (fn: () => unknown): string => messageOf(UsageError, fn);

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1.5m', 90_000],
    [' 90s ', 90_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text, '--interval')).toBe(ms);
  });

  it.each([
    ['soon', '--interval "soon" is not a duration; expected a number and a unit, like 30s, 15m, 2h, 1d or 1w'],
    ['15', '--interval "15" is not a duration; expected a number and a unit, like 30s, 15m, 2h, 1d or 1w'],
    ['15 m', '--interval "15 m" is not a duration; expected a number and a unit, like 30s, 15m, 2h, 1d or 1w'],
    ['-5m', '--interval "-5m" is not a duration; expected a number and a unit, like 30s, 15m, 2h, 1d or 1w'],
    ['1y', '--interval "1y" is not a duration; expected a number and a unit, like 30s, 15m, 2h, 1d or 1w'],
    ['0s', '--interval "0s" must be longer than zero'],
  ])('names the flag and value when given %j', (text, expected) => {
    expect(usageError(() => parseDuration(text, '--interval'))).toBe(expected);
  });
});

describe('parseSince', () => {
  const now = new Date('2026-11-21T08:00:00.000Z');

  it.each([
    ['1d', '2026-11-20T08:00:00.000Z'],
    ['90m', '2026-11-21T06:30:00.000Z'],
    ['2026-11-21', '2026-11-21T00:00:00.000Z'],
    ['2026-11-21T07:30:00Z', '2026-11-21T07:30:00.000Z'],
  ])('reads %j as %s', (text, expected) => {
    expect(parseSince(text, now)).toBe(expected);
  });

  it.each([
    [
      'yesterday',
      '--since "yesterday" is neither a duration (30m, 2h, 1d) nor a date (2026-11-21 or 2026-11-21T08:00:00Z)',
    ],
    ['2026-13-45', '--since "2026-13-45" is not a day; expected a calendar date as YYYY-MM-DD, like 2026-11-21'],
    ['0h', '--since "0h" must be longer than zero'],
  ])('says what it accepts when given %j', (text, expected) => {
    expect(usageError(() => parseSince(text, now))).toBe(expected);
  });
});
