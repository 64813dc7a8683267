/**
 * Checks Vigil's Device Farm emulator with the REAL `@aws-sdk/client-device-farm`
 * client, wired only through `AWS_ENDPOINT_URL_DEVICE_FARM`, plus a smoke test of the
 * DynamoDB Local and fauxqs services started by global-setup.
 */
import {
  ArgumentException,
  type BillingMethod,
  CreateRemoteAccessSessionCommand,
  DeviceFarmClient,
  type DeviceFarmClientConfig,
  type DeviceFilterAttribute,
  GetDeviceCommand,
  GetJobCommand,
  GetRemoteAccessSessionCommand,
  GetRunCommand,
  GetTestGridSessionCommand,
  LimitExceededException,
  ListDevicesCommand,
  type ListDevicesCommandInput,
  ListJobsCommand,
  ListProjectsCommand,
  ListRemoteAccessSessionsCommand,
  type ListRemoteAccessSessionsCommandOutput,
  ListRunsCommand,
  ListTestGridProjectsCommand,
  type ListTestGridSessionsCommandInput,
  ListUniqueProblemsCommand,
  NotFoundException,
  paginateListDevices,
  paginateListJobs,
  paginateListRuns,
  paginateListTestGridSessions,
  paginateListUniqueProblems,
  type RemoteAccessSession,
  type RuleOperator,
  type Run,
  StopRemoteAccessSessionCommand,
  type TestGridSession,
} from '@aws-sdk/client-device-farm';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  ArnBuilder,
  DEFAULT_ACCOUNT_ID,
  type DeviceFarmEmulatorOptions,
  type DeviceFarmScenario,
  deviceArn,
  type ScenarioRun,
  type StateAt,
  startDeviceFarmEmulator,
} from '../emulators/device-farm';
import {
  DEMO_DEVICES,
  DEMO_IDS,
  DEMO_STEPS,
  demoScenario,
  FOUR_JOB_IDS,
  FOUR_JOB_STEPS,
  fourJobRunScenario,
} from '../emulators/device-farm/scenarios/demo';
import { burst, collect, LOCAL_CREDENTIALS, rejection, useEmulator as useSdkEmulator } from '../support/emulator-sdk';

const START = new Date('2025-06-01T02:00:00.000Z');
const STEP_MS = 300_000;
const arns = new ArnBuilder(DEFAULT_ACCOUNT_ID);

/** Time of `step` in the demo scenarios. */
const at = (step: number): Date => new Date(START.getTime() + step * STEP_MS);

/** A real client; the endpoint comes only from AWS_ENDPOINT_URL_DEVICE_FARM. */
function deviceFarm(config: Partial<DeviceFarmClientConfig> = {}): DeviceFarmClient {
  return new DeviceFarmClient({ region: 'us-west-2', credentials: LOCAL_CREDENTIALS, ...config });
}

/** Starts an emulator, exports its endpoint, and stops it after the enclosing describe. */
const useEmulator = (options: () => DeviceFarmEmulatorOptions) =>
  useSdkEmulator(
    { start: startDeviceFarmEmulator, endpointVariable: 'AWS_ENDPOINT_URL_DEVICE_FARM', client: deviceFarm },
    options,
  );

/** `count` runs created at steps 0..count-1, optionally with jobs and sessions, for pagination. */
function manyScenario(count: number): DeviceFarmScenario {
  const runs: ScenarioRun[] = Array.from({ length: count }, (_, i) => ({
    id: `run-${i}`,
    name: `run ${i}`,
    timeline: [{ step: i, status: 'RUNNING' }],
  }));
  const device = { name: 'Google Pixel 8', platform: 'ANDROID', os: '14' } as const;
  (runs[0] as ScenarioRun).jobs = Array.from({ length: 5 }, (_, i) => ({
    id: String(i).padStart(5, '0'),
    name: `job ${i}`,
    device,
    timeline: [{ step: 0, status: 'RUNNING' }],
  }));
  return {
    startTime: START.toISOString(),
    stepSeconds: 300,
    projects: [
      {
        id: 'proj-many',
        name: 'many',
        runs,
        remoteAccessSessions: Array.from({ length: 5 }, (_, i) => ({
          id: `ras-${i}`,
          name: `session ${i}`,
          device,
          timeline: [{ step: i % 3, status: 'RUNNING' }],
        })),
      },
    ],
  };
}

describe('wire protocol (raw HTTP)', () => {
  const { emu } = useEmulator(() => ({ scenario: demoScenario(START) }));

  const post = (target: string, body: unknown): Promise<Response> =>
    fetch(`${emu().endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
      body: JSON.stringify(body),
    });

  it('answers awsJson1_1 with epoch-second timestamps', async () => {
    const response = await post('DeviceFarm_20150623.ListRuns', { arn: arns.project(DEMO_IDS.project) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    const body = (await response.json()) as { runs: Array<Record<string, unknown>> };
    expect(body.runs).toHaveLength(1);
    const [run] = body.runs;
    expect(typeof run?.created).toBe('number');
    expect(run?.stopped).toBe(START.getTime() / 1000 - 2 * 300);
  });

  it('rejects an unknown operation with UnknownOperationException', async () => {
    const response = await post('DeviceFarm_20150623.ScheduleRun', {});
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await response.json()).toEqual(expect.objectContaining({ __type: 'UnknownOperationException' }));
    expect(emu().calls.ScheduleRun).toBe(1);
  });
});

describe('demo scenario through the real SDK', () => {
  const { emu, client } = useEmulator(() => ({ scenario: demoScenario(START) }));
  const nightlyArn = arns.run(DEMO_IDS.project, DEMO_IDS.nightlyRun);
  const projectArn = arns.project(DEMO_IDS.project);
  const jobArn = (id: string): string => arns.job(DEMO_IDS.project, DEMO_IDS.nightlyRun, id);

  it('step 0: only the finished release run exists', async () => {
    emu().setStep(0);
    const { projects } = await client().send(new ListProjectsCommand({}));
    expect(projects?.map((p) => p.name)).toEqual(['android-app', 'qa-sandbox']);
    expect(projects?.[0]?.arn).toBe(`arn:aws:devicefarm:us-west-2:123456789012:project:${DEMO_IDS.project}`);

    const { runs } = await client().send(new ListRunsCommand({ arn: projectArn }));
    expect(runs).toHaveLength(1);
    const release = runs?.[0] as Run;
    expect(release).toMatchObject({
      name: 'release-1.4.1',
      status: 'COMPLETED',
      result: 'PASSED',
      totalJobs: 2,
      completedJobs: 2,
    });
    expect(release.created).toBeInstanceOf(Date);
    expect(release.stopped?.getTime()).toBeLessThan(START.getTime());

    const notYet = await rejection(client().send(new GetRunCommand({ arn: nightlyArn })));
    expect(notYet).toBeInstanceOf(NotFoundException);
    expect(notYet.$metadata?.httpStatusCode).toBe(400);
    const { remoteAccessSessions } = await client().send(new ListRemoteAccessSessionsCommand({ arn: projectArn }));
    expect(remoteAccessSessions).toEqual([]);
  });

  it('step 1: the nightly run is RUNNING, newest first, with four jobs and no counters yet', async () => {
    emu().setStep(1);
    expect(emu().now()).toEqual(at(1));
    const { runs } = await client().send(new ListRunsCommand({ arn: projectArn }));
    expect(runs?.map((r) => r.name)).toEqual(['nightly-android', 'release-1.4.1']);
    const nightly = runs?.[0] as Run;
    expect(nightly).toMatchObject({ status: 'RUNNING', result: 'PENDING', totalJobs: 4, completedJobs: 0 });
    expect(nightly.created).toEqual(at(0.8));
    expect(nightly.started).toEqual(at(1));
    expect(nightly).not.toHaveProperty('stopped');
    expect(nightly).not.toHaveProperty('counters');
    expect(nightly).not.toHaveProperty('deviceMinutes');

    const { items: jobs } = await collect(
      paginateListJobs({ client: client() }, { arn: nightlyArn }),
      (page) => page.jobs,
    );
    // Same creation time: reverse scenario order.
    expect(jobs.map((j) => j.arn)).toEqual(['00003', '00002', '00001', '00000'].map(jobArn));
    const motorola = jobs[0];
    expect(motorola?.status).toBe('PENDING_DEVICE');
    expect(motorola?.device).toMatchObject({
      name: 'Motorola Edge 40',
      platform: 'ANDROID',
      os: '13',
      arn: deviceArn('Motorola Edge 40'),
    });
    expect(motorola?.device?.arn).toMatch(/^arn:aws:devicefarm:us-west-2::device:[0-9A-F]{32}$/);

    const { remoteAccessSessions } = await client().send(new ListRemoteAccessSessionsCommand({ arn: projectArn }));
    const session = remoteAccessSessions?.[0] as RemoteAccessSession;
    expect(session).toMatchObject({ name: 'debug-login-crash', status: 'RUNNING', billingMethod: 'METERED' });
    expect(session.arn).toBe(
      `arn:aws:devicefarm:us-west-2:123456789012:session:${DEMO_IDS.project}/${DEMO_IDS.remoteAccessSession}/00000`,
    );
    expect(session).not.toHaveProperty('deviceMinutes');
    expect(session).not.toHaveProperty('stopped');
  });

  it('step 2: the OnePlus job has FAILED and the run counters are derived from jobs', async () => {
    emu().setStep(2);
    const { job } = await client().send(new GetJobCommand({ arn: jobArn('00002') }));
    expect(job).toMatchObject({
      name: 'Tests on OnePlus 11',
      status: 'COMPLETED',
      result: 'FAILED',
      message: '2 tests failed',
      counters: { total: 10, passed: 8, failed: 2, errored: 0 },
      deviceMinutes: { total: 6.4, metered: 6.4, unmetered: 0 },
    });
    expect(job?.stopped).toEqual(at(2));
    const { run } = await client().send(new GetRunCommand({ arn: nightlyArn }));
    expect(run).toMatchObject({ status: 'RUNNING', completedJobs: 1, counters: { total: 10, passed: 8, failed: 2 } });
  });

  it('step 3: the Motorola job ERRORED and the run completed FAILED', async () => {
    emu().setStep(3);
    const { job } = await client().send(new GetJobCommand({ arn: jobArn('00003') }));
    expect(job).toMatchObject({ status: 'COMPLETED', result: 'ERRORED', message: 'Appium server failed to start' });
    expect(job?.started).toEqual(at(2));
    const { run } = await client().send(new GetRunCommand({ arn: nightlyArn }));
    expect(run).toMatchObject({
      status: 'COMPLETED',
      result: 'FAILED',
      totalJobs: 4,
      completedJobs: 4,
      counters: { total: 31, passed: 28, failed: 2, errored: 1 },
      deviceMinutes: { total: 20.6, metered: 20.6, unmetered: 0 },
    });
    expect(run?.stopped).toEqual(at(3));
  });

  it('ListUniqueProblems: nothing while the run goes on, then its problems keyed by result, each with run, job, suite, test and device', async () => {
    emu().setStep(1);
    expect((await client().send(new ListUniqueProblemsCommand({ arn: nightlyArn }))).uniqueProblems).toEqual({});

    emu().setStep(3);
    const { uniqueProblems, nextToken } = await client().send(new ListUniqueProblemsCommand({ arn: nightlyArn }));

    expect(nextToken).toBeUndefined();
    expect(Object.keys(uniqueProblems ?? {})).toEqual(['FAILED', 'ERRORED']);
    expect(uniqueProblems?.FAILED?.map((u) => u.message)).toEqual([
      'expected:<PAID> but was:<DECLINED>',
      'Element not found: id/fingerprint_prompt',
    ]);
    const [pay] = uniqueProblems?.FAILED?.[0]?.problems ?? [];
    expect(pay).toEqual({
      run: { arn: nightlyArn, name: 'nightly-android' },
      job: { arn: jobArn('00002'), name: 'Tests on OnePlus 11' },
      suite: {
        arn: `arn:aws:devicefarm:us-west-2:123456789012:suite:${DEMO_IDS.project}/${DEMO_IDS.nightlyRun}/00002/00000`,
        name: 'CheckoutTest',
      },
      test: {
        arn: `arn:aws:devicefarm:us-west-2:123456789012:test:${DEMO_IDS.project}/${DEMO_IDS.nightlyRun}/00002/00000/00000`,
        name: 'testPayWithSavedCard',
      },
      device: expect.objectContaining({ name: 'OnePlus 11', platform: 'ANDROID', os: '13' }),
      result: 'FAILED',
      message: 'expected:<PAID> but was:<DECLINED>',
    });
    // A problem of a suite itself (its setup) names no test.
    const [setup] = uniqueProblems?.ERRORED?.[0]?.problems ?? [];
    expect(setup?.suite?.name).toBe('Setup Suite');
    expect(setup?.test).toBeUndefined();
    // One job's problems, by the job's ARN; an unknown run is NotFound.
    const one = await client().send(new ListUniqueProblemsCommand({ arn: jobArn('00003') }));
    expect(Object.keys(one.uniqueProblems ?? {})).toEqual(['ERRORED']);
    expect(
      await rejection(client().send(new ListUniqueProblemsCommand({ arn: arns.run(DEMO_IDS.project, 'nope') }))),
    ).toBeInstanceOf(NotFoundException);
  });

  it('step 4: the remote access session completed with device minutes', async () => {
    emu().setStep(DEMO_STEPS - 1);
    const arn = arns.remoteAccessSession(DEMO_IDS.project, DEMO_IDS.remoteAccessSession);
    const { remoteAccessSession } = await client().send(new GetRemoteAccessSessionCommand({ arn }));
    expect(remoteAccessSession).toMatchObject({
      status: 'COMPLETED',
      result: 'PASSED',
      deviceMinutes: { total: 15, metered: 15, unmetered: 0 },
    });
    expect(remoteAccessSession?.device?.name).toBe('Google Pixel 8');
    expect(remoteAccessSession?.started).toEqual(at(1));
    expect(remoteAccessSession?.stopped).toEqual(at(4));
  });

  it('test grid: sessions close and error with billing minutes', async () => {
    const projectArnTg = arns.testGridProject(DEMO_IDS.testGridProject);
    const { testGridProjects } = await client().send(new ListTestGridProjectsCommand({}));
    expect(testGridProjects?.map((p) => p.arn)).toEqual([projectArnTg]);
    const sessionsAt = async (step: number): Promise<TestGridSession[]> => {
      emu().setStep(step);
      const { items } = await collect(
        paginateListTestGridSessions({ client: client() }, { projectArn: projectArnTg }),
        (p) => p.testGridSessions,
      );
      return items;
    };
    expect(await sessionsAt(0)).toEqual([]);
    expect((await sessionsAt(1)).map((s) => s.status)).toEqual(['ACTIVE']);
    const step2 = await sessionsAt(2);
    expect(step2.map((s) => s.status)).toEqual(['ACTIVE', 'CLOSED']);
    expect(step2[1]).toMatchObject({ billingMinutes: 5, ended: at(2), created: at(1) });
    expect(step2[0]).not.toHaveProperty('ended');
    expect(step2[0]).not.toHaveProperty('billingMinutes');
    const step4 = await sessionsAt(4);
    expect(step4[0]).toMatchObject({ status: 'ERRORED', billingMinutes: 10, ended: at(4) });
  });
});

describe('ListUniqueProblems pagination', () => {
  const { emu, client } = useEmulator(() => ({ scenario: demoScenario(START), pageSize: 1 }));

  it('paginateListUniqueProblems walks one unique problem a page, each page keyed by result', async () => {
    emu().setStep(3);
    const runArn = arns.run(DEMO_IDS.project, DEMO_IDS.nightlyRun);

    const pages = [];
    for await (const page of paginateListUniqueProblems({ client: client() }, { arn: runArn })) pages.push(page);

    expect(pages.map((p) => Object.keys(p.uniqueProblems ?? {}))).toEqual([['FAILED'], ['FAILED'], ['ERRORED']]);
    expect(pages.map((p) => p.nextToken === undefined)).toEqual([false, false, true]);
  });
});

describe('pagination', () => {
  const { emu, client } = useEmulator(() => ({ scenario: manyScenario(5), pageSize: 2 }));
  const projectArn = arns.project('proj-many');

  it('paginateListRuns walks every page newest first', async () => {
    emu().setStep(10);
    emu().resetCalls();
    const { items, pages } = await collect(paginateListRuns({ client: client() }, { arn: projectArn }), (p) => p.runs);
    expect(pages).toBe(3);
    expect(items.map((r) => r.name)).toEqual(['run 4', 'run 3', 'run 2', 'run 1', 'run 0']);
    expect(emu().calls.ListRuns).toBe(3);
    const tokens = emu().callLog.map((c) => (c.input as { nextToken?: string }).nextToken);
    expect(tokens[0]).toBeUndefined();
    expect(new Set(tokens.slice(1)).size).toBe(2);
  });

  it('paginateListJobs walks every page', async () => {
    const { items, pages } = await collect(
      paginateListJobs({ client: client() }, { arn: arns.run('proj-many', 'run-0') }),
      (p) => p.jobs,
    );
    expect(pages).toBe(3);
    expect(items.map((j) => j.name)).toEqual(['job 4', 'job 3', 'job 2', 'job 1', 'job 0']);
  });

  it('ListRemoteAccessSessions (no paginator) pages with a manual nextToken loop', async () => {
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page: ListRemoteAccessSessionsCommandOutput = await client().send(
        new ListRemoteAccessSessionsCommand({ arn: projectArn, nextToken }),
      );
      pages += 1;
      names.push(...(page.remoteAccessSessions ?? []).map((s) => s.name ?? '?'));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(pages).toBe(3);
    // created at steps 0,1,2,0,1: newest first, ties in reverse scenario order.
    expect(names).toEqual(['session 2', 'session 4', 'session 1', 'session 3', 'session 0']);
  });

  it('hides resources that do not exist yet from lists', async () => {
    emu().setStep(1);
    const { runs } = await client().send(new ListRunsCommand({ arn: projectArn }));
    expect(runs?.map((r) => r.name)).toEqual(['run 1', 'run 0']);
  });

  it('rejects a token from another list with ArgumentException', async () => {
    emu().setStep(10);
    const { nextToken } = await client().send(new ListRunsCommand({ arn: projectArn }));
    const error = await rejection(
      client().send(new ListJobsCommand({ arn: arns.run('proj-many', 'run-0'), nextToken })),
    );
    expect(error.name).toBe('ArgumentException');
  });
});

/** Five runs and five sessions created at steps 0..4 in one project listed `order`, three per page. */
function orderedScenario(order: 'newest-first' | 'oldest-first' | 'shuffled', seed?: number): DeviceFarmScenario {
  const scenario = manyScenario(5);
  const project = scenario.projects?.[0];
  if (project === undefined) throw new Error('manyScenario changed shape');
  project.remoteAccessSessions = (project.remoteAccessSessions ?? []).map((session, i) => ({
    ...session,
    timeline: [{ step: i, status: 'RUNNING' }],
  }));
  project.listing = { order, pageSize: 3, ...(seed === undefined ? {} : { seed }) };
  return scenario;
}

/** Every page of ListRemoteAccessSessions (it has no paginator). */
async function allSessions(client: DeviceFarmClient, arn: string): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await client.send(new ListRemoteAccessSessionsCommand({ arn, nextToken }));
    pages += 1;
    names.push(...(page.remoteAccessSessions ?? []).map((s) => s.name ?? '?'));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return { names, pages };
}

describe('listing order per project', () => {
  const projectArn = arns.project('proj-many');

  describe('oldest first, three per page', () => {
    const { emu, client } = useEmulator(() => ({ scenario: orderedScenario('oldest-first'), pageSize: 50 }));

    it('lists runs and remote access sessions oldest first on pages of the project’s size', async () => {
      emu().setStep(10);
      const runs = await collect(paginateListRuns({ client: client() }, { arn: projectArn }), (p) => p.runs);
      const sessions = await allSessions(client(), projectArn);

      expect(runs.pages).toBe(2);
      expect(runs.items.map((r) => r.name)).toEqual(['run 0', 'run 1', 'run 2', 'run 3', 'run 4']);
      expect(sessions).toEqual({
        names: ['session 0', 'session 1', 'session 2', 'session 3', 'session 4'],
        pages: 2,
      });
    });

    it('keeps the emulator’s page size and newest-first order for ListJobs', async () => {
      const { items, pages } = await collect(
        paginateListJobs({ client: client() }, { arn: arns.run('proj-many', 'run-0') }),
        (p) => p.jobs,
      );
      expect(pages).toBe(1);
      expect(items.map((j) => j.name)).toEqual(['job 4', 'job 3', 'job 2', 'job 1', 'job 0']);
    });
  });

  describe('shuffled with a seed', () => {
    const { emu, client } = useEmulator(() => ({ scenario: orderedScenario('shuffled', 7) }));

    it('lists every run once, in the same order on every listing, and not newest first', async () => {
      emu().setStep(10);
      const list = async () =>
        (await collect(paginateListRuns({ client: client() }, { arn: projectArn }), (p) => p.runs)).items.map(
          (r) => r.name,
        );

      const first = await list();
      const second = await list();

      expect(first).toEqual(second);
      expect([...first].sort()).toEqual(['run 0', 'run 1', 'run 2', 'run 3', 'run 4']);
      expect(first).not.toEqual(['run 4', 'run 3', 'run 2', 'run 1', 'run 0']);
    });
  });
});

describe('transient NotFound answers', () => {
  const { emu, client } = useEmulator(() => ({ scenario: manyScenario(5) }));
  const projectArn = arns.project('proj-many');
  const runArn = arns.run('proj-many', 'run-1');
  const sessionArn = arns.remoteAccessSession('proj-many', 'ras-1');

  it('answers GetRun with NotFoundException the armed number of times, then with the run', async () => {
    emu().setStep(10);
    emu().answerNotFound(runArn, 2);

    const first = await rejection(client().send(new GetRunCommand({ arn: runArn })));
    const second = await rejection(client().send(new GetRunCommand({ arn: runArn })));
    const third = await client().send(new GetRunCommand({ arn: runArn }));

    expect(first).toBeInstanceOf(NotFoundException);
    expect(second).toBeInstanceOf(NotFoundException);
    expect(third.run?.name).toBe('run 1');
    expect(emu().pendingNotFound).toBe(0);
  });

  it('answers GetRemoteAccessSession with NotFoundException once while lists and other ARNs answer as usual', async () => {
    emu().setStep(10);
    emu().answerNotFound(sessionArn);

    const other = await client().send(
      new GetRemoteAccessSessionCommand({ arn: arns.remoteAccessSession('proj-many', 'ras-2') }),
    );
    const listed = await allSessions(client(), projectArn);
    const missing = await rejection(client().send(new GetRemoteAccessSessionCommand({ arn: sessionArn })));
    const again = await client().send(new GetRemoteAccessSessionCommand({ arn: sessionArn }));

    expect(other.remoteAccessSession?.name).toBe('session 2');
    expect(listed.names).toContain('session 1');
    expect(missing).toBeInstanceOf(NotFoundException);
    expect(missing.message).toBe(`Remote access session not found: ${sessionArn}`);
    expect(again.remoteAccessSession?.name).toBe('session 1');
  });
});

describe('timeline semantics and open enums', () => {
  const timeline: StateAt[] = [
    // Deliberately unsorted: the emulator sorts by step.
    { step: 5, status: 'COMPLETED', result: 'WARNED' },
    { step: 2, status: 'QUANTUM_QUEUED' },
    { step: 3, status: 'RUNNING', result: 'PENDING' },
    { step: 4, status: 'RUNNING', result: 'PENDING', message: 'still going' },
  ];
  const { emu, client } = useEmulator(() => ({
    scenario: {
      accountId: '210987654321',
      startTime: START.toISOString(),
      stepSeconds: 60,
      projects: [{ id: 'p-1', name: 'timeline', runs: [{ id: 'r-1', name: 'late run', timeline }] }],
    },
  }));
  const runArn = 'arn:aws:devicefarm:us-west-2:210987654321:run:p-1/r-1';
  const atMinute = (step: number): Date => new Date(START.getTime() + step * 60_000);

  it('GetRun is NotFound before the first entry, and again after stepping back', async () => {
    emu().setStep(1);
    expect(await rejection(client().send(new GetRunCommand({ arn: runArn })))).toBeInstanceOf(NotFoundException);
    emu().setStep(2);
    await expect(client().send(new GetRunCommand({ arn: runArn }))).resolves.toBeDefined();
    emu().setStep(1);
    expect(await rejection(client().send(new GetRunCommand({ arn: runArn })))).toBeInstanceOf(NotFoundException);
  });

  it('passes unknown statuses through and leaves absent fields absent', async () => {
    emu().setStep(2);
    const { run } = await client().send(new GetRunCommand({ arn: runArn }));
    expect(run?.status).toBe('QUANTUM_QUEUED');
    for (const field of [
      'result',
      'started',
      'stopped',
      'counters',
      'message',
      'deviceMinutes',
      'totalJobs',
      'completedJobs',
      'billingMethod',
    ]) {
      expect(run).not.toHaveProperty(field);
    }
  });

  it('fixes started at the first RUNNING entry and stopped at the first COMPLETED entry', async () => {
    emu().setStep(4);
    const running = (await client().send(new GetRunCommand({ arn: runArn }))).run;
    expect(running).toMatchObject({
      status: 'RUNNING',
      message: 'still going',
      created: atMinute(2),
      started: atMinute(3),
    });
    emu().advance();
    expect(emu().step).toBe(5);
    const done = (await client().send(new GetRunCommand({ arn: runArn }))).run;
    expect(done).toMatchObject({ status: 'COMPLETED', result: 'WARNED', started: atMinute(3), stopped: atMinute(5) });
    expect(done).not.toHaveProperty('message');
  });
});

describe('ListTestGridSessions filters', () => {
  const { emu, client } = useEmulator(() => ({
    scenario: {
      startTime: START.toISOString(),
      stepSeconds: 60,
      testGridProjects: [
        {
          id: 'tg-1',
          name: 'grid',
          sessions: [
            {
              id: 's-a',
              timeline: [
                { step: 1, status: 'ACTIVE' },
                { step: 2, status: 'CLOSED', billingMinutes: 1 },
              ],
            },
            {
              id: 's-b',
              timeline: [
                { step: 2, status: 'ACTIVE' },
                { step: 4, status: 'ERRORED', billingMinutes: 2 },
              ],
            },
            { id: 's-c', timeline: [{ step: 3, status: 'ACTIVE' }] },
            {
              id: 's-d',
              timeline: [
                { step: 4, status: 'ACTIVE' },
                { step: 5, status: 'CLOSED', billingMinutes: 0.5 },
              ],
            },
          ],
        },
      ],
    },
  }));
  const projectArn = arns.testGridProject('tg-1');
  const minute = (step: number): Date => new Date(START.getTime() + step * 60_000);
  const ids = async (input: Omit<ListTestGridSessionsCommandInput, 'projectArn'>): Promise<string[]> => {
    const { items } = await collect(
      paginateListTestGridSessions({ client: client(), pageSize: 1 }, { projectArn, ...input }),
      (p) => p.testGridSessions,
    );
    return items.map((s) => s.arn?.split('/').pop() ?? '?');
  };

  beforeAll(() => emu().setStep(5));

  it('filters by status', async () => {
    expect(await ids({ status: 'ACTIVE' })).toEqual(['s-c']);
    expect(await ids({ status: 'CLOSED' })).toEqual(['s-d', 's-a']);
  });

  it('filters by creation window [after, before)', async () => {
    expect(await ids({ creationTimeAfter: minute(2), creationTimeBefore: minute(4) })).toEqual(['s-c', 's-b']);
  });

  it('filters by end window, excluding sessions that have not ended', async () => {
    expect(await ids({ endTimeAfter: minute(3) })).toEqual(['s-d', 's-b']);
    expect(await ids({ endTimeBefore: minute(5) })).toEqual(['s-b', 's-a']);
  });

  it('honours maxResult as the page size', async () => {
    emu().resetCalls();
    expect(await ids({})).toEqual(['s-d', 's-c', 's-b', 's-a']);
    expect(emu().calls.ListTestGridSessions).toBe(4);
    expect(emu().callLog[0]?.input).toEqual({ projectArn, maxResult: 1 });
  });

  it('GetTestGridSession works by ARN and by project ARN + session id', async () => {
    const byArn = await client().send(
      new GetTestGridSessionCommand({ sessionArn: arns.testGridSession('tg-1', 's-b') }),
    );
    const byId = await client().send(new GetTestGridSessionCommand({ projectArn, sessionId: 's-b' }));
    expect(byArn.testGridSession).toEqual(byId.testGridSession);
    expect(byId.testGridSession).toMatchObject({
      status: 'ERRORED',
      billingMinutes: 2,
      created: minute(2),
      ended: minute(4),
    });
    emu().setStep(0);
    expect(
      await rejection(client().send(new GetTestGridSessionCommand({ projectArn, sessionId: 's-a' }))),
    ).toBeInstanceOf(NotFoundException);
    emu().setStep(5);
  });
});

describe('faults', () => {
  const { emu, client } = useEmulator(() => ({ scenario: manyScenario(3), pageSize: 2 }));
  const projectArn = arns.project('proj-many');
  const runArn = arns.run('proj-many', 'run-0');

  beforeEach(() => {
    emu().setStep(10);
    emu().clearFaults();
    emu().resetCalls();
  });

  it('an injected throttle is retried by the SDK and visible in the call log', async () => {
    emu().inject({ operation: 'GetRun', times: 1, fault: 'throttle' });
    const output = await client().send(new GetRunCommand({ arn: runArn }));
    expect(output.run?.name).toBe('run 0');
    expect(output.$metadata.attempts).toBe(2);
    expect(emu().callLog.map((c) => [c.operation, c.status])).toEqual([
      ['GetRun', 400],
      ['GetRun', 200],
    ]);
  });

  it('with maxAttempts 1 the throttle surfaces as LimitExceededException', async () => {
    const once = deviceFarm({ maxAttempts: 1 });
    emu().inject({ times: 1, fault: 'throttle' });
    const error = await rejection(once.send(new GetRunCommand({ arn: runArn })));
    once.destroy();
    expect(error).toBeInstanceOf(LimitExceededException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(emu().calls.GetRun).toBe(1);
  });

  it('a server error (500 and 503) is retried; alone it surfaces with its type', async () => {
    emu().inject({ operation: 'ListRuns', times: 1, fault: 'server-error' });
    emu().inject({ operation: 'ListRuns', times: 1, fault: 'server-error', status: 503 });
    const { runs } = await client().send(new ListRunsCommand({ arn: projectArn }));
    expect(runs).toHaveLength(2);
    expect(emu().callLog.map((c) => c.status)).toEqual([500, 503, 200]);

    const once = deviceFarm({ maxAttempts: 1 });
    emu().inject({ times: 1, fault: 'server-error' });
    const error = await rejection(once.send(new ListRunsCommand({ arn: projectArn })));
    once.destroy();
    expect(error.name).toBe('ServiceAccountException');
    expect(error.$metadata?.httpStatusCode).toBe(500);
  });

  it("'empty-page' yields an empty page whose token continues to the real first page", async () => {
    emu().inject({ operation: 'ListRuns', times: 1, fault: 'empty-page' });
    const pageSizes: number[] = [];
    const names: string[] = [];
    for await (const page of paginateListRuns({ client: client() }, { arn: projectArn })) {
      pageSizes.push(page.runs?.length ?? 0);
      names.push(...(page.runs ?? []).map((r) => r.name ?? '?'));
    }
    expect(pageSizes).toEqual([0, 2, 1]);
    expect(names).toEqual(['run 2', 'run 1', 'run 0']);
  });

  it("'empty-page' is not consumed by Get operations", async () => {
    emu().inject({ times: 1, fault: 'empty-page' });
    await client().send(new GetRunCommand({ arn: runArn }));
    const { runs, nextToken } = await client().send(new ListRunsCommand({ arn: projectArn }));
    expect(runs).toEqual([]);
    expect(nextToken).toBeDefined();
  });

  it("'slow' delays the reply", async () => {
    emu().inject({ operation: 'GetRun', times: 1, fault: 'slow', delayMs: 300 });
    const started = performance.now();
    await client().send(new GetRunCommand({ arn: runArn }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe('rate limit and latency', () => {
  const { emu } = useEmulator(() => ({ scenario: manyScenario(1), rateLimitPerSecond: 3, latencyMs: 20 }));

  it('calls over rateLimitPerSecond get LimitExceededException', async () => {
    const once = deviceFarm({ maxAttempts: 1 });
    const { rejected, fulfilled, elapsedMs } = await burst(8, () =>
      once.send(new GetRunCommand({ arn: arns.run('proj-many', 'run-0') })),
    );
    once.destroy();
    expect(rejected.length).toBeGreaterThanOrEqual(4);
    for (const reason of rejected) expect(reason).toBeInstanceOf(LimitExceededException);
    expect(fulfilled).toBeGreaterThanOrEqual(3);
    expect(emu().callLog.filter((c) => c.status === 400).length).toBe(rejected.length);
    // latencyMs applies to the calls that got through.
    expect(elapsedMs).toBeGreaterThanOrEqual(20);
  });
});

describe('devices: ListDevices and GetDevice', () => {
  const { emu, client } = useEmulator(() => ({ scenario: demoScenario(START), pageSize: 2 }));
  const projectArn = arns.project(DEMO_IDS.project);
  const names = async (input: ListDevicesCommandInput = {}): Promise<string[]> => {
    const { items } = await collect(paginateListDevices({ client: client() }, input), (p) => p.devices);
    return items.map((d) => d.name ?? '?');
  };

  beforeEach(() => emu().resetCalls());

  it('paginateListDevices walks the catalogue in scenario order', async () => {
    const { items, pages } = await collect(paginateListDevices({ client: client() }, {}), (p) => p.devices);
    expect(pages).toBe(3);
    expect(items.map((d) => d.name)).toEqual(DEMO_DEVICES.map((d) => d.name));
    expect(items.map((d) => d.name)).toEqual([
      'Google Pixel 8',
      'Samsung Galaxy S23',
      'OnePlus 11',
      'Motorola Edge 40',
      'Apple iPhone 15',
      'Samsung Galaxy Tab S9',
    ]);
    expect(emu().calls.ListDevices).toBe(3);
    expect(items[4]).toEqual({
      arn: deviceArn('Apple iPhone 15'),
      name: 'Apple iPhone 15',
      manufacturer: 'Apple',
      model: 'iPhone 15',
      formFactor: 'PHONE',
      platform: 'IOS',
      os: '17',
      remoteAccessEnabled: true,
      fleetType: 'PUBLIC',
      fleetName: 'Public Device Fleet',
      availability: 'HIGHLY_AVAILABLE',
    });
  });

  it('devices named only by jobs or sessions join the catalogue', async () => {
    const other = await startDeviceFarmEmulator({ scenario: manyScenario(1) });
    const direct = deviceFarm({ endpoint: other.endpoint });
    try {
      const { devices } = await direct.send(new ListDevicesCommand({}));
      expect(devices?.map((d) => [d.name, d.remoteAccessEnabled, d.availability])).toEqual([
        ['Google Pixel 8', true, 'AVAILABLE'],
      ]);
    } finally {
      direct.destroy();
      await other.stop();
    }
  });

  it('filters on PLATFORM, REMOTE_ACCESS_ENABLED and AVAILABILITY (rules are ANDed)', async () => {
    const rule = (attribute: DeviceFilterAttribute, values: string[], operator: RuleOperator = 'EQUALS') => ({
      attribute,
      operator,
      values,
    });
    expect(await names({ filters: [rule('PLATFORM', ['IOS'])] })).toEqual(['Apple iPhone 15']);
    expect(await names({ filters: [rule('REMOTE_ACCESS_ENABLED', ['FALSE'])] })).toEqual(['Samsung Galaxy Tab S9']);
    expect(await names({ filters: [rule('AVAILABILITY', ['BUSY'])] })).toEqual(['Samsung Galaxy Tab S9']);
    expect(await names({ filters: [rule('PLATFORM', ['ANDROID']), rule('REMOTE_ACCESS_ENABLED', ['TRUE'])] })).toEqual([
      'Google Pixel 8',
      'Samsung Galaxy S23',
      'OnePlus 11',
      'Motorola Edge 40',
    ]);
    expect(await names({ filters: [rule('OS_VERSION', ['14'], 'GREATER_THAN_OR_EQUALS')] })).toEqual([
      'Google Pixel 8',
      'Samsung Galaxy S23',
      'Apple iPhone 15',
    ]);
    expect(await names({ filters: [rule('MODEL', ['galaxy'], 'CONTAINS')] })).toEqual([
      'Samsung Galaxy S23',
      'Samsung Galaxy Tab S9',
    ]);
    expect(
      await names({ filters: [rule('ARN', [deviceArn('OnePlus 11'), deviceArn('Apple iPhone 15')], 'IN')] }),
    ).toEqual(['OnePlus 11', 'Apple iPhone 15']);
    // A filtered list pages like the whole one: 5 Android devices in pages of 2.
    emu().resetCalls();
    expect(await names({ filters: [rule('PLATFORM', ['ANDROID'])] })).toHaveLength(5);
    expect(emu().calls.ListDevices).toBe(3);
  });

  it('accepts a project arn, and refuses bad filters and unknown projects', async () => {
    expect(await names({ arn: projectArn })).toHaveLength(DEMO_DEVICES.length);
    const badOperator = await rejection(
      client().send(
        new ListDevicesCommand({ filters: [{ attribute: 'PLATFORM', operator: 'CONTAINS', values: ['IOS'] }] }),
      ),
    );
    expect(badOperator).toBeInstanceOf(ArgumentException);
    const twoValues = await rejection(
      client().send(
        new ListDevicesCommand({
          filters: [{ attribute: 'PLATFORM', operator: 'EQUALS', values: ['IOS', 'ANDROID'] }],
        }),
      ),
    );
    expect(twoValues).toBeInstanceOf(ArgumentException);
    const unknownProject = await rejection(client().send(new ListDevicesCommand({ arn: arns.project('nope') })));
    expect(unknownProject).toBeInstanceOf(NotFoundException);
  });

  it('GetDevice answers the catalogue entry with availability; jobs embed it without', async () => {
    const { device } = await client().send(new GetDeviceCommand({ arn: deviceArn('Samsung Galaxy Tab S9') }));
    expect(device).toMatchObject({
      name: 'Samsung Galaxy Tab S9',
      formFactor: 'TABLET',
      platform: 'ANDROID',
      remoteAccessEnabled: false,
      availability: 'BUSY',
    });
    const pixel = (await client().send(new GetDeviceCommand({ arn: deviceArn('Google Pixel 8') }))).device;
    expect(pixel?.availability).toBe('AVAILABLE');
    const { job } = await client().send(
      new GetJobCommand({ arn: arns.job(DEMO_IDS.project, DEMO_IDS.releaseRun, '00000') }),
    );
    const { availability: _omitted, ...embedded } = pixel ?? {};
    expect(job?.device).toEqual(embedded);
    expect(job?.device).not.toHaveProperty('availability');

    const missing = await rejection(client().send(new GetDeviceCommand({ arn: deviceArn('Nokia 3310') })));
    expect(missing).toBeInstanceOf(NotFoundException);
    expect(emu().calls.GetDevice).toBe(3);
  });
});

describe('remote access sessions: create and stop', () => {
  const { emu, client } = useEmulator(() => ({ scenario: demoScenario(START) }));
  const projectArn = arns.project(DEMO_IDS.project);
  const iphone = deviceArn('Apple iPhone 15');
  const sessionArnPattern = new RegExp(
    `^arn:aws:devicefarm:us-west-2:123456789012:session:${DEMO_IDS.project}/[0-9a-f-]{36}/00000$`,
  );
  const get = async (arn: string): Promise<RemoteAccessSession | undefined> =>
    (await client().send(new GetRemoteAccessSessionCommand({ arn }))).remoteAccessSession;
  let created = '';

  it('creates a PENDING session at now(), RUNNING from the next step', async () => {
    emu().setStep(1);
    emu().resetCalls();
    const { remoteAccessSession: session } = await client().send(
      new CreateRemoteAccessSessionCommand({
        projectArn,
        deviceArn: iphone,
        name: 'ios-repro',
        interactionMode: 'VIDEO_ONLY',
        configuration: { billingMethod: 'UNMETERED' },
      }),
    );
    expect(emu().calls.CreateRemoteAccessSession).toBe(1);
    expect(session?.arn).toMatch(sessionArnPattern);
    created = session?.arn ?? '';
    expect(session).toMatchObject({
      name: 'ios-repro',
      status: 'PENDING',
      result: 'PENDING',
      created: emu().now(),
      billingMethod: 'UNMETERED',
      interactionMode: 'VIDEO_ONLY',
      skipAppResign: false,
      device: { arn: iphone, name: 'Apple iPhone 15', platform: 'IOS', os: '17', remoteAccessEnabled: true },
    });
    for (const field of ['started', 'stopped', 'deviceMinutes']) expect(session).not.toHaveProperty(field);
    expect(session?.device).not.toHaveProperty('availability');

    // Visible at once: newest first (same step as the scripted session, created later).
    const { remoteAccessSessions } = await client().send(new ListRemoteAccessSessionsCommand({ arn: projectArn }));
    expect(remoteAccessSessions?.map((s) => s.name)).toEqual(['ios-repro', 'debug-login-crash']);

    emu().advance();
    const running = await get(created);
    expect(running).toMatchObject({ status: 'RUNNING', result: 'PENDING', created: at(1), started: at(2) });
    expect(running).not.toHaveProperty('deviceMinutes');
    expect(emu().remoteAccessSession(created)).toMatchObject({ status: 'RUNNING', started: at(2).getTime() / 1000 });
  });

  it('defaults to METERED, INTERACTIVE and no name', async () => {
    const { remoteAccessSession: session } = await client().send(
      new CreateRemoteAccessSessionCommand({ projectArn, deviceArn: deviceArn('OnePlus 11') }),
    );
    expect(session).toMatchObject({ status: 'PENDING', billingMethod: 'METERED', interactionMode: 'INTERACTIVE' });
    expect(session).not.toHaveProperty('name');
  });

  it('stop: STOPPING now, COMPLETED/STOPPED at the next step with whole device minutes', async () => {
    emu().setStep(4);
    emu().resetCalls();
    const { remoteAccessSession: stopping } = await client().send(new StopRemoteAccessSessionCommand({ arn: created }));
    expect(emu().calls.StopRemoteAccessSession).toBe(1);
    expect(stopping).toMatchObject({ arn: created, status: 'STOPPING', started: at(2) });
    expect(stopping).not.toHaveProperty('deviceMinutes');
    expect(await get(created)).toEqual(stopping);

    emu().advance();
    const done = await get(created);
    expect(done).toMatchObject({
      status: 'COMPLETED',
      result: 'STOPPED',
      started: at(2),
      stopped: at(4),
      // 2 steps of 5 minutes, unmetered billing.
      deviceMinutes: { total: 10, metered: 0, unmetered: 10 },
    });
    emu().advance(5);
    expect(await get(created)).toEqual(done);
  });

  it('rounds device minutes down and bills them METERED by default', async () => {
    emu().setStep(10);
    const { remoteAccessSession } = await client().send(
      new CreateRemoteAccessSessionCommand({ projectArn, deviceArn: deviceArn('Google Pixel 8'), name: 'short' }),
    );
    const arn = remoteAccessSession?.arn ?? '';
    emu().setStep(11.9); // RUNNING since 11: 0.9 × 5 min = 4.5 min
    await client().send(new StopRemoteAccessSessionCommand({ arn }));
    emu().setStep(12.9);
    expect(await get(arn)).toMatchObject({
      status: 'COMPLETED',
      result: 'STOPPED',
      started: at(11),
      stopped: at(11.9),
      deviceMinutes: { total: 4, metered: 4, unmetered: 0 },
    });
  });

  it('stopping a STOPPING or COMPLETED session is an ArgumentException and changes nothing', async () => {
    emu().setStep(20);
    const { remoteAccessSession } = await client().send(
      new CreateRemoteAccessSessionCommand({ projectArn, deviceArn: iphone, name: 'twice' }),
    );
    const arn = remoteAccessSession?.arn ?? '';
    emu().advance();
    await client().send(new StopRemoteAccessSessionCommand({ arn }));
    emu().resetCalls();

    const whileStopping = emu().remoteAccessSession(arn);
    const again = await rejection(client().send(new StopRemoteAccessSessionCommand({ arn })));
    expect(again).toBeInstanceOf(ArgumentException);
    expect(again.message).toMatch(/is not running/);
    expect(emu().remoteAccessSession(arn)).toEqual(whileStopping);

    emu().advance();
    const completed = emu().remoteAccessSession(arn);
    expect(completed?.status).toBe('COMPLETED');
    expect(await rejection(client().send(new StopRemoteAccessSessionCommand({ arn })))).toBeInstanceOf(
      ArgumentException,
    );
    emu().advance();
    expect(emu().remoteAccessSession(arn)).toEqual(completed);
    expect(emu().calls.StopRemoteAccessSession).toBe(2);
    expect(emu().callLog.map((c) => c.status)).toEqual([400, 400]);
  });

  it('stop of an unknown (or not yet existing) session is NotFoundException', async () => {
    const unknown = arns.remoteAccessSession(DEMO_IDS.project, 'no-such-session');
    expect(await rejection(client().send(new StopRemoteAccessSessionCommand({ arn: unknown })))).toBeInstanceOf(
      NotFoundException,
    );
    expect(emu().remoteAccessSession(unknown)).toBeUndefined();
  });

  it('create refuses unknown projects, unknown devices and devices without remote access', async () => {
    emu().setStep(30);
    const before = (await client().send(new ListRemoteAccessSessionsCommand({ arn: projectArn }))).remoteAccessSessions;
    emu().resetCalls();

    const noProject = await rejection(
      client().send(new CreateRemoteAccessSessionCommand({ projectArn: arns.project('nope'), deviceArn: iphone })),
    );
    expect(noProject).toBeInstanceOf(NotFoundException);

    const noDevice = await rejection(
      client().send(new CreateRemoteAccessSessionCommand({ projectArn, deviceArn: deviceArn('Nokia 3310') })),
    );
    expect(noDevice).toBeInstanceOf(ArgumentException);

    const noRemoteAccess = await rejection(
      client().send(
        new CreateRemoteAccessSessionCommand({ projectArn, deviceArn: deviceArn('Samsung Galaxy Tab S9') }),
      ),
    );
    expect(noRemoteAccess).toBeInstanceOf(ArgumentException);
    expect(noRemoteAccess.message).toMatch(/not enabled for remote access/);

    const badBilling = await rejection(
      client().send(
        new CreateRemoteAccessSessionCommand({
          projectArn,
          deviceArn: iphone,
          configuration: { billingMethod: 'FREE' as BillingMethod },
        }),
      ),
    );
    expect(badBilling).toBeInstanceOf(ArgumentException);

    expect(emu().calls.CreateRemoteAccessSession).toBe(4);
    const after = (await client().send(new ListRemoteAccessSessionsCommand({ arn: projectArn }))).remoteAccessSessions;
    expect(after).toEqual(before);
  });
});

describe('remote access sessions: stopping a scripted session', () => {
  const { emu, client } = useEmulator(() => ({ scenario: demoScenario(START) }));
  const arn = arns.remoteAccessSession(DEMO_IDS.project, DEMO_IDS.remoteAccessSession);
  const get = async (): Promise<RemoteAccessSession | undefined> =>
    (await client().send(new GetRemoteAccessSessionCommand({ arn }))).remoteAccessSession;

  it('is NotFoundException before the session exists', async () => {
    emu().setStep(0);
    expect(await rejection(client().send(new StopRemoteAccessSessionCommand({ arn })))).toBeInstanceOf(
      NotFoundException,
    );
  });

  it('overrides the scripted timeline: the session stays stopped', async () => {
    emu().setStep(2);
    const { remoteAccessSession } = await client().send(new StopRemoteAccessSessionCommand({ arn }));
    expect(remoteAccessSession).toMatchObject({ name: 'debug-login-crash', status: 'STOPPING', started: at(1) });
    // Scripted sessions carry no requested members.
    expect(remoteAccessSession).not.toHaveProperty('interactionMode');

    const stopped = {
      status: 'COMPLETED',
      result: 'STOPPED',
      started: at(1),
      stopped: at(2),
      deviceMinutes: { total: 5, metered: 5, unmetered: 0 },
    };
    emu().setStep(3);
    expect(await get()).toMatchObject(stopped);
    // Step 4 scripted COMPLETED/PASSED with 15 minutes: the stop wins.
    emu().setStep(4);
    expect(await get()).toMatchObject(stopped);
    emu().setStep(50);
    const { remoteAccessSessions } = await client().send(
      new ListRemoteAccessSessionsCommand({ arn: arns.project(DEMO_IDS.project) }),
    );
    expect(remoteAccessSessions?.[0]).toMatchObject(stopped);
    // History before the stop is unchanged.
    emu().setStep(1);
    expect(await get()).toMatchObject({ status: 'RUNNING', result: 'PENDING' });
  });
});

describe('fourJobRunScenario', () => {
  const { emu, client } = useEmulator(() => ({ scenario: fourJobRunScenario(START) }));
  const projectArn = arns.project(FOUR_JOB_IDS.project);
  const runArn = arns.run(FOUR_JOB_IDS.project, FOUR_JOB_IDS.run);

  it('is empty at step 0 and finishes FAILED one step after its FAILED job', async () => {
    emu().setStep(0);
    expect((await client().send(new ListRunsCommand({ arn: projectArn }))).runs).toEqual([]);
    const results: Array<Record<string, string>> = [];
    for (let step = 1; step < FOUR_JOB_STEPS; step += 1) {
      emu().setStep(step);
      const { jobs } = await client().send(new ListJobsCommand({ arn: runArn }));
      const { run } = await client().send(new GetRunCommand({ arn: runArn }));
      results.push({
        run: `${run?.status}/${run?.result}`,
        ...Object.fromEntries((jobs ?? []).map((j) => [j.name, `${j.status}/${j.result}`])),
      });
    }
    expect(results[0]?.run).toBe('RUNNING/PENDING');
    expect(results[1]).toMatchObject({
      run: 'RUNNING/PENDING',
      'Tests on OnePlus 11': 'COMPLETED/FAILED',
      'Tests on Motorola Edge 40': 'RUNNING/PENDING',
    });
    expect(results[2]).toMatchObject({
      run: 'COMPLETED/FAILED',
      'Tests on Motorola Edge 40': 'COMPLETED/ERRORED',
      'Tests on Google Pixel 8': 'COMPLETED/PASSED',
    });
  });
});

describe('local services from global setup', () => {
  const config = { region: process.env.AWS_REGION };

  it('DynamoDB Local answers ListTables', async () => {
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const dynamo = new DynamoDBClient(config);
    const { TableNames } = await dynamo.send(new ListTablesCommand({}));
    dynamo.destroy();
    expect(Array.isArray(TableNames)).toBe(true);
  });

  it('fauxqs fans an SNS publish out to a subscribed SQS queue', async () => {
    const sns = new SNSClient(config);
    // fauxqs hands out queue URLs on sqs.<region>.localhost, which does not resolve here;
    // without this the SDK would send requests to the queue URL's host instead of the endpoint.
    const sqs = new SQSClient({ ...config, useQueueUrlAsEndpoint: false });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'vigil-smoke' }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'vigil-smoke' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    await sns.send(new PublishCommand({ TopicArn, Message: '{"hello":"vigil"}' }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    sns.destroy();
    sqs.destroy();
    expect(Messages?.map((m) => m.Body)).toEqual(['{"hello":"vigil"}']);
  });
});
