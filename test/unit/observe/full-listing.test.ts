import { fullListingDue, isHistory } from '../../../lambda/observe/full-listing';
import type { Cursor } from '../../../lambda/record/history-store';
import { runObs } from '../../support/builders';

const HOUR_MS = 3_600_000;

const cursor: Cursor = {
  service: 'devicefarm',
  scope: 'arn:aws:devicefarm:us-west-2:123456789012:project:p-app',
  kind: 'run',
  seenThrough: '2026-11-21T09:00:00.000Z',
  firstPolledAt: '2026-11-21T08:00:00.000Z',
};

describe('fullListingDue', () => {
  it.each([
    [false, '59 min 59 s after the first poll, with no full listing since', cursor, '2026-11-21T08:59:59.000Z'],
    [true, '60 min after the first poll, with no full listing since', cursor, '2026-11-21T09:00:00.000Z'],
    [
      false,
      '30 min after the last full listing',
      { ...cursor, fullListedAt: '2026-11-21T09:00:00.000Z' },
      '2026-11-21T09:30:00.000Z',
    ],
    [
      true,
      '60 min after the last full listing',
      { ...cursor, fullListedAt: '2026-11-21T09:00:00.000Z' },
      '2026-11-21T10:00:00.000Z',
    ],
  ])('returns %s %s', (due: boolean, _when, at: Cursor, now: string) => {
    expect(fullListingDue(at, now, HOUR_MS)).toBe(due);
  });
});

describe('isHistory', () => {
  const NOW = '2026-12-01T00:00:00.000Z';
  const CREATED_AFTER = { created: '2026-11-21T08:30:00.000Z', stopped: '2026-11-21T08:40:00.000Z' };
  it.each([
    [
      false,
      'a running run created before the first poll',
      { status: 'RUNNING', created: '2026-11-21T07:00:00.000Z' },
      90,
    ],
    [
      true,
      'a finished run created before the first poll',
      { status: 'COMPLETED', created: '2026-11-21T07:00:00.000Z', stopped: '2026-11-21T08:30:00.000Z' },
      90,
    ],
    [false, 'a finished run created after the first poll that stopped within the retention', CREATED_AFTER, 90],
    [true, 'a finished run created after the first poll that stopped more than the retention ago', CREATED_AFTER, 7],
    [false, 'a finished run created after the first poll when no retention is given', CREATED_AFTER, undefined],
  ])('returns %s for %s', (expected: boolean, _what, fields, retentionDays: number | undefined) => {
    expect(isHistory(runObs({ status: 'COMPLETED', ...fields }), cursor, NOW, retentionDays)).toBe(expected);
  });
});
