import { DEFAULT_SETTINGS } from '../../../../lambda/config/settings';
import type { Observation } from '../../../../lambda/core/observation';
import { hasMoved, stuckness } from '../../../../lambda/react/stuck/decide';
import type { StoredState } from '../../../../lambda/record/change-event';
import { jobObs, runObs, sessionObs, stored } from '../../../support/builders';

const LIMITS = DEFAULT_SETTINGS.rules.stuckMinutes; // 60, 15, 60
const CREATED = '2026-11-21T06:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(CREATED) + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();

const deadlineJob = (status: string, observedAt: string): StoredState =>
  stored({
    service: 'deadline',
    kind: 'deadline-job',
    arn: 'arn:aws:deadline:us-west-2:123456789012:farm/farm-1/queue/queue-1/job/job-1',
    name: 'shot-010',
    scope: 'arn:aws:deadline:us-west-2:123456789012:farm/farm-1/queue/queue-1',
    project: { arn: 'arn:aws:deadline:us-west-2:123456789012:farm/farm-1/queue/queue-1', name: 'renders' },
    status,
    created: CREATED,
    observedAt,
  } as Observation);

describe('stuckness', () => {
  it.each<[string, StoredState, StoredState | undefined, number, number | undefined]>([
    ['a run PENDING 61 min', stored(runObs({ status: 'PENDING', created: CREATED })), undefined, 61, 61],
    [
      'a run PENDING 60 min (not longer than the limit)',
      stored(runObs({ status: 'PENDING', created: CREATED })),
      undefined,
      60,
      undefined,
    ],
    ['a run SCHEDULING 90 min', stored(runObs({ status: 'SCHEDULING', created: CREATED })), undefined, 90, 90],
    ['a run RUNNING 90 min', stored(runObs({ status: 'RUNNING', created: CREATED })), undefined, 90, undefined],
    ['a session PENDING 16 min', stored(sessionObs({ status: 'PENDING', created: CREATED })), undefined, 16, 16],
    ['a session PENDING 15 min', stored(sessionObs({ status: 'PENDING', created: CREATED })), undefined, 15, undefined],
    [
      'a job PENDING_DEVICE, last listed at 70 min while its run RUNs',
      stored(jobObs('00001', { status: 'PENDING_DEVICE', created: CREATED, observedAt: iso(1) })),
      stored(runObs({ status: 'RUNNING', created: CREATED, observedAt: iso(70) })),
      90,
      70,
    ],
    [
      'a job PENDING whose jobs were last listed at 30 min (it may have started since)',
      stored(jobObs('00001', { status: 'PENDING', created: CREATED, observedAt: iso(1) })),
      stored(runObs({ status: 'RUNNING', created: CREATED, observedAt: iso(30) })),
      90,
      undefined,
    ],
    [
      'a job PENDING in a run that is itself PENDING (the run says it)',
      stored(jobObs('00001', { status: 'PENDING', created: CREATED, observedAt: iso(1) })),
      stored(runObs({ status: 'PENDING', created: CREATED, observedAt: iso(80) })),
      90,
      undefined,
    ],
    ['a Deadline job READY with no change for 61 min', deadlineJob('READY', iso(0)), undefined, 61, 61],
    [
      'a Deadline job READY whose task counts moved 20 min ago',
      deadlineJob('READY', iso(41)),
      undefined,
      61,
      undefined,
    ],
    ['a Deadline job RUNNING with no change for 2 h', deadlineJob('RUNNING', iso(0)), undefined, 120, undefined],
  ])('judges %s', (_case, state, parent, minutes, waited) => {
    expect(stuckness(state, parent, at(minutes), LIMITS)?.waitedMinutes).toBe(waited);
  });

  it('watches nothing whose limit is 0', () => {
    const run = stored(runObs({ status: 'PENDING', created: CREATED }));

    expect(stuckness(run, undefined, at(600), { ...LIMITS, deviceFarm: 0 })).toBeUndefined();
  });
});

describe('hasMoved', () => {
  it('sees a run that started, finished or is gone, and a Deadline job with a newer change, as moved', () => {
    const since = CREATED;
    expect(hasMoved(stored(runObs({ status: 'PENDING', created: CREATED })), since)).toBe(false);
    expect(hasMoved(stored(runObs({ status: 'RUNNING', created: CREATED })), since)).toBe(true);
    expect(hasMoved(undefined, since)).toBe(true);
    expect(hasMoved(deadlineJob('READY', iso(0)), iso(0))).toBe(false);
    expect(hasMoved(deadlineJob('READY', iso(5)), iso(0))).toBe(true);
  });
});
