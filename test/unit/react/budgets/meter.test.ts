import type { Observation } from '../../../../lambda/core/observation';
import { type MeteredBudget, meteredMinutes } from '../../../../lambda/react/budgets/meter';
import { buildChange } from '../../../../lambda/record/change-event';
import { projectArn } from '../../../support/arns';
import { counters } from '../../../support/builders';
import { minutesChange } from '../../../support/reactor-builders';

const METERED: MeteredBudget = { meter: 'deviceMinutes.metered', projects: [] };
const BILLING: MeteredBudget = { meter: 'billingMinutes', projects: [] };
const STARTED = '2026-11-21T07:40:00.000Z';
const CREATED = '2026-11-21T07:35:00.000Z';
const OBSERVED = '2026-11-21T08:00:00.000Z';
const TIMES = { started: STARTED, created: CREATED, observedAt: OBSERVED };

describe('meteredMinutes', () => {
  describe('deviceMinutes.metered', () => {
    it.each([
      ['a job', 'job'],
      ['a remote access session', 'remote-access-session'],
    ] as const)('counts the metered delta of %s', (_case, kind) => {
      // Arrange
      const event = minutesChange(kind, {
        before: { total: 10, metered: 8, unmetered: 2 },
        after: { total: 25.5, metered: 20.25, unmetered: 5.25 },
        state: TIMES,
      });

      // Act / Assert
      expect(meteredMinutes(event, METERED)).toEqual({ minutes: 12.25, startedAt: STARTED });
    });

    it('counts the whole metered amount of a resource seen for the first time', () => {
      const event = minutesChange('job', { after: { total: 6.4, metered: 6.4, unmetered: 0 }, state: TIMES });

      expect(meteredMinutes(event, METERED)).toEqual({ minutes: 6.4, startedAt: STARTED });
    });

    it('never counts unmetered minutes', () => {
      const event = minutesChange('remote-access-session', {
        before: { total: 0, metered: 0, unmetered: 0 },
        after: { total: 30, metered: 0, unmetered: 30 },
        state: TIMES,
      });

      expect(meteredMinutes(event, METERED)).toEqual({ minutes: 0, startedAt: STARTED });
    });

    it('never counts a test grid session’s billing minutes', () => {
      const event = minutesChange('test-grid-session', { after: { billing: 12 }, state: TIMES });

      expect(meteredMinutes(event, METERED).minutes).toBe(0);
    });

    it('counts nothing when the metered figure went down (a correction is not negative usage)', () => {
      const event = minutesChange('job', { before: { metered: 9 }, after: { metered: 7 }, state: TIMES });

      expect(meteredMinutes(event, METERED).minutes).toBe(0);
    });

    it('counts a run only when it is baseline and its jobs were never listed (no jobSummary)', () => {
      const event = minutesChange('run', { after: { total: 40, metered: 40 }, baseline: true, state: TIMES });

      expect(meteredMinutes(event, METERED)).toEqual({ minutes: 40, startedAt: STARTED });
    });

    it('does not count a baseline run whose jobs were listed (they count on their own)', () => {
      const event = minutesChange('run', {
        after: { total: 40, metered: 40 },
        baseline: true,
        state: {
          ...TIMES,
          jobSummary: { total: 2, byResult: { PASSED: 2 }, notPassed: [], notPassedTruncated: 0 },
        },
      });

      expect(meteredMinutes(event, METERED).minutes).toBe(0);
    });

    it('does not count a live run (its jobs carry its minutes)', () => {
      const event = minutesChange('run', { before: { metered: 10 }, after: { metered: 40 }, state: TIMES });

      expect(meteredMinutes(event, METERED).minutes).toBe(0);
    });
  });

  describe('billingMinutes', () => {
    it('counts a test grid session’s billing delta', () => {
      const event = minutesChange('test-grid-session', {
        before: { billing: 2.5 },
        after: { billing: 9 },
        state: TIMES,
      });

      expect(meteredMinutes(event, BILLING)).toEqual({ minutes: 6.5, startedAt: STARTED });
    });

    it.each([
      ['job', 'job'],
      ['remote access session', 'remote-access-session'],
    ] as const)('never counts a %s', (_case, kind) => {
      const event = minutesChange(kind, { after: { total: 10, metered: 10 }, state: TIMES });

      expect(meteredMinutes(event, BILLING).minutes).toBe(0);
    });

    it('never counts a baseline run', () => {
      const event = minutesChange('run', { after: { total: 40, metered: 40 }, baseline: true, state: TIMES });

      expect(meteredMinutes(event, BILLING).minutes).toBe(0);
    });
  });

  describe('project scope', () => {
    const event = minutesChange('job', { after: { metered: 5 }, state: TIMES });

    it.each([
      ['by name', ['Shop App'], 5],
      ['by ARN', [projectArn()], 5],
      ['among others', ['Other', projectArn()], 5],
      ['when another project is named', ['Other App'], 0],
      ['when another ARN is given', [projectArn('p-other')], 0],
      ['when every project counts (empty list)', [], 5],
    ])('counts a change %s', (_case, projects, minutes) => {
      expect(meteredMinutes(event, { meter: 'deviceMinutes.metered', projects }).minutes).toBe(minutes);
    });

    it('matches a project without a known name by ARN only', () => {
      const nameless = minutesChange('job', {
        after: { metered: 5 },
        state: { ...TIMES, project: { arn: projectArn() } },
      });

      expect(meteredMinutes(nameless, { meter: 'deviceMinutes.metered', projects: ['Shop App'] }).minutes).toBe(0);
      expect(meteredMinutes(nameless, { meter: 'deviceMinutes.metered', projects: [projectArn()] }).minutes).toBe(5);
    });
  });

  it('never counts Deadline Cloud events', () => {
    // Arrange: a Deadline job whose observation (wrongly) carries minutes.
    const job: Observation = {
      service: 'deadline',
      kind: 'deadline-job',
      arn: 'arn:aws:deadline:us-west-2:123456789012:farm/farm-1/queue/queue-1/job/job-1',
      name: 'render',
      scope: 'arn:aws:deadline:us-west-2:123456789012:farm/farm-1/queue/queue-1',
      project: { arn: 'arn:aws:deadline:us-west-2:123456789012:farm/farm-1/queue/queue-1', name: 'Shop App' },
      status: 'SUCCEEDED',
      minutes: { total: 30, metered: 30, billing: 30 },
      counters: counters(),
      ...TIMES,
    };
    const { event } = buildChange(undefined, job, ['status'], { cycleId: 'c1', baseline: false });

    // Act / Assert
    expect(meteredMinutes(event, METERED)).toEqual({ minutes: 0, startedAt: STARTED });
    expect(meteredMinutes(event, BILLING)).toEqual({ minutes: 0, startedAt: STARTED });
  });

  describe('the instant whose period the minutes belong to', () => {
    it.each([
      ['started when known', { started: STARTED, created: CREATED }, STARTED],
      ['created when not started', { created: CREATED }, CREATED],
      ['the event time when neither is known', {}, OBSERVED],
    ])('is %s', (_case, times, expected) => {
      const event = minutesChange('job', {
        after: { metered: 5 },
        state: { started: undefined, created: undefined, ...times, observedAt: OBSERVED },
      });

      expect(meteredMinutes(event, METERED).startedAt).toBe(expected);
    });
  });
});
