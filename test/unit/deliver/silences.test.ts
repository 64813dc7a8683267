import { type MaintenanceWindow, maintenanceWindowSchema } from '../../../lambda/config/settings';
import { compose } from '../../../lambda/deliver/compose';
import type { Notice } from '../../../lambda/deliver/rules';
import { matches, mutingOf, nextOpening, noticeArns, openingAt } from '../../../lambda/deliver/silences';
import type { Silence } from '../../../lambda/record/silences';
import type { GuardEvent } from '../../../lambda/record/vigil-event';
import { jobArn, projectArn, runArn } from '../../support/arns';
import { jobFinished, PROJECT, runFinished, sessionObs } from '../../support/builders';

const window = (fields: Partial<MaintenanceWindow>): MaintenanceWindow =>
  maintenanceWindowSchema.parse({ name: 'lab', days: ['SUN'], start: '01:00', end: '05:00', ...fields });

/** The opening holding `iso`, as ISO instants, or 'closed'. */
function openAt(w: MaintenanceWindow, iso: string): string {
  const opening = openingAt(w, new Date(iso));
  return opening === undefined
    ? 'closed'
    : `${new Date(opening.start).toISOString()}..${new Date(opening.end).toISOString()}`;
}

/** Whether the window is open 1 ms before, at, 1 ms before the end of, and at the end of an opening. */
function edges(w: MaintenanceWindow, start: string, end: string): boolean[] {
  const ms = (iso: string, delta: number) => new Date(Date.parse(iso) + delta);
  return [ms(start, -1), ms(start, 0), ms(end, -1), ms(end, 0)].map((at) => openingAt(w, at) !== undefined);
}

describe('maintenance windows', () => {
  describe('across a DST change in Europe/Berlin', () => {
    it('opens at 00:00Z and closes at 03:00Z on the night clocks go forward (01:00 CET to 05:00 CEST)', () => {
      const w = window({ days: ['SUN'], start: '01:00', end: '05:00', timeZone: 'Europe/Berlin' });

      expect(openAt(w, '2026-03-29T01:30:00.000Z')).toBe('2026-03-29T00:00:00.000Z..2026-03-29T03:00:00.000Z');
      expect(edges(w, '2026-03-29T00:00:00.000Z', '2026-03-29T03:00:00.000Z')).toEqual([false, true, true, false]);
    });

    it('opens at 23:00Z on Saturday and closes at 04:00Z on the night clocks go back (01:00 CEST to 05:00 CET)', () => {
      const w = window({ days: ['SUN'], start: '01:00', end: '05:00', timeZone: 'Europe/Berlin' });

      expect(openAt(w, '2026-10-25T02:30:00.000Z')).toBe('2026-10-24T23:00:00.000Z..2026-10-25T04:00:00.000Z');
      expect(edges(w, '2026-10-24T23:00:00.000Z', '2026-10-25T04:00:00.000Z')).toEqual([false, true, true, false]);
    });

    it('keeps the local hours of the README window (SAT 02:00-06:00) on either side of the change', () => {
      const w = window({ days: ['SAT'], start: '02:00', end: '06:00', timeZone: 'Europe/Berlin' });

      // Winter time (UTC+1), then summer time (UTC+2) a week later, then winter time again.
      expect(openAt(w, '2026-03-28T03:00:00.000Z')).toBe('2026-03-28T01:00:00.000Z..2026-03-28T05:00:00.000Z');
      expect(openAt(w, '2026-04-04T03:00:00.000Z')).toBe('2026-04-04T00:00:00.000Z..2026-04-04T04:00:00.000Z');
      expect(openAt(w, '2026-10-31T03:00:00.000Z')).toBe('2026-10-31T01:00:00.000Z..2026-10-31T05:00:00.000Z');
      expect(openAt(w, '2026-03-29T03:00:00.000Z')).toBe('closed');
    });

    it('closes an overnight window at the next day’s local end, across the change', () => {
      const w = window({ days: ['SAT'], start: '22:00', end: '06:00', timeZone: 'Europe/Berlin' });

      // Opens 22:00 CET (21:00Z) on Saturday, closes 06:00 CEST (04:00Z) on Sunday: 7 hours.
      expect(openAt(w, '2026-03-29T02:00:00.000Z')).toBe('2026-03-28T21:00:00.000Z..2026-03-29T04:00:00.000Z');
      expect(edges(w, '2026-03-28T21:00:00.000Z', '2026-03-29T04:00:00.000Z')).toEqual([false, true, true, false]);
    });

    it('opens a window whose start falls in the skipped hour when the clock passes it (03:00 CEST)', () => {
      const w = window({ days: ['SUN'], start: '02:30', end: '04:00', timeZone: 'Europe/Berlin' });

      expect(openAt(w, '2026-03-29T01:30:00.000Z')).toBe('2026-03-29T01:00:00.000Z..2026-03-29T02:00:00.000Z');
      expect(edges(w, '2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z')).toEqual([false, true, true, false]);
    });
  });

  it('says when it next opens, on a listed day, in its own time zone', () => {
    const w = window({ days: ['SAT'], start: '02:00', end: '06:00', timeZone: 'Europe/Berlin' });

    const next = nextOpening(w, new Date('2026-03-25T12:00:00.000Z'));

    expect([next?.start, next?.end].map((t) => new Date(t ?? 0).toISOString())).toEqual([
      '2026-03-28T01:00:00.000Z',
      '2026-03-28T05:00:00.000Z',
    ]);
  });
});

describe('silences', () => {
  const failedRun = runFinished('FAILED');
  const runNotice: Notice = { type: 'run-finished', subject: failedRun, jobs: [], covers: [failedRun] };
  const NOW = new Date('2026-11-21T08:10:00.000Z');
  const silence = (match: Silence['match'], fields: Partial<Silence> = {}): Silence => ({
    id: 's-0000abcd',
    match,
    startsAt: '2026-11-21T08:00:00.000Z',
    endsAt: '2026-11-21T10:00:00.000Z',
    reason: 'devices being replaced',
    createdBy: 'alice',
    createdAt: '2026-11-21T08:00:00.000Z',
    ...fields,
  });

  it.each<[string, Silence['match'], boolean]>([
    ['the project by name', { projects: ['Shop App'] }, true],
    ['the project by ARN', { projects: [projectArn()] }, true],
    ['another project', { projects: ['Web Checkout'] }, false],
    ['the run by ARN', { resources: [runArn()] }, true],
    ['kind and event type', { kinds: ['run'], eventTypes: ['run-finished'] }, true],
    ['only warnings and above (a failed run is an error)', { minSeverity: 'warning' }, true],
    ['a service it is not', { services: ['deadline'] }, false],
    ['the project but another kind', { projects: ['Shop App'], kinds: ['remote-access-session'] }, false],
  ])('matches a failed run’s notice when silencing %s: %s', (_case, match, expected) => {
    expect(matches(match, compose(runNotice), noticeArns(runNotice))).toBe(expected);
  });

  it('matches a job group by its run’s ARN', () => {
    const job = jobFinished('00002', 'FAILED');
    const notice: Notice = { type: 'jobs-finished', subject: job, jobs: [job], covers: [job] };

    expect(noticeArns(notice)).toEqual([jobArn('00002'), runArn(), PROJECT.arn]);
    expect(matches({ resources: [runArn()] }, compose(notice), noticeArns(notice))).toBe(true);
  });

  it('mutes with the oldest matching silence while it holds, and not before or after', () => {
    const silences = [
      silence({ projects: ['Shop App'] }, { id: 's-00000002', createdAt: '2026-11-21T08:05:00.000Z' }),
      silence({ kinds: ['run'] }, { id: 's-00000001' }),
    ];
    const at = (iso: string) => mutingOf(runNotice, compose(runNotice), silences, [], new Date(iso));

    expect(at('2026-11-21T08:10:00.000Z')).toEqual({ by: 's-00000001', reason: 'devices being replaced' });
    expect(at('2026-11-21T07:59:59.999Z')).toBeUndefined();
    expect(at('2026-11-21T10:00:00.000Z')).toBeUndefined();
  });

  it('mutes with an open maintenance window that matches, naming it', () => {
    const w = window({
      name: 'lab-maintenance',
      days: ['SAT'],
      start: '08:00',
      end: '09:00',
      match: { projects: ['Shop App'] },
    });

    expect(mutingOf(runNotice, compose(runNotice), [], [w], NOW)).toEqual({
      by: 'window/lab-maintenance',
      reason: 'maintenance window lab-maintenance (SAT 08:00-09:00 UTC)',
    });
    expect(mutingOf(runNotice, compose(runNotice), [], [w], new Date('2026-11-21T09:00:00.000Z'))).toBeUndefined();
  });

  it('never mutes a session’s stop, whatever matches it; a warning about the session it does', () => {
    const event = (action: GuardEvent['action']): GuardEvent => ({
      eventId: `${sessionObs().arn}#guard-${action}`,
      eventType: 'guard',
      service: 'devicefarm',
      kind: 'remote-access-session',
      arn: sessionObs().arn,
      name: 'debug checkout',
      project: PROJECT,
      at: NOW.toISOString(),
      action,
      minutes: 10,
      limitMinutes: 9,
      state: sessionObs(),
    });
    const everything = [silence({ projects: ['Shop App'] })];
    const muted = (action: GuardEvent['action']) => {
      const e = event(action);
      const notice: Notice = { type: 'guard', subject: e, jobs: [], covers: [e] };
      return mutingOf(notice, compose(notice), everything, [], NOW)?.by;
    };

    expect(['stop', 'stopped-by-user', 'warning', 'over-limit'].map((a) => muted(a as GuardEvent['action']))).toEqual([
      undefined,
      undefined,
      's-0000abcd',
      's-0000abcd',
    ]);
  });
});
