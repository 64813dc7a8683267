import {
  DeadlineClient,
  GetJobCommand,
  GetSessionCommand,
  ListFarmsCommand,
  ListJobsCommand,
  ListQueuesCommand,
  ListSessionsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-deadline';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_SETTINGS, type Settings } from '../../../../lambda/config/settings';
import { jobArn, queueArn, sessionKey } from '../../../../lambda/observe/deadline/arns';
import { pollDeadline } from '../../../../lambda/observe/deadline/poll-cycle';
import type { StoredState } from '../../../../lambda/record/change-event';
import { InMemoryStateStore, MemoryLog } from '../../../support/fakes';

const deadline = mockClient(DeadlineClient);
const client = new DeadlineClient({ region: 'us-west-2' });

const LOCATION = { region: 'us-west-2', accountId: '111122223333' };
const FARM = `farm-${'a'.repeat(32)}`;
const QUEUE = `queue-${'b'.repeat(32)}`;
const JOB = `job-${'c'.repeat(32)}`;
const SESSION = `session-${'d'.repeat(32)}`;
const QUEUE_ARN = queueArn(LOCATION, FARM, QUEUE);
const JOB_ARN = jobArn(LOCATION, FARM, QUEUE, JOB);
const SESSION_ARN = sessionKey(JOB_ARN, SESSION);
const ENABLED: Settings = { ...DEFAULT_SETTINGS, deadline: { ...DEFAULT_SETTINGS.deadline, enabled: true } };
const project = { arn: QUEUE_ARN, name: 'renders' };

/** A job and one of its sessions as an earlier cycle stored them: both still running. */
const storedJob: StoredState = {
  service: 'deadline',
  kind: 'deadline-job',
  arn: JOB_ARN,
  name: 'shot-020-comp',
  scope: QUEUE_ARN,
  project,
  status: 'RUNNING',
  created: '2026-11-21T08:00:00.000Z',
  deadline: { farmId: FARM, queueId: QUEUE, jobId: JOB },
  observedAt: '2026-11-21T08:05:00.000Z',
  version: 2,
  terminal: false,
};
const storedSession: StoredState = {
  service: 'deadline',
  kind: 'deadline-session',
  arn: SESSION_ARN,
  name: SESSION,
  scope: JOB_ARN,
  project,
  parentArn: JOB_ARN,
  parentName: 'shot-020-comp',
  status: 'STARTED',
  created: '2026-11-21T08:01:00.000Z',
  deadline: { farmId: FARM, queueId: QUEUE, jobId: JOB, sessionId: SESSION },
  observedAt: '2026-11-21T08:05:00.000Z',
  version: 1,
  terminal: false,
};

/** A store holding `states` and the queue's job cursor: seen through 08:00, first polled at 07:00. */
function storeWith(...states: StoredState[]): InMemoryStateStore {
  const store = new InMemoryStateStore().seed(...states);
  store.seedCursor({
    service: 'deadline',
    scope: QUEUE_ARN,
    kind: 'deadline-job',
    seenThrough: '2026-11-21T08:00:00.000Z',
    firstPolledAt: '2026-11-21T07:00:00.000Z',
  });
  return store;
}

/** One poll of the Deadline queue against `store` at `now`. */
const pollAt = (store: InMemoryStateStore, now: string, eventsArrive?: boolean) =>
  pollDeadline({
    client,
    store,
    settings: ENABLED,
    log: new MemoryLog(),
    location: LOCATION,
    now: () => new Date(now),
    eventsArrive,
  });

/** The job as GetJob and ListJobs describe it, its tasks `taskRunStatus`. */
const jobAnswer = (taskRunStatus: string) => ({
  jobId: JOB,
  name: 'shot-020-comp',
  priority: 50,
  lifecycleStatus: 'CREATE_COMPLETE',
  createdAt: new Date('2026-11-21T08:00:00Z'),
  createdBy: 'artist',
  taskRunStatus,
});

describe('pollDeadline', () => {
  beforeEach(() => {
    deadline.reset();
    deadline.on(ListFarmsCommand).resolves({ farms: [{ farmId: FARM, displayName: 'studio-farm' } as never] });
    deadline.on(ListQueuesCommand).resolves({ queues: [{ queueId: QUEUE, displayName: 'renders' } as never] });
  });

  describe('a running job that GetJob answers NotFound for', () => {
    const gone = () =>
      new ResourceNotFoundException({ message: 'Job not found', $metadata: {}, resourceId: JOB } as never);

    /** The job and its session stored running, a cursor, and a queue listing that no longer shows the job. */
    function arrange(): InMemoryStateStore {
      const store = storeWith(storedJob, storedSession);
      deadline.on(ListJobsCommand).resolves({ jobs: [] });
      return store;
    }

    it('records the job and its running session as NOT_FOUND once, when the next cycle’s read answers NotFound too', async () => {
      // Arrange
      const store = arrange();
      deadline.on(GetJobCommand).rejects(gone());
      deadline.on(ListSessionsCommand).rejects(gone());

      // Act
      const first = await pollAt(store, '2026-11-21T08:10:00.000Z');
      const second = await pollAt(store, '2026-11-21T08:15:00.000Z');
      const third = await pollAt(store, '2026-11-21T08:20:00.000Z');

      // Assert
      expect(first.events).toEqual([]);
      expect(first.failures).toEqual([
        {
          scope: QUEUE_ARN,
          kind: 'deadline-job',
          resource: JOB_ARN,
          error:
            'Deadline Cloud answered NotFound for this deadline-job (status RUNNING); it is read again next cycle and recorded as deleted only if that read answers NotFound too',
        },
      ]);
      expect(second.failures).toEqual([]);
      expect(second.events.map((e) => `${e.kind} ${e.from?.status} → ${e.to.status}`)).toEqual([
        'deadline-session STARTED → NOT_FOUND',
        'deadline-job RUNNING → NOT_FOUND',
      ]);
      expect(second.events[1]?.state.message).toBe('Deadline Cloud no longer returns this resource');
      expect(second.events[1]?.state).not.toHaveProperty('notFoundAt');
      expect(third.events).toEqual([]);
      expect(third.failures).toEqual([]);
      expect(await store.loadActive('deadline')).toEqual([]);
      expect(deadline).not.toHaveReceivedCommand(ListSessionsCommand);
    });

    it('records no NOT_FOUND and clears the note when the next cycle’s read answers with the job', async () => {
      // Arrange
      const store = arrange();
      deadline
        .on(GetJobCommand)
        .rejectsOnce(gone())
        .resolves(jobAnswer('RUNNING') as never);
      deadline.on(ListSessionsCommand).resolves({ sessions: [] });

      // Act
      const first = await pollAt(store, '2026-11-21T08:10:00.000Z');
      const noted = store.get(QUEUE_ARN, 'deadline-job', JOB_ARN)?.notFoundAt;
      const second = await pollAt(store, '2026-11-21T08:15:00.000Z');

      // Assert
      expect(first.failures.map((f) => f.resource)).toEqual([JOB_ARN]);
      expect(noted).toBe('2026-11-21T08:10:00.000Z');
      expect(second.failures).toEqual([]);
      expect(second.events.filter((e) => e.to.status === 'NOT_FOUND')).toEqual([]);
      expect(store.get(QUEUE_ARN, 'deadline-job', JOB_ARN)?.status).toBe('RUNNING');
      expect(store.get(QUEUE_ARN, 'deadline-job', JOB_ARN)).not.toHaveProperty('notFoundAt');
    });
  });

  describe('a job that finished while one of its sessions was still ending', () => {
    const finishedJob: StoredState = { ...storedJob, status: 'SUCCEEDED', terminal: true, version: 3 };
    const ended = {
      sessionId: SESSION,
      fleetId: 'fleet-1',
      workerId: 'worker-1',
      startedAt: new Date('2026-11-21T08:01:00Z'),
      endedAt: new Date('2026-11-21T08:20:00Z'),
      lifecycleStatus: 'ENDED',
    } as const;

    async function cycleAt(now: string, sessionLastChanged: string) {
      const store = storeWith(finishedJob, { ...storedSession, observedAt: sessionLastChanged });
      deadline.on(ListJobsCommand).resolves({ jobs: [jobAnswer('SUCCEEDED') as never] });
      deadline.on(ListSessionsCommand).resolves({ sessions: [ended] });
      deadline.on(GetSessionCommand).resolves({ ...ended, log: { logDriver: 'awslogs' } } as never);
      const report = await pollAt(store, now);
      return { report, store };
    }

    it('lists the job’s sessions, named from the session’s stored state, and records the one that ended', async () => {
      // Act
      const { report, store } = await cycleAt('2026-11-21T08:30:00.000Z', '2026-11-21T08:05:00.000Z');

      // Assert
      expect(deadline).toHaveReceivedCommandTimes(ListSessionsCommand, 1);
      expect(deadline).toHaveReceivedCommandWith(ListSessionsCommand, { farmId: FARM, queueId: QUEUE, jobId: JOB });
      expect(report.events.map((e) => `${e.kind} ${e.from?.status} → ${e.to.status}`)).toEqual([
        'deadline-session STARTED → ENDED',
      ]);
      expect(report.events[0]).toMatchObject({ parentArn: JOB_ARN, parentName: 'shot-020-comp', project });
      expect(store.calls.getLatest).toBe(0);
      expect(await store.loadActive('deadline')).toEqual([]);
    });

    it('leaves a session that has not changed for a day after its job finished as last recorded', async () => {
      // Act
      const { report } = await cycleAt('2026-11-22T08:06:00.000Z', '2026-11-21T08:05:00.000Z');

      // Assert
      expect(deadline).not.toHaveReceivedCommand(ListSessionsCommand);
      expect(report.events).toEqual([]);
    });
  });

  describe("when Deadline's events reach the stack", () => {
    /** The queue after its baseline: the running job stored, the cursor last listed in full at 07:00. */
    function arrange(): InMemoryStateStore {
      const store = storeWith(storedJob);
      deadline.on(ListJobsCommand).resolves({ jobs: [] });
      deadline.on(GetJobCommand).resolves({ ...jobAnswer('RUNNING'), lifecycleStatusMessage: '' } as never);
      deadline.on(ListSessionsCommand).resolves({ sessions: [] });
      return store;
    }

    it('reads only the jobs that can still change, one GetJob each, and lists no queue between full listings', async () => {
      // Arrange
      const store = arrange();

      // Act
      await pollAt(store, '2026-11-21T07:45:00.000Z', true);

      // Assert
      expect(deadline).not.toHaveReceivedCommand(ListJobsCommand);
      expect(deadline).toHaveReceivedCommandTimes(GetJobCommand, 1);
    });

    it('lists the queue in full once deadline.fullListingMinutes have passed since the last full listing', async () => {
      // Arrange
      const store = arrange();

      // Act
      await pollAt(store, '2026-11-21T08:00:00.000Z', true);
      const listed = deadline.commandCalls(ListJobsCommand).length;
      await pollAt(store, '2026-11-21T08:05:00.000Z', true);

      // Assert: one full listing at 60 minutes, none in the poll after it.
      expect([listed, deadline.commandCalls(ListJobsCommand).length]).toEqual([1, 1]);
      expect(store.cursors.get(`deadline|${QUEUE_ARN}|deadline-job`)?.fullListedAt).toBe('2026-11-21T08:00:00.000Z');
    });

    it("lists every queue in full every cycle when no events arrive (the CLI, or a stack outside Deadline's region)", async () => {
      // Arrange
      const store = arrange();

      // Act
      await pollAt(store, '2026-11-21T07:45:00.000Z', false);

      // Assert
      expect(deadline).toHaveReceivedCommandTimes(ListJobsCommand, 1);
    });
  });
});
