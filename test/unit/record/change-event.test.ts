import type { JobSummary } from '../../../lambda/core/observation';
import { buildChange } from '../../../lambda/record/change-event';
import { runArn } from '../../support/arns';
import { counters, jobObs, PROJECT, runObs, stored } from '../../support/builders';

const CONTEXT = { cycleId: '2026-11-21T08:01:00.000Z-abc123', baseline: false };

const SUMMARY: JobSummary = {
  total: 2,
  byResult: { PASSED: 1, FAILED: 1 },
  notPassed: [{ arn: 'arn:job', name: 'Pixel', status: 'COMPLETED', result: 'FAILED' }],
  notPassedTruncated: 0,
};

describe('buildChange', () => {
  it('starts at version 1 with no `from` when the resource is seen for the first time', () => {
    // Arrange
    const observation = runObs({ minutes: { total: 2, metered: 2 } });

    // Act
    const { latest, event } = buildChange(undefined, observation, ['status', 'result', 'counters', 'minutes'], CONTEXT);

    // Assert
    expect(latest).toEqual({ ...observation, version: 1, terminal: false });
    expect(event).toEqual({
      eventId: `${runArn()}@1`,
      eventType: 'change',
      service: 'devicefarm',
      kind: 'run',
      arn: runArn(),
      name: 'nightly',
      project: PROJECT,
      version: 1,
      to: { status: 'RUNNING', result: 'PENDING' },
      changed: ['status', 'result', 'counters', 'minutes'],
      baseline: false,
      cycleId: CONTEXT.cycleId,
      at: observation.observedAt,
      minutesDelta: { total: 2, metered: 2 },
      state: observation,
    });
    expect(event).not.toHaveProperty('from');
  });

  it('increments the version and names the event `<arn>@<version>` when a stored state exists', () => {
    // Arrange
    const previous = stored(runObs({ minutes: { total: 2, metered: 2 } }), 4);
    const next = runObs({
      status: 'COMPLETED',
      result: 'FAILED',
      observedAt: '2026-11-21T08:05:00.000Z',
      minutes: { total: 5.5, metered: 5.5 },
    });

    // Act
    const { latest, event } = buildChange(previous, next, ['status', 'result', 'minutes'], CONTEXT);

    // Assert
    expect(latest.version).toBe(5);
    expect(event.version).toBe(5);
    expect(event.eventId).toBe(`${runArn()}@5`);
    expect(event.from).toEqual({ status: 'RUNNING', result: 'PENDING' });
    expect(event.to).toEqual({ status: 'COMPLETED', result: 'FAILED' });
    expect(event.at).toBe('2026-11-21T08:05:00.000Z');
    expect(event.minutesDelta).toEqual({ total: 3.5, metered: 3.5 });
  });

  it.each([
    ['terminal', 'COMPLETED', true],
    ['not terminal', 'STOPPING', false],
    ['terminal (gone)', 'NOT_FOUND', true],
    ['not terminal (unknown status)', 'ARCHIVED', false],
  ])('marks the latest state %s when the status is %s', (_case, status, terminal) => {
    // Act
    const { latest } = buildChange(stored(runObs()), runObs({ status }), ['status'], CONTEXT);

    // Assert
    expect(latest.terminal).toBe(terminal);
  });

  it('carries the stored job summary over when the new observation lacks one', () => {
    // Arrange
    const previous = stored(runObs({ jobSummary: SUMMARY }), 2);
    const next = runObs({ status: 'COMPLETED', result: 'FAILED' });

    // Act
    const { latest, event } = buildChange(previous, next, ['status', 'result'], CONTEXT);

    // Assert
    expect(latest.jobSummary).toEqual(SUMMARY);
    expect(event.state.jobSummary).toEqual(SUMMARY);
  });

  it('uses the new job summary when the observation has one', () => {
    // Arrange
    const previous = stored(runObs({ jobSummary: SUMMARY }), 2);
    const fresh: JobSummary = { total: 2, byResult: { PASSED: 2 }, notPassed: [], notPassedTruncated: 0 };

    // Act
    const { event } = buildChange(
      previous,
      runObs({ status: 'COMPLETED', result: 'PASSED', jobSummary: fresh }),
      ['status'],
      CONTEXT,
    );

    // Assert
    expect(event.state.jobSummary).toEqual(fresh);
  });

  it('carries the parent run and the baseline flag when recording a job of a baseline poll', () => {
    // Arrange
    const observation = jobObs('00003', { counters: counters({ total: 1, passed: 1 }) });

    // Act
    const { event } = buildChange(undefined, observation, ['status'], { cycleId: 'c', baseline: true });

    // Assert
    expect(event.parentArn).toBe(runArn());
    expect(event.parentName).toBe('nightly');
    expect(event.baseline).toBe(true);
  });

  it('leaves result out of the transition when the resource has none', () => {
    // Act
    const { event } = buildChange(undefined, runObs({ result: undefined }), ['status'], CONTEXT);

    // Assert
    expect(event.to).toEqual({ status: 'RUNNING' });
    expect(event).not.toHaveProperty('parentArn');
  });
});
