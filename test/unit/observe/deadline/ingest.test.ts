import {
  DeadlineClient,
  GetFarmCommand,
  GetJobCommand,
  GetQueueCommand,
  GetSessionCommand,
  ListSessionsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-deadline';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_SETTINGS, type Settings } from '../../../../lambda/config/settings';
import { jobArn } from '../../../../lambda/observe/deadline/arns';
import { ingestDeadlineEvent } from '../../../../lambda/observe/deadline/ingest';
import { InMemoryStateStore, MemoryLog } from '../../../support/fakes';

const deadline = mockClient(DeadlineClient);
const client = new DeadlineClient({ region: 'us-west-2' });

const FARM = `farm-${'a'.repeat(32)}`;
const QUEUE = `queue-${'b'.repeat(32)}`;
const JOB = `job-${'c'.repeat(32)}`;
const SESSION = `session-${'d'.repeat(32)}`;
const ARN = jobArn({ region: 'us-west-2', accountId: '111122223333' }, FARM, QUEUE, JOB);
const ENABLED: Settings = { ...DEFAULT_SETTINGS, deadline: { ...DEFAULT_SETTINGS.deadline, enabled: true } };

function jobRunEvent(taskRunStatus: string, detail: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    'detail-type': 'Job Run Status Change',
    source: 'aws.deadline',
    account: '111122223333',
    time: '2026-11-21T08:10:00Z',
    region: 'us-west-2',
    resources: [],
    detail: { farmId: FARM, queueId: QUEUE, jobId: JOB, previousTaskRunStatus: 'RUNNING', taskRunStatus, ...detail },
  };
}

function deps(store: InMemoryStateStore, settings: Settings = ENABLED, log = new MemoryLog()) {
  return { client, store, settings, log, now: () => new Date('2026-11-21T08:10:01.000Z'), names: new Map() };
}

describe('ingestDeadlineEvent', () => {
  beforeEach(() => {
    deadline.reset();
    deadline.on(GetFarmCommand).resolves({ farmId: FARM, displayName: 'studio-farm' });
    deadline.on(GetQueueCommand).resolves({ farmId: FARM, queueId: QUEUE, displayName: 'renders' });
    deadline.on(GetJobCommand).resolves({
      jobId: JOB,
      name: 'shot-020-comp',
      lifecycleStatus: 'CREATE_COMPLETE',
      lifecycleStatusMessage: '',
      priority: 50,
      createdAt: new Date('2026-11-21T08:00:00Z'),
      createdBy: 'artist',
      taskRunStatus: 'FAILED',
      taskRunStatusCounts: { FAILED: 3, SUCCEEDED: 7 },
    });
    deadline.on(ListSessionsCommand).resolves({
      sessions: [
        {
          sessionId: SESSION,
          fleetId: 'fleet-1',
          workerId: 'worker-1',
          startedAt: new Date('2026-11-21T08:01:00Z'),
          lifecycleStatus: 'UPDATE_FAILED',
        },
      ],
    });
    deadline.on(GetSessionCommand).resolves({
      sessionId: SESSION,
      fleetId: 'fleet-1',
      workerId: 'worker-1',
      startedAt: new Date('2026-11-21T08:01:00Z'),
      lifecycleStatus: 'UPDATE_FAILED',
      log: { logDriver: 'awslogs', error: 'Failed to create log stream' },
    });
  });

  it('records the job as GetJob shows it, and its new sessions, when a Job Run Status Change arrives', async () => {
    const store = new InMemoryStateStore();

    const result = await ingestDeadlineEvent(jobRunEvent('FAILED'), deps(store));

    expect(result.outcome).toBe('recorded');
    expect(deadline).toHaveReceivedCommandWith(GetJobCommand, { farmId: FARM, queueId: QUEUE, jobId: JOB });
    expect(store.events.map((e) => `${e.kind}:${e.to.status}:${e.baseline}`)).toEqual([
      'deadline-session:UPDATE_FAILED:false',
      'deadline-job:FAILED:false',
    ]);
    const job = store.events[1];
    expect(job?.arn).toBe(ARN);
    expect(job?.state.deadline).toMatchObject({ farmName: 'studio-farm', queueName: 'renders' });
    expect(store.events[0]?.state.deadline?.logError).toBe('Failed to create log stream');
  });

  it('reads at most maxSessionReads sessions of a large job and leaves the rest, unrecorded, to the next poll', async () => {
    // Arrange: a job with 50 new sessions.
    const sessions = Array.from({ length: 50 }, (_, i) => ({
      sessionId: `session-${String(i).padStart(32, '0')}`,
      fleetId: 'fleet-1',
      workerId: `worker-${i}`,
      startedAt: new Date('2026-11-21T08:01:00Z'),
      lifecycleStatus: 'ENDED' as const,
    }));
    deadline.on(ListSessionsCommand).resolves({ sessions });
    deadline.on(GetSessionCommand).callsFake((input: { sessionId: string }) => ({
      ...sessions.find((x) => x.sessionId === input.sessionId),
    }));
    const store = new InMemoryStateStore();
    const log = new MemoryLog();

    // Act
    const result = await ingestDeadlineEvent(jobRunEvent('FAILED'), {
      ...deps(store, ENABLED, log),
      maxSessionReads: 20,
    });

    // Assert
    expect(result.outcome).toBe('recorded');
    expect(deadline.commandCalls(GetSessionCommand)).toHaveLength(20);
    expect(store.events.filter((e) => e.kind === 'deadline-session')).toHaveLength(20);
    expect(store.events.filter((e) => e.kind === 'deadline-job')).toHaveLength(1);
    expect(log.lines).toContainEqual({
      level: 'info',
      message: 'A large job: the sessions this event did not read are left for the next poll',
      extra: { jobId: JOB, left: 30 },
    });
  });

  it('records nothing the second time the same event arrives (nor when the poll sees it next)', async () => {
    const store = new InMemoryStateStore();
    await ingestDeadlineEvent(jobRunEvent('FAILED'), deps(store));
    deadline.resetHistory();

    const again = await ingestDeadlineEvent(jobRunEvent('FAILED'), deps(store));

    expect(again).toEqual({ outcome: 'recorded', events: [] });
    expect(store.events).toHaveLength(2);
    // The job had already finished with this status: its sessions are not listed again.
    expect(deadline).not.toHaveReceivedCommand(ListSessionsCommand);
  });

  it.each([
    ['the detail has no jobId', { ...jobRunEvent('FAILED'), detail: { farmId: FARM, queueId: QUEUE } }, 'detail.jobId'],
    ['the source is another service', { ...jobRunEvent('FAILED'), source: 'aws.batch' }, 'source'],
    ['the event is not an object', 'not an event', '(event)'],
  ])('rejects the event without any API call when %s', async (_case, event, field) => {
    const log = new MemoryLog();

    const result = await ingestDeadlineEvent(event, deps(new InMemoryStateStore(), ENABLED, log));

    expect(result.outcome).toBe('rejected');
    expect(result.outcome === 'rejected' && result.reason.startsWith(`${field}:`)).toBe(true);
    expect(deadline.calls()).toHaveLength(0);
    expect(log.lines[0]?.message).toBe('A Deadline Cloud event could not be read; the next poll covers it');
  });

  it('ignores a detail type Vigil does not follow', async () => {
    const result = await ingestDeadlineEvent(
      { ...jobRunEvent('FAILED'), 'detail-type': 'Fleet Size Recommendation Change' },
      deps(new InMemoryStateStore()),
    );

    expect(result).toEqual({
      outcome: 'ignored',
      reason: 'detail-type Fleet Size Recommendation Change is not followed',
    });
    expect(deadline).not.toHaveReceivedCommand(GetJobCommand);
  });

  it('ignores a farm excluded by name, after looking its name up once', async () => {
    const settings: Settings = { ...ENABLED, deadline: { ...ENABLED.deadline, excludeFarms: ['studio-farm'] } };
    const names = new Map<string, string | undefined>();

    const first = await ingestDeadlineEvent(jobRunEvent('FAILED'), {
      ...deps(new InMemoryStateStore(), settings),
      names,
    });
    await ingestDeadlineEvent(jobRunEvent('FAILED'), { ...deps(new InMemoryStateStore(), settings), names });

    expect(first).toEqual({ outcome: 'ignored', reason: `farm ${FARM} or queue ${QUEUE} is not followed` });
    expect(deadline).toHaveReceivedCommandTimes(GetFarmCommand, 1);
    expect(deadline).not.toHaveReceivedCommand(GetJobCommand);
  });

  it('ignores an event whose job no longer exists', async () => {
    deadline.on(GetJobCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} } as never));

    const result = await ingestDeadlineEvent(jobRunEvent('FAILED'), deps(new InMemoryStateStore()));

    expect(result).toEqual({ outcome: 'ignored', reason: `job ${JOB} no longer exists` });
  });
});
