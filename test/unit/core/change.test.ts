import { type ChangeField, changedFields, minutesDelta } from '../../../lambda/core/change';
import type { Minutes, Observation } from '../../../lambda/core/observation';
import { counters, runObs } from '../../support/builders';

describe('changedFields', () => {
  const before = runObs({
    counters: counters({ total: 10, passed: 8, failed: 2 }),
    minutes: { total: 5, metered: 5, unmetered: 0 },
  });

  it('reports every field when nothing was stored', () => {
    // Act
    const fields = changedFields(undefined, before);

    // Assert
    expect(fields).toEqual(['status', 'result', 'counters', 'minutes']);
  });

  it.each<[string, Partial<Observation>, ChangeField[]]>([
    [
      'nothing when only the name, message and observedAt differ',
      { name: 'renamed', message: 'hi', observedAt: '2026-11-21T09:00:00.000Z' },
      [],
    ],
    ['status when the status differs', { status: 'COMPLETED' }, ['status']],
    ['result when the result differs', { result: 'FAILED' }, ['result']],
    ['result when the result disappears', { result: undefined }, ['result']],
    [
      'counters when one counter differs',
      { counters: counters({ total: 10, passed: 8, failed: 1, errored: 1 }) },
      ['counters'],
    ],
    [
      'counters when skipped alone differs',
      { counters: counters({ total: 10, passed: 8, failed: 2, skipped: 1 }) },
      ['counters'],
    ],
    ['counters when counters disappear', { counters: undefined }, ['counters']],
    [
      'nothing when counters are equal but a new object',
      { counters: counters({ total: 10, passed: 8, failed: 2 }) },
      [],
    ],
    ['minutes when a meter moves', { minutes: { total: 6, metered: 6, unmetered: 0 } }, ['minutes']],
    ['minutes when billing appears', { minutes: { total: 5, metered: 5, unmetered: 0, billing: 1 } }, ['minutes']],
    ['nothing when minutes are equal but a new object', { minutes: { total: 5, metered: 5, unmetered: 0 } }, []],
    [
      'status, result, counters and minutes when all differ',
      { status: 'COMPLETED', result: 'PASSED', counters: counters({ total: 10, passed: 10 }), minutes: { total: 7 } },
      ['status', 'result', 'counters', 'minutes'],
    ],
  ])('reports %s', (_case, overrides, expected) => {
    // Arrange
    const next = { ...before, ...overrides };

    // Act / Assert
    expect(changedFields(before, next)).toEqual(expected);
  });

  it('treats absent minutes and an empty minutes object as the same when neither has a meter', () => {
    // Arrange
    const a = runObs({ minutes: undefined });
    const b = runObs({ minutes: {} });

    // Act / Assert
    expect(changedFields(a, b)).toEqual([]);
  });
});

describe('minutesDelta', () => {
  it.each<[string, Minutes | undefined, Minutes | undefined, Minutes]>([
    [
      'every meter in full when nothing was stored',
      undefined,
      { total: 3, metered: 2, unmetered: 1 },
      { total: 3, metered: 2, unmetered: 1 },
    ],
    ['the increase per meter', { total: 3, metered: 3 }, { total: 5.5, metered: 5.5 }, { total: 2.5, metered: 2.5 }],
    [
      'no meter that did not move',
      { total: 3, metered: 3, unmetered: 0 },
      { total: 4, metered: 4, unmetered: 0 },
      { total: 1, metered: 1 },
    ],
    ['no meter the new observation lacks', { total: 3, metered: 3 }, { total: 4 }, { total: 1 }],
    ['billing minutes of a test grid session', { billing: 1.25 }, { billing: 2 }, { billing: 0.75 }],
    ['nothing when no minutes are reported', { total: 3 }, undefined, {}],
    [
      'a rounded value, not float noise, from 0.1 + 0.2 style subtraction',
      { total: 0.1 },
      { total: 0.3 },
      { total: 0.2 },
    ],
    ['nothing when the difference is float noise only', { metered: 0.30000000000000004 }, { metered: 0.3 }, {}],
  ])('returns %s', (_case, previous, next, expected) => {
    // Act
    const delta = minutesDelta(previous, next);

    // Assert
    expect(delta).toEqual(expected);
  });

  it('rounds to a thousandth of a minute when the subtraction leaves float noise', () => {
    // Act
    const delta = minutesDelta({ total: 1.1 }, { total: 2.2 });

    // Assert: 2.2 - 1.1 is 1.1000000000000003 in IEEE 754
    expect(delta.total).toBe(1.1);
  });
});
