/**
 * Checks Vigil's Deadline Cloud emulator with the REAL `@aws-sdk/client-deadline`
 * client, wired only through `AWS_ENDPOINT_URL_DEADLINE` (plus `disableHostPrefix`),
 * and the EventBridge events it derives from the same scenarios.
 */
import {
  AccessDeniedException,
  DeadlineClient,
  type DeadlineClientConfig,
  GetFarmCommand,
  GetJobCommand,
  GetQueueCommand,
  GetSessionCommand,
  InternalServerErrorException,
  type JobSummary,
  ListFarmsCommand,
  ListJobsCommand,
  ListQueuesCommand,
  ListSessionsCommand,
  paginateListFarms,
  paginateListJobs,
  paginateListQueues,
  paginateListSessions,
  ResourceNotFoundException,
  type SessionSummary,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-deadline';
import {
  type DeadlineEmulatorOptions,
  type DeadlineScenario,
  eventsBetween,
  farmId,
  jobId,
  queueId,
  type ScenarioJob,
  sessionId,
  startDeadlineEmulator,
  syntheticStepId,
  syntheticTaskId,
  TASK_RUN_STATUSES,
  type TaskRunStatusChangeEvent,
} from '../emulators/deadline';
import {
  DEADLINE_DEMO_FAILED_HOST,
  DEADLINE_DEMO_IDS,
  DEADLINE_DEMO_LOG_ERROR,
  DEADLINE_DEMO_STEPS,
  deadlineDemoScenario,
  TWO_SESSION_IDS,
  TWO_SESSION_LOG_ERROR,
  TWO_SESSION_STEPS,
  taskCounts,
  twoSessionJobScenario,
} from '../emulators/deadline/scenarios';
import { burst, collect, LOCAL_CREDENTIALS, rejection, useEmulator as useSdkEmulator } from '../support/emulator-sdk';

const START = new Date('2025-06-01T02:00:00.000Z');
const STEP_MS = 300_000;
const DEMO = DEADLINE_DEMO_IDS;

/** Time of `step` in the demo scenarios. */
const at = (step: number): Date => new Date(START.getTime() + step * STEP_MS);

/** A real client; the endpoint comes only from AWS_ENDPOINT_URL_DEADLINE. */
function deadline(config: Partial<DeadlineClientConfig> = {}): DeadlineClient {
  return new DeadlineClient({
    region: 'us-west-2',
    credentials: LOCAL_CREDENTIALS,
    disableHostPrefix: true,
    ...config,
  });
}

/** Starts an emulator, exports its endpoint, and stops it after the enclosing describe. */
const useEmulator = (options: () => DeadlineEmulatorOptions) =>
  useSdkEmulator(
    { start: startDeadlineEmulator, endpointVariable: 'AWS_ENDPOINT_URL_DEADLINE', client: deadline },
    options,
  );

/** Three farms, three queues in the first, five jobs (steps 0..4) with five sessions in the first job. */
function manyScenario(): DeadlineScenario {
  const jobs: ScenarioJob[] = Array.from({ length: 5 }, (_, i) => ({
    id: jobId(`many/job-${i}`),
    name: `job ${i}`,
    timeline: [{ step: i, taskRunStatus: 'READY' }],
  }));
  (jobs[0] as ScenarioJob).sessions = Array.from({ length: 5 }, (_, i) => ({
    id: sessionId(`many/session-${i}`),
    timeline: [{ step: i % 3, lifecycleStatus: 'STARTED' }],
  }));
  return {
    startTime: START.toISOString(),
    stepSeconds: 300,
    farms: [
      {
        id: farmId('many/farm-0'),
        name: 'farm 0',
        queues: [
          { id: queueId('many/queue-0'), name: 'queue 0', jobs },
          { id: queueId('many/queue-1'), name: 'queue 1', jobs: [] },
          { id: queueId('many/queue-2'), name: 'queue 2', jobs: [] },
        ],
      },
      { id: farmId('many/farm-1'), name: 'farm 1', queues: [] },
      { id: farmId('many/farm-2'), name: 'farm 2', queues: [] },
    ],
  };
}

const MANY = {
  farm: farmId('many/farm-0'),
  queue: queueId('many/queue-0'),
  job: jobId('many/job-0'),
};

describe('wire protocol (raw HTTP)', () => {
  const { emu } = useEmulator(() => ({ scenario: deadlineDemoScenario(START) }));
  const get = (path: string): Promise<Response> => fetch(`${emu().endpoint}${path}`);
  const jobsPath = `/2023-10-12/farms/${DEMO.farm}/queues/${DEMO.queue}/jobs`;

  it('answers restJson1 with ISO-8601 timestamps and no envelope', async () => {
    emu().setStep(0);
    const response = await get(`${jobsPath}/${DEMO.layoutJob}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.jobId).toBe(DEMO.layoutJob);
    expect(body.createdAt).toBe(at(-3).toISOString());
    expect(body.endedAt).toBe(at(-1).toISOString());
  });

  it('sends errors as x-amzn-errortype + status + JSON members', async () => {
    emu().setStep(0);
    const response = await get(`${jobsPath}/${DEMO.lightingJob}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await response.json()).toEqual({
      message: expect.any(String),
      resourceId: DEMO.lightingJob,
      resourceType: 'job',
    });
  });

  it('rejects an unknown route or method with ValidationException UNKNOWN_OPERATION', async () => {
    emu().resetCalls();
    const unknown = await get('/2023-10-12/farms/x/fleets');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(await unknown.json()).toMatchObject({ reason: 'UNKNOWN_OPERATION' });
    const wrongMethod = await fetch(`${emu().endpoint}${jobsPath}`, { method: 'POST', body: '{}' });
    expect(wrongMethod.status).toBe(400);
    expect(emu().callLog.map((c) => [c.operation, c.method, c.status])).toEqual([
      ['<unknown>', 'GET', 400],
      ['<unknown>', 'POST', 400],
    ]);
  });
});

describe('SDK endpoint wiring', () => {
  const { emu, client } = useEmulator(() => ({ scenario: deadlineDemoScenario(START) }));

  it('without disableHostPrefix the SDK targets management.<endpoint host>', async () => {
    const prefixed = deadline({ disableHostPrefix: false, maxAttempts: 1 });
    let hostname: string | undefined;
    prefixed.middlewareStack.add(
      () => async (args) => {
        hostname = (args.request as { hostname?: string }).hostname;
        throw new Error('captured');
      },
      { step: 'finalizeRequest', name: 'captureHost' },
    );
    emu().resetCalls();
    const error = await rejection(prefixed.send(new ListFarmsCommand({})));
    prefixed.destroy();
    expect(error.message).toBe('captured');
    expect(hostname).toBe('management.127.0.0.1');
    expect(emu().callLog).toEqual([]);
  });

  it('records the SigV4 signing region, whatever region the client is in', async () => {
    const europe = deadline({ region: 'eu-west-1' });
    emu().resetCalls();
    await client().send(new ListFarmsCommand({}));
    await europe.send(new ListFarmsCommand({}));
    europe.destroy();
    expect(emu().callLog.map((c) => c.signingRegion)).toEqual(['us-west-2', 'eu-west-1']);
  });
});

describe('demo scenario through the real SDK', () => {
  const { emu, client } = useEmulator(() => ({ scenario: deadlineDemoScenario(START) }));
  const queueIds = { farmId: DEMO.farm, queueId: DEMO.queue };
  const listJobs = async (): Promise<JobSummary[]> =>
    (await collect(paginateListJobs({ client: client() }, queueIds), (page) => page.jobs)).items;
  const listSessions = async (job: string): Promise<SessionSummary[]> =>
    (await collect(paginateListSessions({ client: client() }, { ...queueIds, jobId: job }), (page) => page.sessions))
      .items;

  it('farm and queue exist at every step, with dates', async () => {
    emu().setStep(0);
    const { farms } = await client().send(new ListFarmsCommand({}));
    expect(farms).toEqual([
      {
        farmId: DEMO.farm,
        displayName: 'studio-farm',
        createdAt: new Date(START.getTime() - 30 * 24 * 3600 * 1000),
        createdBy: 'arn:aws:sts::123456789012:assumed-role/DeadlineAdmin/admin',
      },
    ]);
    const farm = await client().send(new GetFarmCommand({ farmId: DEMO.farm }));
    expect(farm).toMatchObject({
      farmId: DEMO.farm,
      displayName: 'studio-farm',
      costScaleFactor: 1,
      description: 'Render farm of the Vigil demo studio',
    });
    expect(farm.createdAt).toBeInstanceOf(Date);

    const { queues } = await client().send(new ListQueuesCommand({ farmId: DEMO.farm }));
    expect(queues).toHaveLength(1);
    expect(queues?.[0]).toMatchObject({ queueId: DEMO.queue, displayName: 'renders', status: 'IDLE' });
    const queue = await client().send(new GetQueueCommand(queueIds));
    expect(queue).toMatchObject({ farmId: DEMO.farm, queueId: DEMO.queue, defaultBudgetAction: 'NONE' });
    expect(queue.createdAt).toBeInstanceOf(Date);
  });

  it('step 0: only the finished layout job exists', async () => {
    emu().setStep(0);
    const jobs = await listJobs();
    expect(jobs).toHaveLength(1);
    const layout = jobs[0] as JobSummary;
    expect(layout).toMatchObject({
      jobId: DEMO.layoutJob,
      name: 'shot-000-layout',
      lifecycleStatus: 'CREATE_COMPLETE',
      taskRunStatus: 'SUCCEEDED',
      priority: 50,
      taskRunStatusCounts: taskCounts({ SUCCEEDED: 8 }),
    });
    expect(layout.createdAt).toEqual(at(-3));
    expect(layout.startedAt).toEqual(at(-2.5));
    expect(layout.endedAt).toEqual(at(-1));

    const notYet = await rejection(client().send(new GetJobCommand({ ...queueIds, jobId: DEMO.lightingJob })));
    expect(notYet).toBeInstanceOf(ResourceNotFoundException);
    expect(notYet.$metadata?.httpStatusCode).toBe(404);
    expect((notYet as ResourceNotFoundException).resourceId).toBe(DEMO.lightingJob);
    const noSessions = await rejection(client().send(new ListSessionsCommand({ ...queueIds, jobId: DEMO.compJob })));
    expect(noSessions).toBeInstanceOf(ResourceNotFoundException);
  });

  it('step 1: lighting PENDING and comp READY, newest first, not started; the queue is SCHEDULING', async () => {
    emu().setStep(1);
    expect(emu().now()).toEqual(at(1));
    const jobs = await listJobs();
    // Same creation step: reverse scenario order, then the older layout job.
    expect(jobs.map((j) => [j.name, j.taskRunStatus])).toEqual([
      ['shot-020-comp', 'READY'],
      ['shot-010-lighting', 'PENDING'],
      ['shot-000-layout', 'SUCCEEDED'],
    ]);
    const lighting = jobs[1] as JobSummary;
    expect(lighting.createdAt).toEqual(at(1));
    expect(lighting.priority).toBe(75);
    expect(lighting.taskRunStatusCounts).toEqual(taskCounts({ PENDING: 48 }));
    expect(lighting).not.toHaveProperty('startedAt');
    expect(lighting).not.toHaveProperty('endedAt');
    expect(await listSessions(DEMO.lightingJob)).toEqual([]);
    const queue = await client().send(new GetQueueCommand(queueIds));
    expect(queue.status).toBe('SCHEDULING');
  });

  it('step 2: both jobs RUNNING with sessions STARTED and no log errors', async () => {
    emu().setStep(2);
    const lighting = await client().send(new GetJobCommand({ ...queueIds, jobId: DEMO.lightingJob }));
    expect(lighting).toMatchObject({
      taskRunStatus: 'RUNNING',
      description: 'Lighting pass, 48 frames',
      taskRunStatusCounts: taskCounts({ READY: 24, RUNNING: 8, SUCCEEDED: 16 }),
      taskFailureRetryCount: 0,
      maxFailedTasksCount: 100,
      maxRetriesPerTask: 5,
    });
    expect(lighting.startedAt).toEqual(at(2));
    expect(lighting).not.toHaveProperty('endedAt');

    const sessions = await listSessions(DEMO.compJob);
    expect(sessions.map((s) => [s.sessionId, s.lifecycleStatus])).toEqual([
      [DEMO.compFailedSession, 'STARTED'],
      [DEMO.compSession, 'STARTED'],
    ]);
    const started = await client().send(
      new GetSessionCommand({ ...queueIds, jobId: DEMO.compJob, sessionId: DEMO.compFailedSession }),
    );
    expect(started.startedAt).toEqual(at(2));
    expect(started.log?.error).toBeUndefined();
    expect(started).not.toHaveProperty('endedAt');
    expect(started).not.toHaveProperty('updatedAt');
  });

  it('step 3: lighting SUCCEEDED, comp FAILED with 12 of 40 tasks failed', async () => {
    emu().setStep(3);
    const jobs = await listJobs();
    const byName = Object.fromEntries(jobs.map((j) => [j.name, j]));
    expect(byName['shot-010-lighting']).toMatchObject({ taskRunStatus: 'SUCCEEDED', endedAt: at(3) });
    expect(byName['shot-020-comp']).toMatchObject({
      taskRunStatus: 'FAILED',
      taskRunStatusCounts: taskCounts({ SUCCEEDED: 28, FAILED: 12 }),
      taskFailureRetryCount: 24,
      startedAt: at(2),
      endedAt: at(3),
    });
    const queue = await client().send(new GetQueueCommand(queueIds));
    expect(queue.status).toBe('IDLE');
  });

  it('step 3: GetSession returns the full shape of the failed session, log error included', async () => {
    emu().setStep(3);
    const session = await client().send(
      new GetSessionCommand({ ...queueIds, jobId: DEMO.compJob, sessionId: DEMO.compFailedSession }),
    );
    const { $metadata, ...body } = session;
    expect($metadata.httpStatusCode).toBe(200);
    expect(body).toEqual({
      sessionId: DEMO.compFailedSession,
      fleetId: DEMO.fleet,
      workerId: DEMO.compFailedWorker,
      startedAt: at(2),
      lifecycleStatus: 'UPDATE_FAILED',
      targetLifecycleStatus: 'ENDED',
      updatedAt: at(3),
      updatedBy: DEMO.compFailedWorker,
      log: {
        logDriver: 'awslogs',
        options: { logGroupName: `/aws/deadline/${DEMO.farm}/${DEMO.queue}`, logStreamName: DEMO.compFailedSession },
        parameters: { interval: '15' },
        error: DEADLINE_DEMO_LOG_ERROR,
      },
      workerLog: {
        logDriver: 'awslogs',
        options: { logGroupName: `/aws/deadline/${DEMO.farm}/${DEMO.fleet}`, logStreamName: DEMO.compFailedWorker },
        parameters: { interval: '15' },
      },
      hostProperties: {
        hostName: DEADLINE_DEMO_FAILED_HOST.hostName,
        ec2InstanceType: 'c5.4xlarge',
        ec2InstanceArn: expect.stringMatching(/^arn:aws:ec2:us-west-2:123456789012:instance\/i-[0-9a-f]{17}$/),
        ipAddresses: { ipV4Addresses: [expect.stringMatching(/^10\.0\.\d+\.\d+$/)] },
      },
    });
    expect(DEADLINE_DEMO_LOG_ERROR).toMatch(
      /^Failed to create log stream \/aws\/deadline\/farm-[0-9a-f]{32}\/queue-[0-9a-f]{32}: AccessDeniedException$/,
    );

    const ended = await client().send(
      new GetSessionCommand({ ...queueIds, jobId: DEMO.compJob, sessionId: DEMO.compSession }),
    );
    expect(ended).toMatchObject({ lifecycleStatus: 'ENDED', endedAt: at(3), updatedAt: at(3) });
    expect(ended.log?.error).toBeUndefined();
    expect(ended).not.toHaveProperty('hostProperties');
  });

  it('GetSession of a session that does not exist yet is ResourceNotFoundException', async () => {
    emu().setStep(1);
    const error = await rejection(
      client().send(new GetSessionCommand({ ...queueIds, jobId: DEMO.compJob, sessionId: DEMO.compSession })),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as ResourceNotFoundException).resourceType).toBe('session');
  });

  it('a malformed id is a ValidationException naming the field', async () => {
    const error = await rejection(client().send(new GetFarmCommand({ farmId: 'farm-nope' })));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect((error as ValidationException).reason).toBe('FIELD_VALIDATION_FAILED');
    expect((error as ValidationException).fieldList?.[0]?.name).toBe('farmId');
    const unknownFarm = await rejection(client().send(new GetFarmCommand({ farmId: farmId('nowhere') })));
    expect(unknownFarm).toBeInstanceOf(ResourceNotFoundException);
  });

  it('nothing changes after step 3', async () => {
    emu().setStep(3);
    const before = await listJobs();
    emu().setStep(DEADLINE_DEMO_STEPS - 1);
    expect(await listJobs()).toEqual(before);
  });
});

describe('pagination', () => {
  const { emu, client } = useEmulator(() => ({ scenario: manyScenario(), pageSize: 2 }));

  beforeEach(() => {
    emu().setStep(10);
    emu().resetCalls();
  });

  it('paginateListFarms and paginateListQueues walk every page in scenario order', async () => {
    const farms = await collect(paginateListFarms({ client: client() }, {}), (p) => p.farms);
    expect(farms.pages).toBe(2);
    expect(farms.items.map((f) => f.displayName)).toEqual(['farm 0', 'farm 1', 'farm 2']);
    const queues = await collect(paginateListQueues({ client: client() }, { farmId: MANY.farm }), (p) => p.queues);
    expect(queues.pages).toBe(2);
    expect(queues.items.map((q) => q.displayName)).toEqual(['queue 0', 'queue 1', 'queue 2']);
    expect(emu().calls).toEqual({ ListFarms: 2, ListQueues: 2 });
  });

  it('paginateListJobs walks every page newest first, sending nextToken as a query parameter', async () => {
    const { items, pages } = await collect(
      paginateListJobs({ client: client() }, { farmId: MANY.farm, queueId: MANY.queue }),
      (p) => p.jobs,
    );
    expect(pages).toBe(3);
    expect(items.map((j) => j.name)).toEqual(['job 4', 'job 3', 'job 2', 'job 1', 'job 0']);
    const tokens = emu().callLog.map((c) => c.query.nextToken);
    expect(tokens[0]).toBeUndefined();
    expect(new Set(tokens.slice(1)).size).toBe(2);
    expect(emu().callLog.every((c) => c.method === 'GET' && c.operation === 'ListJobs')).toBe(true);
  });

  it('the paginator pageSize becomes maxResults and shrinks the page', async () => {
    const { items, pages } = await collect(
      paginateListSessions(
        { client: client(), pageSize: 1 },
        { farmId: MANY.farm, queueId: MANY.queue, jobId: MANY.job },
      ),
      (p) => p.sessions,
    );
    expect(pages).toBe(5);
    // started at steps 0,1,2,0,1: newest first, ties in reverse scenario order.
    expect(items.map((s) => s.sessionId)).toEqual([2, 4, 1, 3, 0].map((i) => sessionId(`many/session-${i}`)));
    expect(emu().callLog[0]?.input).toEqual({ farmId: MANY.farm, queueId: MANY.queue, jobId: MANY.job, maxResults: 1 });
    expect(emu().callLog[0]?.path).toBe(
      `/2023-10-12/farms/${MANY.farm}/queues/${MANY.queue}/jobs/${MANY.job}/sessions`,
    );
  });

  it('hides jobs that do not exist yet', async () => {
    emu().setStep(1);
    const { jobs } = await client().send(new ListJobsCommand({ farmId: MANY.farm, queueId: MANY.queue }));
    expect(jobs?.map((j) => j.name)).toEqual(['job 1', 'job 0']);
  });

  it('rejects a token from another list and an out-of-range maxResults with ValidationException', async () => {
    const { nextToken } = await client().send(new ListFarmsCommand({}));
    expect(nextToken).toBeDefined();
    const replayed = await rejection(client().send(new ListQueuesCommand({ farmId: MANY.farm, nextToken })));
    expect(replayed).toBeInstanceOf(ValidationException);
    const tooMany = await rejection(client().send(new ListFarmsCommand({ maxResults: 101 })));
    expect(tooMany).toBeInstanceOf(ValidationException);
    expect((tooMany as ValidationException).fieldList?.[0]?.name).toBe('maxResults');
  });
});

describe('timeline semantics, open enums and absent fields', () => {
  const farm = farmId('timeline/farm');
  const queue = queueId('timeline/queue');
  const job = jobId('timeline/job');
  const bare = sessionId('timeline/bare');
  const ids = { farmId: farm, queueId: queue, jobId: job };
  const { emu, client } = useEmulator(() => ({
    scenario: {
      region: 'eu-west-1',
      startTime: START.toISOString(),
      stepSeconds: 60,
      farms: [
        {
          id: farm,
          name: 'timeline',
          queues: [
            {
              id: queue,
              name: 'q',
              jobs: [
                {
                  id: job,
                  name: 'late job',
                  // Deliberately unsorted: the emulator sorts by step.
                  timeline: [
                    { step: 5, taskRunStatus: 'SUCCEEDED' },
                    { step: 2, taskRunStatus: 'QUANTUM_QUEUED', lifecycleStatus: 'TELEPORTING' },
                    { step: 3, taskRunStatus: 'RUNNING' },
                    { step: 4, taskRunStatus: 'RUNNING', targetTaskRunStatus: 'SUSPENDED' },
                  ],
                  sessions: [
                    {
                      id: bare,
                      timeline: [
                        { step: 3, lifecycleStatus: 'STARTED' },
                        { step: 4, lifecycleStatus: 'HIBERNATING', workerLogError: 'worker log group missing' },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  }));
  const atMinute = (step: number): Date => new Date(START.getTime() + step * 60_000);

  it('GetJob is ResourceNotFoundException before the first entry, and again after stepping back', async () => {
    emu().setStep(1);
    expect(await rejection(client().send(new GetJobCommand(ids)))).toBeInstanceOf(ResourceNotFoundException);
    emu().setStep(2);
    await expect(client().send(new GetJobCommand(ids))).resolves.toBeDefined();
    emu().setStep(1);
    expect(await rejection(client().send(new GetJobCommand(ids)))).toBeInstanceOf(ResourceNotFoundException);
  });

  it('passes unknown statuses through and leaves absent optional fields absent', async () => {
    emu().setStep(2);
    const output = await client().send(new GetJobCommand(ids));
    expect(output).toMatchObject({
      taskRunStatus: 'QUANTUM_QUEUED',
      lifecycleStatus: 'TELEPORTING',
      lifecycleStatusMessage: 'TELEPORTING',
      priority: 50,
      createdAt: atMinute(2),
    });
    for (const field of [
      'startedAt',
      'endedAt',
      'updatedAt',
      'updatedBy',
      'targetTaskRunStatus',
      'taskRunStatusCounts',
      'taskFailureRetryCount',
      'maxFailedTasksCount',
      'maxRetriesPerTask',
      'description',
    ]) {
      expect(output).not.toHaveProperty(field);
    }
  });

  it('fixes startedAt at the first RUNNING entry and endedAt at the first terminal entry', async () => {
    emu().setStep(4);
    const running = await client().send(new GetJobCommand(ids));
    expect(running).toMatchObject({
      taskRunStatus: 'RUNNING',
      lifecycleStatus: 'CREATE_COMPLETE',
      startedAt: atMinute(3),
      targetTaskRunStatus: 'SUSPENDED',
      // A target status comes from an UpdateJob call: the job was updated then.
      updatedAt: atMinute(4),
    });
    emu().advance();
    expect(emu().step).toBe(5);
    const done = await client().send(new GetJobCommand(ids));
    expect(done).toMatchObject({ taskRunStatus: 'SUCCEEDED', startedAt: atMinute(3), endedAt: atMinute(5) });
    expect(done).not.toHaveProperty('targetTaskRunStatus');
  });

  it('a session without worker, fleet or host omits them; log is always there', async () => {
    emu().setStep(4);
    const { sessions } = await client().send(new ListSessionsCommand(ids));
    expect(sessions).toEqual([
      { sessionId: bare, startedAt: atMinute(3), lifecycleStatus: 'HIBERNATING', updatedAt: atMinute(4) },
    ]);
    const session = await client().send(new GetSessionCommand({ ...ids, sessionId: bare }));
    expect(session.lifecycleStatus).toBe('HIBERNATING');
    expect(session.log).toMatchObject({ logDriver: 'awslogs' });
    expect(session.log).not.toHaveProperty('error');
    expect(session.workerLog?.error).toBe('worker log group missing');
    for (const field of ['fleetId', 'workerId', 'updatedBy', 'endedAt', 'hostProperties', 'targetLifecycleStatus']) {
      expect(session).not.toHaveProperty(field);
    }
  });
});

describe('faults', () => {
  const { emu, client } = useEmulator(() => ({ scenario: manyScenario(), pageSize: 2 }));
  const jobIds = { farmId: MANY.farm, queueId: MANY.queue, jobId: MANY.job };

  beforeEach(() => {
    emu().setStep(10);
    emu().clearFaults();
    emu().resetCalls();
  });

  it('an injected ThrottlingException (429) is retried by the SDK and visible in the call log', async () => {
    emu().inject({ operation: 'GetJob', times: 1, fault: 'throttle' });
    const output = await client().send(new GetJobCommand(jobIds));
    expect(output.name).toBe('job 0');
    expect(output.$metadata.attempts).toBe(2);
    expect(emu().callLog.map((c) => [c.operation, c.status])).toEqual([
      ['GetJob', 429],
      ['GetJob', 200],
    ]);
  });

  it('with maxAttempts 1 the throttle surfaces as ThrottlingException with Retry-After mapped', async () => {
    const once = deadline({ maxAttempts: 1 });
    emu().inject({ times: 1, fault: 'throttle', retryAfterSeconds: 7 });
    const error = await rejection(once.send(new GetJobCommand(jobIds)));
    once.destroy();
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error.$metadata?.httpStatusCode).toBe(429);
    expect((error as ThrottlingException).retryAfterSeconds).toBe(7);
    expect(emu().calls.GetJob).toBe(1);
  });

  it('a server error (500 and 503) is retried; alone it surfaces as InternalServerErrorException', async () => {
    emu().inject({ operation: 'ListJobs', times: 1, fault: 'server-error' });
    emu().inject({ operation: 'ListJobs', times: 1, fault: 'server-error', status: 503 });
    const { jobs } = await client().send(new ListJobsCommand({ farmId: MANY.farm, queueId: MANY.queue }));
    expect(jobs).toHaveLength(2);
    expect(emu().callLog.map((c) => c.status)).toEqual([500, 503, 200]);

    const once = deadline({ maxAttempts: 1 });
    emu().inject({ times: 1, fault: 'server-error' });
    const error = await rejection(once.send(new ListJobsCommand({ farmId: MANY.farm, queueId: MANY.queue })));
    once.destroy();
    expect(error).toBeInstanceOf(InternalServerErrorException);
    expect(error.$metadata?.httpStatusCode).toBe(500);
  });

  it('AccessDeniedException (403) is not retried', async () => {
    emu().inject({ operation: 'GetJob', times: 1, fault: 'access-denied' });
    const error = await rejection(client().send(new GetJobCommand(jobIds)));
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.$metadata?.attempts).toBe(1);
    expect(emu().calls.GetJob).toBe(1);
  });

  it("'empty-page' yields an empty page whose token continues to the real first page", async () => {
    emu().inject({ operation: 'ListJobs', times: 1, fault: 'empty-page' });
    const pageSizes: number[] = [];
    const names: string[] = [];
    for await (const page of paginateListJobs({ client: client() }, { farmId: MANY.farm, queueId: MANY.queue })) {
      pageSizes.push(page.jobs?.length ?? 0);
      names.push(...(page.jobs ?? []).map((j) => j.name ?? '?'));
    }
    expect(pageSizes).toEqual([0, 2, 2, 1]);
    expect(names).toEqual(['job 4', 'job 3', 'job 2', 'job 1', 'job 0']);
  });

  it("'empty-page' is not consumed by Get operations", async () => {
    emu().inject({ times: 1, fault: 'empty-page' });
    await client().send(new GetJobCommand(jobIds));
    const { jobs, nextToken } = await client().send(new ListJobsCommand({ farmId: MANY.farm, queueId: MANY.queue }));
    expect(jobs).toEqual([]);
    expect(nextToken).toBeDefined();
  });

  it("'slow' delays the reply", async () => {
    emu().inject({ operation: 'GetJob', times: 1, fault: 'slow', delayMs: 300 });
    const started = performance.now();
    await client().send(new GetJobCommand(jobIds));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe('rate limit and latency', () => {
  const { emu } = useEmulator(() => ({ scenario: manyScenario(), rateLimitPerSecond: 3, latencyMs: 20 }));

  it('calls over rateLimitPerSecond get ThrottlingException', async () => {
    const once = deadline({ maxAttempts: 1 });
    const { rejected, fulfilled, elapsedMs } = await burst(8, () => once.send(new ListFarmsCommand({})));
    once.destroy();
    expect(rejected.length).toBeGreaterThanOrEqual(4);
    for (const reason of rejected) expect(reason).toBeInstanceOf(ThrottlingException);
    expect(fulfilled).toBeGreaterThanOrEqual(3);
    expect(emu().callLog.filter((c) => c.status === 429).length).toBe(rejected.length);
    expect(elapsedMs).toBeGreaterThanOrEqual(20);
  });
});

describe('twoSessionJobScenario', () => {
  const { emu, client } = useEmulator(() => ({ scenario: twoSessionJobScenario(START) }));
  const ids = TWO_SESSION_IDS;
  const jobIds = { farmId: ids.farm, queueId: ids.queue, jobId: ids.job };

  it('is empty at step 0, RUNNING with two sessions at 1, FAILED with one failed session at 2', async () => {
    emu().setStep(0);
    expect((await client().send(new ListJobsCommand({ farmId: ids.farm, queueId: ids.queue }))).jobs).toEqual([]);

    emu().setStep(1);
    expect((await client().send(new GetJobCommand(jobIds))).taskRunStatus).toBe('RUNNING');
    const startedSessions = (await client().send(new ListSessionsCommand(jobIds))).sessions ?? [];
    expect(startedSessions.map((s) => s.lifecycleStatus)).toEqual(['STARTED', 'STARTED']);

    emu().setStep(TWO_SESSION_STEPS - 1);
    const failed = await client().send(new GetJobCommand(jobIds));
    expect(failed).toMatchObject({
      taskRunStatus: 'FAILED',
      endedAt: at(2),
      taskRunStatusCounts: taskCounts({ SUCCEEDED: 7, FAILED: 3 }),
    });
    const ended = await client().send(new GetSessionCommand({ ...jobIds, sessionId: ids.endedSession }));
    expect(ended).toMatchObject({ lifecycleStatus: 'ENDED', endedAt: at(2), workerId: ids.endedWorker });
    expect(ended.log?.error).toBeUndefined();
    const broken = await client().send(new GetSessionCommand({ ...jobIds, sessionId: ids.failedSession }));
    expect(broken).toMatchObject({
      lifecycleStatus: 'UPDATE_FAILED',
      fleetId: ids.fleet,
      workerId: ids.failedWorker,
      log: { error: TWO_SESSION_LOG_ERROR },
      hostProperties: { ec2InstanceType: 'm5.2xlarge' },
    });
    expect(broken).not.toHaveProperty('endedAt');
  });
});

describe('eventsBetween', () => {
  const demo = deadlineDemoScenario(START);
  const { emu, client } = useEmulator(() => ({ scenario: demo }));
  const env = { account: '111122223333', region: 'us-west-2' };
  const base = { farmId: DEMO.farm, queueId: DEMO.queue };
  const envelope = (time: Date) => ({
    version: '0',
    id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/),
    source: 'aws.deadline',
    account: '111122223333',
    time: time.toISOString().replace('.000Z', 'Z'),
    region: 'us-west-2',
    resources: [],
  });

  it('emits creation events at step 1 without previous statuses, in the documented shape', () => {
    const events = eventsBetween(demo, 0, 1, env);
    expect(events).toEqual([
      {
        ...envelope(at(1)),
        'detail-type': 'Job Lifecycle Status Change',
        detail: { ...base, jobId: DEMO.lightingJob, lifecycleStatus: 'CREATE_COMPLETE' },
      },
      {
        ...envelope(at(1)),
        'detail-type': 'Job Run Status Change',
        detail: {
          ...base,
          jobId: DEMO.lightingJob,
          taskRunStatus: 'PENDING',
          taskRunStatusCounts: taskCounts({ PENDING: 48 }),
        },
      },
      {
        ...envelope(at(1)),
        'detail-type': 'Job Lifecycle Status Change',
        detail: { ...base, jobId: DEMO.compJob, lifecycleStatus: 'CREATE_COMPLETE' },
      },
      {
        ...envelope(at(1)),
        'detail-type': 'Job Run Status Change',
        detail: {
          ...base,
          jobId: DEMO.compJob,
          taskRunStatus: 'READY',
          taskRunStatusCounts: taskCounts({ READY: 40 }),
        },
      },
    ]);
    expect(Object.keys(events[1]?.detail ?? {})).toEqual([
      'farmId',
      'queueId',
      'jobId',
      'taskRunStatus',
      'taskRunStatusCounts',
    ]);
  });

  it('emits 12 Task Run Status Change FAILED events then the job FAILED between steps 2 and 3', () => {
    const events = eventsBetween(demo, 2, 3, env);
    const comp = events.filter((e) => e.detail.jobId === DEMO.compJob);
    const tasks = comp.filter((e): e is TaskRunStatusChangeEvent => e['detail-type'] === 'Task Run Status Change');
    expect(tasks).toHaveLength(12);
    expect(tasks[0]).toEqual({
      ...envelope(at(3)),
      'detail-type': 'Task Run Status Change',
      detail: {
        ...base,
        jobId: DEMO.compJob,
        stepId: syntheticStepId(DEMO.compJob),
        taskId: syntheticTaskId(DEMO.compJob, 0),
        previousRunStatus: 'RUNNING',
        runStatus: 'FAILED',
      },
    });
    expect(tasks[0]?.detail.stepId).toMatch(/^step-[0-9a-f]{32}$/);
    expect(new Set(tasks.map((t) => t.detail.taskId)).size).toBe(12);
    expect(tasks.every((t) => /^task-[0-9a-f]{32}-\d+$/.test(t.detail.taskId))).toBe(true);
    expect(comp.at(-1)).toEqual({
      ...envelope(at(3)),
      'detail-type': 'Job Run Status Change',
      detail: {
        ...base,
        jobId: DEMO.compJob,
        previousTaskRunStatus: 'RUNNING',
        taskRunStatus: 'FAILED',
        taskRunStatusCounts: taskCounts({ SUCCEEDED: 28, FAILED: 12 }),
      },
    });
    const lighting = events.filter((e) => e.detail.jobId === DEMO.lightingJob);
    expect(lighting.map((e) => [e['detail-type'], e.detail])).toEqual([
      [
        'Job Run Status Change',
        {
          ...base,
          jobId: DEMO.lightingJob,
          previousTaskRunStatus: 'RUNNING',
          taskRunStatus: 'SUCCEEDED',
          taskRunStatusCounts: taskCounts({ SUCCEEDED: 48 }),
        },
      ],
    ]);
    // No lifecycle change after creation: no lifecycle events.
    expect(events.some((e) => e['detail-type'] === 'Job Lifecycle Status Change')).toBe(false);
  });

  it('never emits for the baseline job and nothing after step 3', () => {
    const all = eventsBetween(demo, 0, DEADLINE_DEMO_STEPS - 1, env);
    expect(all.some((e) => e.detail.jobId === DEMO.layoutJob)).toBe(false);
    expect(all).toHaveLength(4 + 2 + 12 + 2);
    expect(eventsBetween(demo, 3, DEADLINE_DEMO_STEPS - 1, env)).toEqual([]);
    expect(eventsBetween(demo, 2, 2, env)).toEqual([]);
  });

  it('is deterministic and defaults account and region to the scenario', () => {
    expect(eventsBetween(demo, 0, 4, env)).toEqual(eventsBetween(demo, 0, 4, env));
    const defaults = eventsBetween({ ...demo, region: 'eu-central-1' }, 0, 1);
    expect(defaults[0]).toMatchObject({ account: '123456789012', region: 'eu-central-1' });
    expect(Object.keys(defaults[0]?.detail ?? {})).toEqual(['farmId', 'queueId', 'jobId', 'lifecycleStatus']);
  });

  it('agrees with what the API shows at each step', async () => {
    let checked = 0;
    for (let step = 1; step < DEADLINE_DEMO_STEPS; step += 1) {
      emu().setStep(step);
      const { jobs } = await client().send(new ListJobsCommand({ farmId: DEMO.farm, queueId: DEMO.queue }));
      for (const event of eventsBetween(demo, step - 1, step, env)) {
        if (event['detail-type'] !== 'Job Run Status Change') continue;
        const job = jobs?.find((j) => j.jobId === event.detail.jobId);
        expect([step, job?.taskRunStatus, job?.taskRunStatusCounts]).toEqual([
          step,
          event.detail.taskRunStatus,
          event.detail.taskRunStatusCounts,
        ]);
        checked += 1;
      }
    }
    expect(checked).toBe(6);
  });

  it('twoSessionJobScenario: 3 failed tasks and the job FAILED at step 2', () => {
    const events = eventsBetween(twoSessionJobScenario(START), 1, 2);
    expect(events.map((e) => e['detail-type'])).toEqual([
      'Task Run Status Change',
      'Task Run Status Change',
      'Task Run Status Change',
      'Job Run Status Change',
    ]);
    const jobEvent = events[3];
    if (jobEvent?.['detail-type'] !== 'Job Run Status Change') throw new Error('expected a Job Run Status Change');
    expect(jobEvent.detail).toMatchObject({ previousTaskRunStatus: 'RUNNING', taskRunStatus: 'FAILED' });
    expect(Object.keys(jobEvent.detail.taskRunStatusCounts)).toEqual([...TASK_RUN_STATUSES]);
  });
});
