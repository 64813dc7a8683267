import { DEFAULT_SETTINGS } from '../../../lambda/config/settings';
import { compose } from '../../../lambda/deliver/compose';
import { planNotices } from '../../../lambda/deliver/rules';
import {
  DEADLINE_AT,
  DEADLINE_FARM,
  DEADLINE_QUEUE,
  DEADLINE_QUEUE_ARN,
  deadlineChange,
  deadlineJob,
  deadlineSession,
} from '../../support/deadline-builders';

describe('Deadline notices', () => {
  const failed = deadlineJob('020', 'FAILED', { FAILED: 12, SUCCEEDED: 28 });

  it('sends a job reaching FAILED with its failed sessions folded in', () => {
    const events = [
      deadlineChange(deadlineSession(failed, '1', 'UPDATE_FAILED', 'Failed to create log stream'), {
        status: 'STARTED',
      }),
      deadlineChange(deadlineSession(failed, '2', 'ENDED'), { status: 'STARTED' }),
      deadlineChange(failed, { status: 'RUNNING' }),
    ];

    const notices = planNotices(events, DEFAULT_SETTINGS.rules);

    expect(notices.map((n) => [n.type, n.covers.length])).toEqual([['deadline-job', 2]]);
  });

  it('groups failed sessions of one job into one notice when the job goes on', () => {
    const running = deadlineJob('030', 'RUNNING');
    const events = [
      deadlineChange(deadlineSession(running, '1', 'UPDATE_FAILED'), { status: 'STARTED' }),
      deadlineChange(deadlineSession(running, '2', 'ENDED', 'Worker lost'), { status: 'UPDATE_IN_PROGRESS' }),
      deadlineChange(deadlineSession(running, '3', 'ENDED'), { status: 'STARTED' }),
    ];

    const notices = planNotices(events, DEFAULT_SETTINGS.rules);

    expect(notices.map((n) => [n.type, n.jobs.map((s) => ('to' in s ? s.to.status : s.eventType))])).toEqual([
      ['deadline-sessions-failed', ['UPDATE_FAILED', 'ENDED']],
    ]);
  });

  it('lists the failed sessions in the same order whatever order they were read in', () => {
    const running = deadlineJob('030', 'RUNNING');
    const first = deadlineChange(deadlineSession(running, '1', 'UPDATE_FAILED'), { status: 'STARTED' });
    const second = deadlineChange(deadlineSession(running, '2', 'ENDED', 'Worker lost'), {
      status: 'UPDATE_IN_PROGRESS',
    });

    const [asRecorded] = planNotices([second, first], DEFAULT_SETTINGS.rules);
    const [asSwept] = planNotices([first, second], DEFAULT_SETTINGS.rules);

    expect(asRecorded?.jobs.map((s) => s.eventId)).toEqual([first.eventId, second.eventId]);
    expect(asSwept?.jobs.map((s) => s.eventId)).toEqual([first.eventId, second.eventId]);
    expect(asRecorded?.subject.eventId).toBe(first.eventId);
  });

  it.each([
    ['a job still RUNNING', deadlineChange(deadlineJob('1', 'RUNNING'), { status: 'READY' })],
    ['a baseline job already FAILED', deadlineChange(failed, undefined, true)],
    ['a job whose status did not change', deadlineChange(failed, { status: 'FAILED' })],
    ['a session that ended cleanly', deadlineChange(deadlineSession(failed, '1', 'ENDED'), { status: 'STARTED' })],
    [
      'a session ending after its UPDATE_FAILED was told (its log error unchanged)',
      deadlineChange(deadlineSession(failed, '1', 'ENDED', 'Failed to create log stream'), { status: 'UPDATE_FAILED' }),
    ],
  ])('sends nothing for %s', (_case, event) => {
    expect(planNotices([event], DEFAULT_SETTINGS.rules)).toEqual([]);
  });

  it('respects deadlineJobStatuses and deadlineSessionFailures', () => {
    const rules = {
      ...DEFAULT_SETTINGS.rules,
      deadlineJobStatuses: ['FAILED' as const],
      deadlineSessionFailures: false,
    };
    const events = [
      deadlineChange(deadlineJob('1', 'SUCCEEDED'), { status: 'RUNNING' }),
      deadlineChange(deadlineSession(deadlineJob('2', 'RUNNING'), '1', 'UPDATE_FAILED'), { status: 'STARTED' }),
      deadlineChange(failed, { status: 'RUNNING' }),
    ];

    expect(planNotices(events, rules).map((n) => n.subject.name)).toEqual(['shot-020']);
  });

  it('composes the job message with task counts, IDs, the CLI command and the failed session', () => {
    const events = [
      deadlineChange(deadlineSession(failed, '1', 'UPDATE_FAILED', 'Failed to create log stream'), {
        status: 'STARTED',
      }),
      deadlineChange(failed, { status: 'RUNNING' }),
    ];
    const [notice] = planNotices(events, DEFAULT_SETTINGS.rules);

    const message = compose(notice as NonNullable<typeof notice>);

    const jobId = `job-020${'0'.repeat(29)}`;
    const sessionId = `session-1${'0'.repeat(31)}`;
    expect(message.subject).toBe('FAILED: Deadline job shot-020 (12 of 40 tasks failed)');
    expect(message.attributes).toEqual({
      service: 'deadline',
      kind: 'deadline-job',
      eventType: 'deadline-job',
      severity: 'error',
      project: 'renders',
    });
    expect(message.text).toBe(
      [
        'Deadline Cloud job shot-020 is now FAILED.',
        '',
        `Job        shot-020 (${jobId})`,
        `ARN        ${DEADLINE_QUEUE_ARN}/job/${jobId}`,
        `Queue      renders (${DEADLINE_QUEUE})`,
        `Farm       studio-farm (${DEADLINE_FARM})`,
        'Status     RUNNING → FAILED',
        'Tasks      40: FAILED 12, SUCCEEDED 28',
        'Lifecycle  CREATE_COMPLETE',
        'Started    2026-11-21T08:05:00.000Z',
        `Ended      ${DEADLINE_AT}`,
        `AWS CLI    aws deadline get-job --farm-id ${DEADLINE_FARM} --queue-id ${DEADLINE_QUEUE} --job-id ${jobId} --region us-west-2`,
        '',
        'Sessions that failed:',
        `- UPDATE_FAILED  session ${sessionId} on worker worker-1, fleet fleet-1, host ip-10-0-0-12`,
        '  log error: Failed to create log stream',
        '',
        `Observed ${DEADLINE_AT} by Vigil (event ${DEADLINE_QUEUE_ARN}/job/${jobId}@2).`,
        'To stop messages like this one, remove the status from rules.deadlineJobStatuses in vigil.config.json.',
      ].join('\n'),
    );
    expect(message.document.jobs[0]?.deadline?.logError).toBe('Failed to create log stream');
  });

  it.each([
    ['SUCCEEDED', { SUCCEEDED: 48 }, 'SUCCEEDED: Deadline job shot-010 (48 tasks)', 'info'],
    [
      'SUSPENDED',
      { SUCCEEDED: 30, SUSPENDED: 18 },
      'SUSPENDED: Deadline job shot-010 (30 of 48 tasks succeeded)',
      'warning',
    ],
    ['NOT_COMPATIBLE', undefined, 'NOT_COMPATIBLE: Deadline job shot-010', 'error'],
  ])('words a job reaching %s', (status, counts, subject, severity) => {
    const [notice] = planNotices(
      [deadlineChange(deadlineJob('010', status, counts), { status: 'RUNNING' })],
      DEFAULT_SETTINGS.rules,
    );

    const message = compose(notice as NonNullable<typeof notice>);

    expect([message.subject, message.attributes.severity]).toEqual([subject, severity]);
  });

  it('words failed sessions of a running job with the job they belong to', () => {
    const running = deadlineJob('030', 'RUNNING');
    const [notice] = planNotices(
      [
        deadlineChange(deadlineSession(running, '1', 'UPDATE_FAILED', 'Failed to create log stream'), {
          status: 'STARTED',
        }),
        deadlineChange(deadlineSession(running, '2', 'UPDATE_FAILED'), { status: 'STARTED' }),
      ],
      DEFAULT_SETTINGS.rules,
    );

    const message = compose(notice as NonNullable<typeof notice>);

    expect(message.subject).toBe('UPDATE_FAILED: 2 sessions of Deadline job shot-030');
    expect(message.attributes).toMatchObject({ kind: 'deadline-session', eventType: 'deadline-sessions-failed' });
    expect(message.text).toContain('\nSessions:\n- UPDATE_FAILED  session ');
  });
});
