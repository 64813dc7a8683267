import type { Observation } from '../../../../lambda/core/observation';
import {
  decideGuard,
  type GuardAction,
  type GuardPolicy,
  HARD_LIMIT_MINUTES,
  minutesSoFar,
} from '../../../../lambda/react/guard/decide';
import { sessionObs } from '../../../support/builders';

const NOW = new Date('2026-11-21T08:00:00.000Z');

/** A session that has run `minutes` by Device Farm's own count. */
const ran = (minutes: number, overrides: Partial<Observation> = {}) =>
  sessionObs({ started: '2026-11-21T06:00:00.000Z', minutes: { total: minutes }, ...overrides });

const STOP: GuardPolicy = { limitMinutes: 30, warnAt: 0.8, autoStop: true, dryRun: false };
const DRY_RUN: GuardPolicy = { ...STOP, dryRun: true };
const ALERT_ONLY: GuardPolicy = { ...STOP, autoStop: false };
const ALERT_ONLY_DRY: GuardPolicy = { ...STOP, autoStop: false, dryRun: true };
const NO_LIMIT: GuardPolicy = { warnAt: 0.8, autoStop: true, dryRun: false };

describe('decideGuard', () => {
  it.each<[string, Observation, GuardPolicy, GuardAction[], GuardAction[]]>([
    ['nothing below the warning fraction (23.9 of 30)', ran(23.9), STOP, [], []],
    ['a warning at warnAt (24 of 30)', ran(24), STOP, [], ['warning']],
    ['a warning just under the limit', ran(29.9), STOP, [], ['warning']],
    ['nothing when the warning was already sent', ran(29.9), STOP, ['warning'], []],
    ['a stop at the limit with autoStop', ran(30), STOP, ['warning'], ['stop']],
    ['a stop (and no warning) when the limit is passed before the first look', ran(45), STOP, [], ['stop']],
    ['a would-stop in a dry run', ran(30), DRY_RUN, ['warning'], ['would-stop']],
    ['an over-limit alert without autoStop', ran(30), ALERT_ONLY, ['warning'], ['over-limit']],
    ['an over-limit alert without autoStop, dry run or not', ran(30), ALERT_ONLY_DRY, ['warning'], ['over-limit']],
    ['nothing when the stop was already done', ran(45), STOP, ['warning', 'stop'], []],
    ['nothing when the would-stop was already done', ran(45), DRY_RUN, ['would-stop'], []],
    ['nothing when the over-limit alert was already sent', ran(45), ALERT_ONLY, ['over-limit'], []],
    ['nothing for a STOPPING session', ran(45, { status: 'STOPPING' }), STOP, [], []],
    ['nothing for a COMPLETED session', ran(45, { status: 'COMPLETED', result: 'STOPPED' }), STOP, [], []],
    ['nothing for a status Vigil does not know', ran(45, { status: 'HIBERNATING' }), STOP, [], []],
    ['nothing near 150 min for a STOPPING session', ran(140, { status: 'STOPPING' }), NO_LIMIT, [], []],
    ['no hard-limit warning below 0.8 × 150 = 120 min with no limit', ran(119.9), NO_LIMIT, [], []],
    ['a hard-limit warning at 120 min with no limit', ran(120), NO_LIMIT, [], ['hard-limit-warning']],
    ['no second hard-limit warning', ran(140), NO_LIMIT, ['hard-limit-warning'], []],
    ['no hard-limit warning when the limit stops the session before 120 min', ran(125), STOP, ['stop'], []],
    [
      'only the limit’s own warning when the limit is above 120 min (no second, hard-limit warning)',
      ran(120),
      { ...STOP, limitMinutes: 140 },
      [],
      ['warning'],
    ],
    [
      'the hard-limit warning at its own fraction (0.9 × 150 = 135)',
      ran(135),
      { ...NO_LIMIT, warnAt: 0.9 },
      [],
      ['hard-limit-warning'],
    ],
  ])('decides %s', (_case, session, policy, done, expected) => {
    expect(decideGuard(session, policy, new Set(done), NOW)).toEqual(expected);
  });

  it.each(['PENDING', 'PENDING_CONCURRENCY', 'PENDING_DEVICE', 'PROCESSING', 'SCHEDULING', 'PREPARING', 'RUNNING'])(
    'stops a %s session at its limit',
    (status) => {
      expect(decideGuard(ran(30, { status }), STOP, new Set(), NOW)).toEqual(['stop']);
    },
  );

  it('decides nothing for a resource that is not a remote access session', () => {
    const run = sessionObs({ kind: 'run', minutes: { total: 200 } });

    expect(decideGuard(run, STOP, new Set(), NOW)).toEqual([]);
  });

  it('uses the elapsed time since started when Device Farm sends no minutes', () => {
    // 08:00 − 07:30 = 30 minutes.
    const session = sessionObs({ started: '2026-11-21T07:30:00.000Z' });

    expect(decideGuard(session, STOP, new Set(), NOW)).toEqual(['stop']);
  });

  it('knows Device Farm’s hard limit is 150 minutes', () => {
    expect(HARD_LIMIT_MINUTES).toBe(150);
  });
});

describe('minutesSoFar', () => {
  it.each<[string, Partial<Observation>, number]>([
    [
      'deviceMinutes.total when Device Farm sends it',
      { started: '2026-11-21T07:00:00.000Z', minutes: { total: 12.5 } },
      12.5,
    ],
    ['deviceMinutes.total even when it is 0', { started: '2026-11-21T07:00:00.000Z', minutes: { total: 0 } }, 0],
    ['the time since started when there is no total', { started: '2026-11-21T07:15:30.000Z' }, 44.5],
    [
      'the time since started when only the metered figure is sent',
      { started: '2026-11-21T07:50:00.000Z', minutes: { metered: 3 } },
      10,
    ],
    ['0 when the session has not started', { started: undefined }, 0],
    ['0 when started lies in the future (clock skew)', { started: '2026-11-21T08:05:00.000Z' }, 0],
  ])('is %s', (_case, overrides, expected) => {
    expect(minutesSoFar(sessionObs(overrides), NOW)).toBe(expected);
  });
});
