import { DEFAULT_SETTINGS } from '../../../lambda/config/settings';
import { changedFields } from '../../../lambda/core/change';
import type { Observation } from '../../../lambda/core/observation';
import { compose } from '../../../lambda/deliver/compose';
import { planNotices } from '../../../lambda/deliver/rules';
import { buildChange, type ChangeEvent, type StatusPair } from '../../../lambda/record/change-event';

const FARM = `farm-${'a'.repeat(32)}`;
const QUEUE = `queue-${'b'.repeat(32)}`;
const QUEUE_ARN = `arn:aws:deadline:us-west-2:111122223333:farm/${FARM}/queue/${QUEUE}`;
const T = '2026-11-21T09:00:00.000Z';

function job(id: string, status: string, counts?: Record<string, number>): Observation {
  const jobId = `job-${id.padEnd(32, '0')}`;
  return {
    service: 'deadline',
    kind: 'deadline-job',
    arn: `${QUEUE_ARN}/job/${jobId}`,
    name: `shot-${id}`,
    scope: QUEUE_ARN,
    project: { arn: QUEUE_ARN, name: 'renders' },
    status,
    started: '2026-11-21T08:05:00.000Z',
    ...(status === 'RUNNING' ? {} : { stopped: T }),
    deadline: {
      farmId: FARM,
      farmName: 'studio-farm',
      queueId: QUEUE,
      queueName: 'renders',
      jobId,
      lifecycleStatus: 'CREATE_COMPLETE',
      ...(counts === undefined ? {} : { taskRunStatusCounts: counts }),
    },
    observedAt: T,
  };
}

function session(parent: Observation, id: string, status: string, logError?: string): Observation {
  const sessionId = `session-${id.padEnd(32, '0')}`;
  return {
    service: 'deadline',
    kind: 'deadline-session',
    arn: `${parent.arn}/session/${sessionId}`,
    name: sessionId,
    scope: parent.arn,
    project: parent.project,
    parentArn: parent.arn,
    parentName: parent.name,
    status,
    deadline: {
      ...(parent.deadline as NonNullable<Observation['deadline']>),
      sessionId,
      workerId: 'worker-1',
      fleetId: 'fleet-1',
      hostName: 'ip-10-0-0-12',
      ...(logError === undefined ? {} : { logError }),
    },
    observedAt: T,
  };
}

/** The event for `next`, moving from `from` (first sight when absent). */
function change(next: Observation, from?: StatusPair, baseline = false): ChangeEvent {
  const previous = from === undefined ? undefined : { ...next, ...from, version: 1, terminal: false };
  return buildChange(previous, next, changedFields(previous, next), { cycleId: 'c1', baseline }).event;
}

describe('Deadline notices', () => {
  const failed = job('020', 'FAILED', { FAILED: 12, SUCCEEDED: 28 });

  it('sends a job reaching FAILED with its failed sessions folded in', () => {
    const events = [
      change(session(failed, '1', 'UPDATE_FAILED', 'Failed to create log stream'), { status: 'STARTED' }),
      change(session(failed, '2', 'ENDED'), { status: 'STARTED' }),
      change(failed, { status: 'RUNNING' }),
    ];

    const notices = planNotices(events, DEFAULT_SETTINGS.rules);

    expect(notices.map((n) => [n.type, n.covers.length])).toEqual([['deadline-job', 2]]);
  });

  it('groups failed sessions of one job into one notice when the job goes on', () => {
    const running = job('030', 'RUNNING');
    const events = [
      change(session(running, '1', 'UPDATE_FAILED'), { status: 'STARTED' }),
      change(session(running, '2', 'ENDED', 'Worker lost'), { status: 'UPDATE_IN_PROGRESS' }),
      change(session(running, '3', 'ENDED'), { status: 'STARTED' }),
    ];

    const notices = planNotices(events, DEFAULT_SETTINGS.rules);

    expect(notices.map((n) => [n.type, n.jobs.map((s) => ('to' in s ? s.to.status : s.eventType))])).toEqual([
      ['deadline-sessions-failed', ['UPDATE_FAILED', 'ENDED']],
    ]);
  });

  it('lists the failed sessions in the same order whatever order they were read in', () => {
    const running = job('030', 'RUNNING');
    const first = change(session(running, '1', 'UPDATE_FAILED'), { status: 'STARTED' });
    const second = change(session(running, '2', 'ENDED', 'Worker lost'), { status: 'UPDATE_IN_PROGRESS' });

    const [asRecorded] = planNotices([second, first], DEFAULT_SETTINGS.rules);
    const [asSwept] = planNotices([first, second], DEFAULT_SETTINGS.rules);

    expect(asRecorded?.jobs.map((s) => s.eventId)).toEqual([first.eventId, second.eventId]);
    expect(asSwept?.jobs.map((s) => s.eventId)).toEqual([first.eventId, second.eventId]);
    expect(asRecorded?.subject.eventId).toBe(first.eventId);
  });

  it.each([
    ['a job still RUNNING', change(job('1', 'RUNNING'), { status: 'READY' })],
    ['a baseline job already FAILED', change(failed, undefined, true)],
    ['a job whose status did not change', change(failed, { status: 'FAILED' })],
    ['a session that ended cleanly', change(session(failed, '1', 'ENDED'), { status: 'STARTED' })],
    [
      'a session ending after its UPDATE_FAILED was told (its log error unchanged)',
      change(session(failed, '1', 'ENDED', 'Failed to create log stream'), { status: 'UPDATE_FAILED' }),
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
      change(job('1', 'SUCCEEDED'), { status: 'RUNNING' }),
      change(session(job('2', 'RUNNING'), '1', 'UPDATE_FAILED'), { status: 'STARTED' }),
      change(failed, { status: 'RUNNING' }),
    ];

    expect(planNotices(events, rules).map((n) => n.subject.name)).toEqual(['shot-020']);
  });

  it('composes the job message with task counts, IDs, the CLI command and the failed session', () => {
    const events = [
      change(session(failed, '1', 'UPDATE_FAILED', 'Failed to create log stream'), { status: 'STARTED' }),
      change(failed, { status: 'RUNNING' }),
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
        `ARN        ${QUEUE_ARN}/job/${jobId}`,
        `Queue      renders (${QUEUE})`,
        `Farm       studio-farm (${FARM})`,
        'Status     RUNNING → FAILED',
        'Tasks      40: FAILED 12, SUCCEEDED 28',
        'Lifecycle  CREATE_COMPLETE',
        'Started    2026-11-21T08:05:00.000Z',
        `Ended      ${T}`,
        `AWS CLI    aws deadline get-job --farm-id ${FARM} --queue-id ${QUEUE} --job-id ${jobId} --region us-west-2`,
        '',
        'Sessions that failed:',
        `- UPDATE_FAILED  session ${sessionId} on worker worker-1, fleet fleet-1, host ip-10-0-0-12`,
        '  log error: Failed to create log stream',
        '',
        `Observed ${T} by Vigil (event ${QUEUE_ARN}/job/${jobId}@2).`,
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
    const [notice] = planNotices([change(job('010', status, counts), { status: 'RUNNING' })], DEFAULT_SETTINGS.rules);

    const message = compose(notice as NonNullable<typeof notice>);

    expect([message.subject, message.attributes.severity]).toEqual([subject, severity]);
  });

  it('words failed sessions of a running job with the job they belong to', () => {
    const running = job('030', 'RUNNING');
    const [notice] = planNotices(
      [
        change(session(running, '1', 'UPDATE_FAILED', 'Failed to create log stream'), { status: 'STARTED' }),
        change(session(running, '2', 'UPDATE_FAILED'), { status: 'STARTED' }),
      ],
      DEFAULT_SETTINGS.rules,
    );

    const message = compose(notice as NonNullable<typeof notice>);

    expect(message.subject).toBe('UPDATE_FAILED: 2 sessions of Deadline job shot-030');
    expect(message.attributes).toMatchObject({ kind: 'deadline-session', eventType: 'deadline-sessions-failed' });
    expect(message.text).toContain('\nSessions:\n- UPDATE_FAILED  session ');
  });
});
