import { DEFAULT_SETTINGS, type Rules } from '../../../lambda/config/settings';
import { isFinishing, type Notice, planNotices } from '../../../lambda/deliver/rules';
import { runArn } from '../../support/arns';
import { changeEvent, jobFinished, runFinished } from '../../support/builders';

const RULES = DEFAULT_SETTINGS.rules;

/** A notice as `<type> <subject id> [covered ids]`, for readable assertions. */
const shape = (n: Notice) => ({ type: n.type, subject: n.subject.eventId, covers: n.covers.map((c) => c.eventId) });

describe('isFinishing', () => {
  it.each([
    [
      'a run moving RUNNING → COMPLETED',
      changeEvent('run', { from: { status: 'RUNNING' }, to: { status: 'COMPLETED', result: 'PASSED' } }),
      true,
    ],
    ['a run first seen already COMPLETED', changeEvent('run', { to: { status: 'COMPLETED', result: 'PASSED' } }), true],
    [
      'a COMPLETED run whose counters changed',
      changeEvent('run', {
        from: { status: 'COMPLETED', result: 'PASSED' },
        to: { status: 'COMPLETED', result: 'FAILED' },
      }),
      false,
    ],
    [
      'a run the API no longer returns (NOT_FOUND)',
      changeEvent('run', { from: { status: 'RUNNING' }, to: { status: 'NOT_FOUND' } }),
      false,
    ],
    ['a run still RUNNING', changeEvent('run', { from: { status: 'PENDING' }, to: { status: 'RUNNING' } }), false],
    [
      'a test grid session moving ACTIVE → CLOSED',
      changeEvent('test-grid-session', { from: { status: 'ACTIVE' }, to: { status: 'CLOSED' } }),
      true,
    ],
  ])('says %s is finishing: %s', (_case, event, expected) => {
    expect(isFinishing(event)).toBe(expected);
  });
});

describe('planNotices', () => {
  it('notifies nothing when every event is baseline', () => {
    // Arrange
    const events = [
      changeEvent('run', { to: { status: 'COMPLETED', result: 'FAILED' }, baseline: true }),
      changeEvent('remote-access-session', { to: { status: 'COMPLETED', result: 'PASSED' }, baseline: true }),
      changeEvent('run', { to: { status: 'QUEUED' }, baseline: true, state: { arn: runArn('r-odd') } }),
    ];

    // Act / Assert
    expect(planNotices(events, RULES)).toEqual([]);
  });

  it('sends one run-finished notice that folds in the run’s failing jobs from the same batch', () => {
    // Arrange
    const failed = jobFinished('00000', 'FAILED');
    const errored = jobFinished('00001', 'ERRORED');
    const passed = jobFinished('00002', 'PASSED');
    const run = runFinished('FAILED', { arn: runArn('r-nightly') });

    // Act
    const notices = planNotices([failed, errored, passed, run], RULES);

    // Assert
    expect(notices.map(shape)).toEqual([
      { type: 'run-finished', subject: run.eventId, covers: [run.eventId, failed.eventId, errored.eventId] },
    ]);
    expect(notices[0]?.jobs.map((j) => j.eventId)).toEqual([failed.eventId, errored.eventId]);
  });

  it('sends one jobs-finished notice per run when failing jobs finish without their run', () => {
    // Arrange
    const a1 = jobFinished('00000', 'FAILED', 'alpha');
    const b1 = jobFinished('00000', 'STOPPED', 'beta');
    const a2 = jobFinished('00001', 'WARNED', 'alpha');

    // Act
    const notices = planNotices([a1, b1, a2], RULES);

    // Assert
    expect(notices.map(shape)).toEqual([
      { type: 'jobs-finished', subject: a1.eventId, covers: [a1.eventId, a2.eventId] },
      { type: 'jobs-finished', subject: b1.eventId, covers: [b1.eventId] },
    ]);
  });

  it('plans the same notices, jobs in ARN order, whatever order the events were read in', () => {
    // Arrange: the stream's order (as concurrent polls recorded them) and the sweeper's (by time) differ.
    const failed = jobFinished('00000', 'FAILED', 'alpha');
    const errored = jobFinished('00001', 'ERRORED', 'alpha');
    const stopped = jobFinished('00002', 'STOPPED', 'beta');
    const run = runFinished('FAILED', { arn: runArn('r-beta') });

    // Act
    const asRecorded = planNotices([errored, stopped, run, failed], RULES);
    const asSwept = planNotices([run, failed, stopped, errored], RULES);

    // Assert
    const jobsOf = (notices: Notice[]) => notices.map((n) => [n.type, n.jobs.map((j) => j.eventId)]);
    expect(jobsOf(asRecorded)).toEqual([
      ['run-finished', [stopped.eventId]],
      ['jobs-finished', [failed.eventId, errored.eventId]],
    ]);
    expect(jobsOf(asSwept)).toEqual(jobsOf(asRecorded));
    expect(asSwept.map(shape)).toEqual(asRecorded.map(shape));
  });

  it('notifies nothing when jobs pass or are skipped', () => {
    // Act / Assert
    expect(planNotices([jobFinished('00000', 'PASSED'), jobFinished('00001', 'SKIPPED')], RULES)).toEqual([]);
  });

  it('notifies nothing for a job that is still running', () => {
    // Arrange
    const running = changeEvent('job', { from: { status: 'PENDING' }, to: { status: 'RUNNING', result: 'PENDING' } });

    // Act / Assert
    expect(planNotices([running], RULES)).toEqual([]);
  });

  it('sends only the results listed in rules.jobResults', () => {
    // Arrange
    const rules: Rules = { ...RULES, jobResults: ['ERRORED'] };
    const failed = jobFinished('00000', 'FAILED');
    const errored = jobFinished('00001', 'ERRORED');

    // Act
    const notices = planNotices([failed, errored], rules);

    // Assert
    expect(notices.map(shape)).toEqual([
      { type: 'jobs-finished', subject: errored.eventId, covers: [errored.eventId] },
    ]);
  });

  it('sends PASSED jobs when rules.jobResults lists PASSED', () => {
    // Arrange
    const passed = jobFinished('00000', 'PASSED');

    // Act
    const notices = planNotices([passed], { ...RULES, jobResults: ['PASSED'] });

    // Assert
    expect(notices.map((n) => n.type)).toEqual(['jobs-finished']);
  });

  it('reports failing jobs on their own and no run summary when rules.runFinished is false', () => {
    // Arrange
    const failed = jobFinished('00000', 'FAILED');
    const run = runFinished('FAILED');

    // Act
    const notices = planNotices([failed, run], { ...RULES, runFinished: false });

    // Assert
    expect(notices.map(shape)).toEqual([{ type: 'jobs-finished', subject: failed.eventId, covers: [failed.eventId] }]);
  });

  it('sends a run-finished notice with no jobs when the run passed', () => {
    // Arrange
    const run = runFinished('PASSED');

    // Act
    const notices = planNotices([run], RULES);

    // Assert
    expect(notices.map(shape)).toEqual([{ type: 'run-finished', subject: run.eventId, covers: [run.eventId] }]);
    expect(notices[0]?.jobs).toEqual([]);
  });

  it('sends a session-finished notice when a remote access session finishes', () => {
    // Arrange
    const session = changeEvent('remote-access-session', {
      from: { status: 'RUNNING', result: 'PENDING' },
      to: { status: 'COMPLETED', result: 'PASSED' },
    });

    // Act
    const notices = planNotices([session], RULES);

    // Assert
    expect(notices.map(shape)).toEqual([
      { type: 'session-finished', subject: session.eventId, covers: [session.eventId] },
    ]);
  });

  it('sends nothing for a finishing session when rules.remoteAccessFinished is false', () => {
    // Arrange
    const session = changeEvent('remote-access-session', {
      from: { status: 'RUNNING' },
      to: { status: 'COMPLETED', result: 'PASSED' },
    });

    // Act / Assert
    expect(planNotices([session], { ...RULES, remoteAccessFinished: false })).toEqual([]);
  });

  it.each([
    ['ERRORED is sent by default', RULES, 'ERRORED', ['test-grid-session']],
    ['CLOSED is not sent by default', RULES, 'CLOSED', []],
    [
      'CLOSED is sent when listed',
      { ...RULES, testGridStatuses: ['CLOSED' as const] },
      'CLOSED',
      ['test-grid-session'],
    ],
    ['ERRORED is not sent when the list is empty', { ...RULES, testGridStatuses: [] }, 'ERRORED', []],
  ])('for a test grid session, %s', (_case, rules, status, expected) => {
    // Arrange
    const session = changeEvent('test-grid-session', { from: { status: 'ACTIVE' }, to: { status } });

    // Act / Assert
    expect(planNotices([session], rules).map((n) => n.type)).toEqual(expected);
  });

  it('sends nothing for a test grid session whose status did not change', () => {
    // Arrange: minutes changed on an already ERRORED session
    const session = changeEvent('test-grid-session', { from: { status: 'ERRORED' }, to: { status: 'ERRORED' } });

    // Act / Assert
    expect(planNotices([session], RULES)).toEqual([]);
  });

  it('sends an unknown-status notice when a resource first shows a status Vigil does not know', () => {
    // Arrange
    const odd = changeEvent('run', {
      from: { status: 'RUNNING', result: 'PENDING' },
      to: { status: 'QUEUED_FOR_REVIEW', result: 'PENDING' },
    });

    // Act
    const notices = planNotices([odd], RULES);

    // Assert
    expect(notices.map(shape)).toEqual([{ type: 'unknown-status', subject: odd.eventId, covers: [odd.eventId] }]);
  });

  it('sends an unknown-status notice for an unknown result', () => {
    // Arrange
    const odd = changeEvent('job', {
      from: { status: 'RUNNING', result: 'PENDING' },
      to: { status: 'RUNNING', result: 'FLAKY' },
    });

    // Act / Assert
    expect(planNotices([odd], RULES).map((n) => n.type)).toEqual(['unknown-status']);
  });

  it('sends no second unknown-status notice when the unknown status stays the same', () => {
    // Arrange
    const again = changeEvent('run', { from: { status: 'QUEUED_FOR_REVIEW' }, to: { status: 'QUEUED_FOR_REVIEW' } });

    // Act / Assert
    expect(planNotices([again], RULES)).toEqual([]);
  });

  it('reports an unknown result inside the run-finished notice and sends no unknown-status notice of its own', () => {
    // Arrange
    const run = runFinished('FLAKY');

    // Act
    const notices = planNotices([run], RULES);

    // Assert
    expect(notices.map((n) => n.type)).toEqual(['run-finished']);
  });

  it('sends nothing for an unknown status when rules.unknownStatus is false', () => {
    // Arrange
    const odd = changeEvent('run', { from: { status: 'RUNNING' }, to: { status: 'QUEUED_FOR_REVIEW' } });

    // Act / Assert
    expect(planNotices([odd], { ...RULES, unknownStatus: false })).toEqual([]);
  });

  it('sends nothing when a resource is recorded NOT_FOUND', () => {
    // Arrange
    const gone = [
      changeEvent('run', {
        from: { status: 'RUNNING', result: 'PENDING' },
        to: { status: 'NOT_FOUND', result: 'PENDING' },
      }),
      changeEvent('remote-access-session', { from: { status: 'RUNNING' }, to: { status: 'NOT_FOUND' } }),
      changeEvent('job', {
        from: { status: 'RUNNING', result: 'PENDING' },
        to: { status: 'NOT_FOUND', result: 'FAILED' },
      }),
    ];

    // Act / Assert
    expect(planNotices(gone, RULES)).toEqual([]);
  });
});
