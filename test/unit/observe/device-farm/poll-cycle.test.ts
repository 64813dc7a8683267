import {
  DeviceFarmClient,
  GetRunCommand,
  type Job,
  ListJobsCommand,
  ListProjectsCommand,
  ListRemoteAccessSessionsCommand,
  ListRunsCommand,
  ListTestGridProjectsCommand,
  ListTestGridSessionsCommand,
  ListUniqueProblemsCommand,
  NotFoundException,
  type Run,
} from '@aws-sdk/client-device-farm';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_SETTINGS, type Settings } from '../../../../lambda/config/settings';
import { type CycleReport, pollDeviceFarm } from '../../../../lambda/observe/device-farm/poll-cycle';
import { gridProjectArn, gridSessionArn, jobArn, projectArn, runArn } from '../../../support/arns';
import { clockFrom, job, run } from '../../../support/device-farm-api';
import { InMemoryStateStore, MemoryLog } from '../../../support/fakes';

const deviceFarm = mockClient(DeviceFarmClient);
const client = new DeviceFarmClient({ region: 'us-west-2' });

const SHOP = { arn: projectArn('p-shop'), name: 'Shop App' };
const ADMIN = { arn: projectArn('p-admin'), name: 'Admin App' };

interface PollOptions {
  readonly at?: string;
  readonly settings?: Settings;
  readonly log?: MemoryLog;
}

function poll(store: InMemoryStateStore, options: PollOptions = {}): Promise<CycleReport> {
  return pollDeviceFarm({
    client,
    store,
    settings: options.settings ?? DEFAULT_SETTINGS,
    log: options.log ?? new MemoryLog(),
    now: clockFrom(options.at ?? '2026-11-21T08:00:00.000Z'),
  });
}

/** Runs a cycle and returns how many writes and cursor saves it made. */
async function measured(store: InMemoryStateStore, options: PollOptions = {}) {
  const before = { ...store.calls };
  const report = await poll(store, options);
  return {
    report,
    writes: store.calls.writeChange - before.writeChange,
    cursorSaves: store.calls.saveCursor - before.saveCursor,
    reads: store.calls.getLatest - before.getLatest + (store.calls.loadScope - before.loadScope),
  };
}

beforeEach(() => {
  deviceFarm.reset();
  deviceFarm.on(ListProjectsCommand).resolves({ projects: [SHOP] });
  deviceFarm.on(ListTestGridProjectsCommand).resolves({ testGridProjects: [] });
  deviceFarm.on(ListRemoteAccessSessionsCommand).resolves({ remoteAccessSessions: [] });
  deviceFarm.on(ListRunsCommand).resolves({ runs: [] });
  deviceFarm.on(ListJobsCommand).resolves({ jobs: [] });
});

describe('pollDeviceFarm', () => {
  const finished = run('r-old', 'p-shop', {
    status: 'COMPLETED',
    result: 'PASSED',
    created: new Date('2026-11-21T07:00:00Z'),
  });

  it('records a finished run as a baseline event without listing its jobs when the project is polled for the first time', async () => {
    // Arrange
    const store = new InMemoryStateStore();
    deviceFarm.on(ListRunsCommand).resolves({ runs: [finished] });

    // Act
    const report = await poll(store);

    // Assert
    expect(deviceFarm).not.toHaveReceivedCommand(ListJobsCommand);
    expect(report.events).toHaveLength(1);
    expect(report.events[0]).toMatchObject({
      eventId: `${runArn('r-old', 'p-shop')}@1`,
      kind: 'run',
      baseline: true,
      to: { status: 'COMPLETED', result: 'PASSED' },
    });
    expect(report.events[0]).not.toHaveProperty('from');
    expect(store.get(SHOP.arn, 'run', runArn('r-old', 'p-shop'))?.terminal).toBe(true);
    expect(store.cursors.get(`devicefarm|${SHOP.arn}|run`)).toEqual({
      service: 'devicefarm',
      scope: SHOP.arn,
      kind: 'run',
      seenThrough: '2026-11-21T07:00:00.000Z',
      firstPolledAt: '2026-11-21T08:00:00.000Z',
    });
  });

  it('lists a new run’s jobs and records them before the run, whose event carries the job summary, when a later cycle finds it', async () => {
    // Arrange
    const store = new InMemoryStateStore();
    deviceFarm.on(ListRunsCommand).resolves({ runs: [finished] });
    await poll(store);
    const fresh = run('r-new', 'p-shop', { created: new Date('2026-11-21T07:58:00Z') });
    deviceFarm.on(ListRunsCommand).resolves({ runs: [fresh, finished] });
    deviceFarm.on(ListJobsCommand, { arn: runArn('r-new', 'p-shop') }).resolves({
      jobs: [
        job('00000', 'r-new', 'p-shop', { status: 'COMPLETED', result: 'FAILED' }),
        job('00001', 'r-new', 'p-shop', {}),
      ],
    });
    deviceFarm.resetHistory();

    // Act
    const report = await poll(store, { at: '2026-11-21T08:01:00.000Z' });

    // Assert
    expect(deviceFarm).toHaveReceivedCommandTimes(ListJobsCommand, 1);
    expect(deviceFarm).toHaveReceivedCommandWith(ListJobsCommand, { arn: runArn('r-new', 'p-shop') });
    expect(report.events.map((e) => `${e.kind} ${e.arn}`)).toEqual([
      `job ${jobArn('00000', 'r-new', 'p-shop')}`,
      `job ${jobArn('00001', 'r-new', 'p-shop')}`,
      `run ${runArn('r-new', 'p-shop')}`,
    ]);
    expect(report.events.every((e) => !e.baseline)).toBe(true);
    const runEvent = report.events[2];
    expect(runEvent?.state.jobSummary).toEqual({
      total: 2,
      byResult: { FAILED: 1, PENDING: 1 },
      notPassed: [
        {
          arn: jobArn('00000', 'r-new', 'p-shop'),
          name: 'Device 00000',
          status: 'COMPLETED',
          result: 'FAILED',
        },
      ],
      notPassedTruncated: 0,
    });
    expect(report.events[0]).toMatchObject({ parentArn: runArn('r-new', 'p-shop'), parentName: 'r-new' });
    expect(store.cursors.get(`devicefarm|${SHOP.arn}|run`)?.seenThrough).toBe('2026-11-21T07:58:00.000Z');
    expect(store.cursors.get(`devicefarm|${SHOP.arn}|run`)?.firstPolledAt).toBe('2026-11-21T08:00:00.000Z');
  });

  describe('a run finishing with jobs that did not pass', () => {
    const started = run('r-fail', 'p-shop', { created: new Date('2026-11-21T07:58:00Z') });
    const runArnOf = runArn('r-fail', 'p-shop');

    /** A run seen running, then finishing FAILED with one failed job. */
    async function finishFailing(store: InMemoryStateStore, log = new MemoryLog()): Promise<CycleReport> {
      deviceFarm.on(ListRunsCommand).resolves({ runs: [started] });
      await poll(store);
      deviceFarm.on(ListRunsCommand).resolves({ runs: [{ ...started, status: 'COMPLETED', result: 'FAILED' }] });
      deviceFarm.on(ListJobsCommand, { arn: runArnOf }).resolves({
        jobs: [job('00000', 'r-fail', 'p-shop', { status: 'COMPLETED', result: 'FAILED' })],
      });
      deviceFarm.resetHistory();
      return poll(store, { at: '2026-11-21T08:01:00.000Z', log });
    }

    it('reads its failing tests with one ListUniqueProblems for the run and records them on the run’s event', async () => {
      // Arrange
      const store = new InMemoryStateStore();
      deviceFarm.on(ListUniqueProblemsCommand, { arn: runArnOf }).resolves({
        uniqueProblems: {
          FAILED: [
            {
              message: 'expected 200',
              problems: [
                {
                  suite: { name: 'CheckoutTest' },
                  test: { name: 'testPay' },
                  device: { name: 'Google Pixel 8' },
                  result: 'FAILED',
                },
              ],
            },
          ],
        },
      });

      // Act
      const report = await finishFailing(store);

      // Assert
      expect(deviceFarm).toHaveReceivedCommandTimes(ListUniqueProblemsCommand, 1);
      expect(report.events.find((e) => e.kind === 'run')?.state.failingTests).toEqual({
        total: 1,
        tests: [
          {
            name: 'testPay',
            suite: 'CheckoutTest',
            result: 'FAILED',
            message: 'expected 200',
            deviceCount: 1,
            devices: ['Google Pixel 8'],
          },
        ],
      });
      expect(store.get(SHOP.arn, 'run', runArnOf)?.failingTests).toBeUndefined();
    });

    it('records the run without its tests, saying why, when ListUniqueProblems is refused', async () => {
      // Arrange
      const store = new InMemoryStateStore();
      const log = new MemoryLog();
      deviceFarm
        .on(ListUniqueProblemsCommand)
        .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));

      // Act
      const report = await finishFailing(store, log);

      // Assert
      expect(report.failures).toEqual([]);
      expect(report.events.find((e) => e.kind === 'run')).toMatchObject({
        to: { status: 'COMPLETED', result: 'FAILED' },
        state: { failingTests: { tests: [], total: 0, unavailable: 'AccessDeniedException: not allowed' } },
      });
      expect(log.messages('warn')).toContain(
        "A finished run's failing tests could not be read; its summary goes without them",
      );
    });
  });

  it('writes nothing and reads one ListRuns page per project when a cycle finds nothing new', async () => {
    // Arrange
    const store = new InMemoryStateStore();
    const adminRun = run('r-adm', 'p-admin', {
      status: 'COMPLETED',
      result: 'FAILED',
      created: new Date('2026-11-21T06:00:00Z'),
    });
    deviceFarm.on(ListProjectsCommand).resolves({ projects: [SHOP, ADMIN] });
    deviceFarm.on(ListRunsCommand, { arn: SHOP.arn }).resolves({ runs: [finished], nextToken: 'shop-page-2' });
    deviceFarm.on(ListRunsCommand, { arn: ADMIN.arn }).resolves({ runs: [adminRun], nextToken: 'admin-page-2' });
    deviceFarm.on(ListRunsCommand, { nextToken: 'shop-page-2' }).resolves({ runs: [] });
    deviceFarm.on(ListRunsCommand, { nextToken: 'admin-page-2' }).resolves({ runs: [] });
    await poll(store);
    deviceFarm.resetHistory();

    // Act
    const { report, writes, cursorSaves, reads } = await measured(store, { at: '2026-11-21T08:01:00.000Z' });

    // Assert
    expect(writes).toBe(0);
    expect(cursorSaves).toBe(0);
    expect(reads).toBe(0);
    expect(report.events).toEqual([]);
    expect(deviceFarm).toHaveReceivedCommandTimes(ListRunsCommand, 2);
    expect(deviceFarm).not.toHaveReceivedCommandWith(ListRunsCommand, { nextToken: 'shop-page-2' });
    expect(deviceFarm).not.toHaveReceivedCommandWith(ListRunsCommand, { nextToken: 'admin-page-2' });
    expect(deviceFarm).not.toHaveReceivedCommand(ListJobsCommand);
    expect(deviceFarm).not.toHaveReceivedCommand(GetRunCommand);
  });

  describe('an active run the listed pages do not reach', () => {
    const newer = run('r-newer', 'p-shop', {
      status: 'COMPLETED',
      result: 'PASSED',
      created: new Date('2026-11-21T07:30:00Z'),
    });
    const active = run('r-active', 'p-shop', { created: new Date('2026-11-21T07:00:00Z') });

    /** Baseline: the active run and a newer finished one; then the first page only reaches the newer one. */
    async function arrange(): Promise<InMemoryStateStore> {
      const store = new InMemoryStateStore();
      deviceFarm.on(ListRunsCommand).resolves({ runs: [newer, active] });
      await poll(store);
      deviceFarm.on(ListRunsCommand).resolves({ runs: [newer], nextToken: 'page-2' });
      deviceFarm.on(ListRunsCommand, { nextToken: 'page-2' }).resolves({ runs: [active] });
      deviceFarm.resetHistory();
      return store;
    }

    it('is read with GetRun and recorded with its jobs when it has finished', async () => {
      // Arrange
      const store = await arrange();
      deviceFarm.on(GetRunCommand, { arn: runArn('r-active', 'p-shop') }).resolves({
        run: { ...active, status: 'COMPLETED', result: 'FAILED' },
      });
      deviceFarm.on(ListJobsCommand, { arn: runArn('r-active', 'p-shop') }).resolves({
        jobs: [job('00000', 'r-active', 'p-shop', { status: 'COMPLETED', result: 'FAILED' })],
      });

      // Act
      const report = await poll(store, { at: '2026-11-21T08:01:00.000Z' });

      // Assert
      expect(deviceFarm).toHaveReceivedCommandTimes(GetRunCommand, 1);
      expect(deviceFarm).toHaveReceivedCommandWith(GetRunCommand, { arn: runArn('r-active', 'p-shop') });
      expect(deviceFarm).not.toHaveReceivedCommandWith(ListRunsCommand, { nextToken: 'page-2' });
      const runEvent = report.events.find((e) => e.kind === 'run');
      expect(runEvent).toMatchObject({
        from: { status: 'RUNNING', result: 'PENDING' },
        to: { status: 'COMPLETED', result: 'FAILED' },
        baseline: false,
      });
      expect(runEvent?.state.jobSummary?.byResult).toEqual({ FAILED: 1 });
      expect(store.get(SHOP.arn, 'run', runArn('r-active', 'p-shop'))?.terminal).toBe(true);
    });

    const notFound = () => new NotFoundException({ message: 'Run was not found', $metadata: { httpStatusCode: 400 } });

    it('is recorded as NOT_FOUND once, without listing jobs, when GetRun answers NotFoundException on two consecutive cycles', async () => {
      // Arrange
      const store = await arrange();
      deviceFarm.on(GetRunCommand).rejects(notFound());

      // Act
      const first = await poll(store, { at: '2026-11-21T08:01:00.000Z' });
      const second = await poll(store, { at: '2026-11-21T08:02:00.000Z' });
      const third = await poll(store, { at: '2026-11-21T08:03:00.000Z' });

      // Assert
      expect(first.events).toEqual([]);
      expect(first.failures).toEqual([
        {
          scope: SHOP.arn,
          kind: 'run',
          resource: runArn('r-active', 'p-shop'),
          error:
            'Device Farm answered NotFound for this run (status RUNNING); it is read again next cycle and recorded as deleted only if that read answers NotFound too',
        },
      ]);
      expect(second.failures).toEqual([]);
      expect(second.events).toHaveLength(1);
      expect(second.events[0]).toMatchObject({
        arn: runArn('r-active', 'p-shop'),
        from: { status: 'RUNNING', result: 'PENDING' },
        to: { status: 'NOT_FOUND', result: 'PENDING' },
        changed: ['status'],
      });
      expect(second.events[0]?.state.message).toBe('Device Farm no longer returns this resource');
      expect(third.events).toEqual([]);
      expect(deviceFarm).toHaveReceivedCommandTimes(GetRunCommand, 2);
      expect(deviceFarm).not.toHaveReceivedCommand(ListJobsCommand);
      expect(store.get(SHOP.arn, 'run', runArn('r-active', 'p-shop'))?.terminal).toBe(true);
    });

    it('is reported as a failed read, then followed as usual with the note cleared, when GetRun answers NotFoundException once', async () => {
      // Arrange
      const store = await arrange();
      const log = new MemoryLog();
      deviceFarm.on(GetRunCommand).rejectsOnce(notFound()).resolves({ run: active });

      // Act
      const first = await poll(store, { at: '2026-11-21T08:01:00.000Z', log });
      const noted = store.get(SHOP.arn, 'run', runArn('r-active', 'p-shop'))?.notFoundAt;
      const second = await measured(store, { at: '2026-11-21T08:02:00.000Z' });

      // Assert
      expect(first.events).toEqual([]);
      expect(first.failures.map((f) => f.resource)).toEqual([runArn('r-active', 'p-shop')]);
      expect(log.messages('warn')).toEqual(['A followed resource answered NotFound once; it is read again next cycle']);
      // The instant of the read, on the cycle's clock (one second per reading).
      expect(noted).toMatch(/^2026-11-21T08:01:0\d\.000Z$/);
      expect(second.report.failures).toEqual([]);
      expect(second.report.events).toEqual([]);
      expect(second.writes).toBe(0);
      expect(store.calls.clearNotFound).toBe(1);
      expect(store.get(SHOP.arn, 'run', runArn('r-active', 'p-shop'))).toMatchObject({
        status: 'RUNNING',
        terminal: false,
        version: 1,
      });
      expect(store.get(SHOP.arn, 'run', runArn('r-active', 'p-shop'))).not.toHaveProperty('notFoundAt');
    });
  });

  describe('a run in progress that was recorded with its jobs', () => {
    const progress = (overrides: Partial<Run>) =>
      run('r-live', 'p-shop', {
        created: new Date('2026-11-21T07:50:00Z'),
        totalJobs: 2,
        completedJobs: 0,
        counters: { total: 4, passed: 2, failed: 0, warned: 0, errored: 0, stopped: 0, skipped: 0 },
        deviceMinutes: { total: 3, metered: 3, unmetered: 0 },
        ...overrides,
      });
    const jobs = [job('00000', 'r-live', 'p-shop', {}), job('00001', 'r-live', 'p-shop', {})];

    /** First cycle: the run is new, so its jobs are listed and the run is stored with their summary. */
    async function arrange(): Promise<InMemoryStateStore> {
      const store = new InMemoryStateStore();
      deviceFarm.on(ListRunsCommand).resolves({ runs: [progress({})] });
      deviceFarm.on(ListJobsCommand).resolves({ jobs });
      await poll(store);
      deviceFarm.resetHistory();
      return store;
    }

    it('is not asked for its jobs, and nothing is read or written, when its listing is what was recorded', async () => {
      // Arrange
      const store = await arrange();

      // Act
      const { report, writes, reads } = await measured(store, { at: '2026-11-21T08:01:00.000Z' });

      // Assert
      expect(deviceFarm).not.toHaveReceivedCommand(ListJobsCommand);
      expect(deviceFarm).toHaveReceivedCommandTimes(ListRunsCommand, 1);
      expect(reads).toBe(0);
      expect(writes).toBe(0);
      expect(report.events).toEqual([]);
    });

    it('has its jobs listed when only completedJobs moved (a job that errored before any test ran)', async () => {
      // Arrange
      const store = await arrange();
      deviceFarm.on(ListRunsCommand).resolves({ runs: [progress({ completedJobs: 1 })] });
      deviceFarm.on(ListJobsCommand).resolves({
        jobs: [job('00000', 'r-live', 'p-shop', { status: 'COMPLETED', result: 'ERRORED' }), jobs[1] as Job],
      });

      // Act
      const report = await poll(store, { at: '2026-11-21T08:01:00.000Z' });

      // Assert
      expect(deviceFarm).toHaveReceivedCommandTimes(ListJobsCommand, 1);
      expect(report.events.map((e) => `${e.kind} ${e.arn} ${e.changed.join(',')}`)).toEqual([
        `job ${jobArn('00000', 'r-live', 'p-shop')} status,result`,
        `run ${runArn('r-live', 'p-shop')} counters`,
      ]);
      expect(report.events[1]?.state.jobCounts).toEqual({ completed: 1, total: 2 });
      expect(report.events[1]?.state.jobSummary?.byResult).toEqual({ ERRORED: 1, PENDING: 1 });
    });

    it('has its jobs listed when its test counters moved', async () => {
      // Arrange
      const store = await arrange();
      deviceFarm.on(ListRunsCommand).resolves({
        runs: [
          progress({ counters: { total: 4, passed: 2, failed: 1, warned: 0, errored: 0, stopped: 0, skipped: 0 } }),
        ],
      });

      // Act
      await poll(store, { at: '2026-11-21T08:01:00.000Z' });

      // Assert
      expect(deviceFarm).toHaveReceivedCommandTimes(ListJobsCommand, 1);
    });
  });

  describe('a cycle with a time budget (the Lambda poller)', () => {
    const THIRD = { arn: projectArn('p-third'), name: 'Third App' };

    /** Remaining milliseconds as the Lambda context would answer, one reading per scope started. */
    function remaining(...readings: number[]) {
      return { remainingMs: () => readings.shift() ?? 0 };
    }

    it('starts no scope once under 10 s are left, and the next cycle begins with the first it left out', async () => {
      // Arrange: one scope at a time, so the budget is read before each.
      const store = new InMemoryStateStore();
      const log = new MemoryLog();
      deviceFarm.on(ListProjectsCommand).resolves({ projects: [SHOP, ADMIN, THIRD] });
      const resume = {};
      const cycle = (budget: ReturnType<typeof remaining>) =>
        pollDeviceFarm({ client, store, settings: DEFAULT_SETTINGS, log, maxConcurrency: 1, budget, resume });

      // Act
      const first = await cycle(remaining(40_000, 20_000, 10_001, 10_000));
      const firstOrder = deviceFarm.commandCalls(ListRunsCommand).map((c) => c.args[0].input.arn);
      deviceFarm.resetHistory();
      const second = await cycle(remaining(...Array(6).fill(40_000)));
      const secondOrder = deviceFarm.commandCalls(ListRunsCommand).map((c) => c.args[0].input.arn);

      // Assert
      expect(first.deferred).toBe(3);
      expect(firstOrder).toEqual([SHOP.arn, ADMIN.arn]);
      expect(log.messages('warn')).toContain(
        'The cycle ran out of time; the scopes it did not start come first next cycle',
      );
      expect(log.lines.find((l) => l.level === 'warn')?.extra).toMatchObject({
        deferred: 3,
        of: 6,
        next: `${ADMIN.arn}#remote-access-session`,
      });
      expect(second.deferred).toBe(0);
      expect(secondOrder).toEqual([THIRD.arn, SHOP.arn, ADMIN.arn]);
      expect(resume).toEqual({ next: undefined });
    });
  });

  it('goes on with another project and names the failing one when one project’s ListRuns rejects', async () => {
    // Arrange
    const store = new InMemoryStateStore();
    const log = new MemoryLog();
    deviceFarm.on(ListProjectsCommand).resolves({ projects: [SHOP, ADMIN] });
    deviceFarm.on(ListRunsCommand, { arn: SHOP.arn }).rejects(new Error('Internal service error'));
    deviceFarm.on(ListRunsCommand, { arn: ADMIN.arn }).resolves({
      runs: [run('r-adm', 'p-admin', { created: new Date('2026-11-21T07:00:00Z') })],
    });

    // Act
    const report = await poll(store, { log });

    // Assert
    expect(report.failures).toEqual([{ scope: SHOP.arn, kind: 'run', error: 'Internal service error' }]);
    expect(report.events.map((e) => e.arn)).toEqual([runArn('r-adm', 'p-admin')]);
    expect(store.cursors.has(`devicefarm|${SHOP.arn}|run`)).toBe(false);
    expect(store.cursors.has(`devicefarm|${ADMIN.arn}|run`)).toBe(true);
    expect(log.messages('error')).toEqual(['Polling a Device Farm scope failed; the other scopes went on']);
    expect(log.lines.find((l) => l.level === 'error')?.extra).toMatchObject({
      cycleId: report.cycleId,
      service: 'devicefarm',
      scope: SHOP.arn,
    });
  });

  it.each([
    ['name', 'Admin App'],
    ['ARN', projectArn('p-admin')],
  ])('polls only the configured projects when settings list one by %s', async (_by, wanted) => {
    // Arrange
    const store = new InMemoryStateStore();
    deviceFarm.on(ListProjectsCommand).resolves({ projects: [SHOP, ADMIN, { arn: projectArn('p-old'), name: 'Old' }] });
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      deviceFarm: { ...DEFAULT_SETTINGS.deviceFarm, projects: [wanted] },
    };

    // Act
    const report = await poll(store, { settings });

    // Assert
    expect(report.projects).toBe(1);
    expect(deviceFarm).toHaveReceivedCommandTimes(ListRunsCommand, 1);
    expect(deviceFarm).toHaveReceivedCommandWith(ListRunsCommand, { arn: ADMIN.arn });
    expect(deviceFarm).toHaveReceivedCommandWith(ListRemoteAccessSessionsCommand, { arn: ADMIN.arn });
    expect(deviceFarm).toHaveReceivedCommandTimes(ListRemoteAccessSessionsCommand, 1);
  });

  it('warns about a configured project that does not exist and polls the ones that do', async () => {
    // Arrange
    const store = new InMemoryStateStore();
    const log = new MemoryLog();
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      deviceFarm: { ...DEFAULT_SETTINGS.deviceFarm, projects: ['Shop App', 'Gone App'] },
    };

    // Act
    const report = await poll(store, { settings, log });

    // Assert
    expect(report.projects).toBe(1);
    expect(log.lines).toContainEqual({
      level: 'warn',
      message: 'Configured Device Farm projects not found',
      extra: { missing: ['Gone App'] },
    });
  });

  it('counts an item without an ARN as malformed and records the others when the API returns one', async () => {
    // Arrange
    const store = new InMemoryStateStore();
    deviceFarm.on(ListRunsCommand).resolves({
      runs: [{ name: 'no arn', status: 'RUNNING', created: new Date('2026-11-21T07:59:00Z') }, finished],
    });

    // Act
    const report = await poll(store);

    // Assert
    expect(report.malformed).toBe(1);
    expect(report.failures).toEqual([]);
    expect(report.events.map((e) => e.arn)).toEqual([runArn('r-old', 'p-shop')]);
  });

  it('counts a job without an ARN as malformed when a run’s jobs are listed', async () => {
    // Arrange
    const store = new InMemoryStateStore();
    deviceFarm
      .on(ListRunsCommand)
      .resolves({ runs: [run('r-live', 'p-shop', { created: new Date('2026-11-21T07:59:00Z') })] });
    deviceFarm.on(ListJobsCommand).resolves({ jobs: [{ name: 'no arn' }, job('00000', 'r-live', 'p-shop', {})] });

    // Act
    const report = await poll(store);

    // Assert
    expect(report.malformed).toBe(1);
    expect(report.events.map((e) => e.kind)).toEqual(['job', 'run']);
    expect(report.events[1]?.state.jobSummary?.total).toBe(1);
  });

  it('lists test grid sessions created after the oldest active one, less a second, when the project was polled before', async () => {
    // Arrange
    const store = new InMemoryStateStore();
    const grid = { arn: gridProjectArn(), name: 'Web Checkout' };
    deviceFarm.on(ListTestGridProjectsCommand).resolves({ testGridProjects: [grid] });
    deviceFarm.on(ListTestGridSessionsCommand).resolves({
      testGridSessions: [{ arn: gridSessionArn('gs-1'), status: 'ACTIVE', created: new Date('2026-11-21T07:00:00Z') }],
    });
    await poll(store);
    deviceFarm.on(ListTestGridSessionsCommand).resolves({
      testGridSessions: [
        {
          arn: gridSessionArn('gs-1'),
          status: 'ERRORED',
          created: new Date('2026-11-21T07:00:00Z'),
          billingMinutes: 3,
        },
      ],
    });
    deviceFarm.resetHistory();

    // Act
    const report = await poll(store, { at: '2026-11-21T08:01:00.000Z' });

    // Assert
    expect(deviceFarm).toHaveReceivedCommandWith(ListTestGridSessionsCommand, {
      projectArn: grid.arn,
      creationTimeAfter: new Date('2026-11-21T06:59:59.000Z'),
    });
    expect(report.events).toHaveLength(1);
    expect(report.events[0]).toMatchObject({
      kind: 'test-grid-session',
      from: { status: 'ACTIVE' },
      to: { status: 'ERRORED' },
      minutesDelta: { billing: 3 },
    });
  });
});
