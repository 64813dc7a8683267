import type {
  Job,
  Problem,
  RemoteAccessSession,
  Run,
  TestGridSession,
  UniqueProblem,
} from '@aws-sdk/client-device-farm';
import type { Observation } from '../../../../lambda/core/observation';
import { LISTED_JOBS_LIMIT } from '../../../../lambda/core/observation';
import {
  failingTests,
  jobObservation,
  MISSING_STATUS,
  remoteAccessObservation,
  runObservation,
  summarizeJobs,
  testGridObservation,
} from '../../../../lambda/observe/device-farm/map';
import { gridProjectArn, gridSessionArn, jobArn, projectArn, runArn, sessionArn } from '../../../support/arns';
import { counters, jobObs } from '../../../support/builders';

const PROJECT = { arn: projectArn(), name: 'Shop App' };
const AT = '2026-11-21T08:00:05.000Z';
const PIXEL = {
  arn: 'arn:aws:devicefarm:us-west-2::device:PIXEL8',
  name: 'Google Pixel 8',
  platform: 'ANDROID' as const,
  os: '14',
};

describe('runObservation', () => {
  it('maps every field when the API sends them all', () => {
    // Arrange
    const run: Run = {
      arn: runArn(),
      name: 'nightly',
      status: 'COMPLETED',
      result: 'FAILED',
      created: new Date('2026-11-21T07:00:00Z'),
      started: new Date('2026-11-21T07:01:00Z'),
      stopped: new Date('2026-11-21T07:30:00Z'),
      message: 'Tests failed',
      counters: { total: 10, passed: 8, failed: 2, warned: 0, errored: 0, stopped: 0, skipped: 0 },
      deviceMinutes: { total: 25.3, metered: 25.3, unmetered: 0 },
    };

    // Act
    const observation = runObservation(run, PROJECT, AT);

    // Assert
    expect(observation).toEqual<Observation>({
      service: 'devicefarm',
      kind: 'run',
      arn: runArn(),
      name: 'nightly',
      scope: projectArn(),
      project: PROJECT,
      status: 'COMPLETED',
      result: 'FAILED',
      created: '2026-11-21T07:00:00.000Z',
      started: '2026-11-21T07:01:00.000Z',
      stopped: '2026-11-21T07:30:00.000Z',
      message: 'Tests failed',
      counters: counters({ total: 10, passed: 8, failed: 2 }),
      minutes: { total: 25.3, metered: 25.3, unmetered: 0 },
      observedAt: AT,
    });
  });

  it('leaves optional fields absent, names the run after its id and says UNKNOWN when the API omits them', () => {
    // Arrange
    const run: Run = { arn: runArn('r-42') };

    // Act
    const observation = runObservation(run, { arn: projectArn() }, AT);

    // Assert
    expect(observation).toEqual({
      service: 'devicefarm',
      kind: 'run',
      arn: runArn('r-42'),
      name: 'r-42',
      scope: projectArn(),
      project: { arn: projectArn() },
      status: 'UNKNOWN',
      observedAt: AT,
    });
    expect(MISSING_STATUS).toBe('UNKNOWN');
    expect(Object.keys(observation ?? {})).not.toContain('counters');
    expect(Object.keys(observation ?? {})).not.toContain('minutes');
  });

  it('returns undefined when the run has no ARN', () => {
    expect(runObservation({ name: 'no arn', status: 'RUNNING' }, PROJECT, AT)).toBeUndefined();
  });

  it('passes an unknown status and result through unchanged', () => {
    // Act
    const observation = runObservation(
      { arn: runArn(), status: 'QUEUED_FOR_REVIEW' as Run['status'], result: 'FLAKY' as Run['result'] },
      PROJECT,
      AT,
    );

    // Assert
    expect(observation?.status).toBe('QUEUED_FOR_REVIEW');
    expect(observation?.result).toBe('FLAKY');
  });

  it('fills absent counters with zero when the API sends a partial counters object', () => {
    // Act
    const observation = runObservation(
      { arn: runArn(), status: 'RUNNING', counters: { total: 3, passed: 1 } },
      PROJECT,
      AT,
    );

    // Assert
    expect(observation?.counters).toEqual(counters({ total: 3, passed: 1 }));
  });

  it.each([
    ['keeps only the meters present', { metered: 4.5 }, { metered: 4.5 }],
    ['omits minutes when deviceMinutes has no meter', {}, undefined],
  ])('%s in deviceMinutes', (_case, deviceMinutes, expected) => {
    // Act
    const observation = runObservation({ arn: runArn(), status: 'RUNNING', deviceMinutes }, PROJECT, AT);

    // Assert
    expect(observation?.minutes).toEqual(expected);
  });

  it('leaves a date out when it is invalid', () => {
    // Act
    const observation = runObservation(
      { arn: runArn(), status: 'RUNNING', created: new Date('not a date') },
      PROJECT,
      AT,
    );

    // Assert
    expect(observation).not.toHaveProperty('created');
  });
});

describe('jobObservation', () => {
  const RUN = { arn: runArn(), name: 'nightly' };

  it('scopes the job to its run and keeps its device when the API sends one', () => {
    // Arrange
    const job: Job = {
      arn: jobArn('00000'),
      name: 'Google Pixel 8',
      status: 'COMPLETED',
      result: 'PASSED',
      created: new Date('2026-11-21T07:02:00Z'),
      counters: { total: 4, passed: 4, failed: 0, warned: 0, errored: 0, stopped: 0, skipped: 0 },
      deviceMinutes: { total: 3.2, metered: 3.2, unmetered: 0 },
      device: PIXEL,
    };

    // Act
    const observation = jobObservation(job, RUN, PROJECT, AT);

    // Assert
    expect(observation).toEqual<Observation>({
      service: 'devicefarm',
      kind: 'job',
      arn: jobArn('00000'),
      name: 'Google Pixel 8',
      scope: runArn(),
      project: PROJECT,
      parentArn: runArn(),
      parentName: 'nightly',
      status: 'COMPLETED',
      result: 'PASSED',
      created: '2026-11-21T07:02:00.000Z',
      counters: counters({ total: 4, passed: 4 }),
      minutes: { total: 3.2, metered: 3.2, unmetered: 0 },
      device: { arn: PIXEL.arn, name: 'Google Pixel 8', platform: 'ANDROID', os: '14' },
      observedAt: AT,
    });
  });

  it('leaves device, counters and minutes absent when the API omits them', () => {
    // Act
    const observation = jobObservation({ arn: jobArn('00001') }, { arn: runArn() }, PROJECT, AT);

    // Assert
    expect(observation).toEqual({
      service: 'devicefarm',
      kind: 'job',
      arn: jobArn('00001'),
      name: '00001',
      scope: runArn(),
      project: PROJECT,
      parentArn: runArn(),
      status: 'UNKNOWN',
      observedAt: AT,
    });
  });

  it('keeps only the device fields present when the device is partial', () => {
    // Act
    const observation = jobObservation(
      { arn: jobArn('00002'), status: 'RUNNING', device: { name: 'iPhone 15' } },
      RUN,
      PROJECT,
      AT,
    );

    // Assert
    expect(observation?.device).toEqual({ name: 'iPhone 15' });
  });

  it('returns undefined when the job has no ARN', () => {
    expect(jobObservation({ name: 'Pixel', status: 'RUNNING' }, RUN, PROJECT, AT)).toBeUndefined();
  });
});

describe('remoteAccessObservation', () => {
  it('maps the session with its device and minutes when the API sends them', () => {
    // Arrange
    const session: RemoteAccessSession = {
      arn: sessionArn(),
      name: 'debug checkout',
      status: 'COMPLETED',
      result: 'PASSED',
      created: new Date('2026-11-21T07:00:00Z'),
      started: new Date('2026-11-21T07:00:30Z'),
      stopped: new Date('2026-11-21T07:20:30Z'),
      deviceMinutes: { total: 20, metered: 20, unmetered: 0 },
      device: PIXEL,
    };

    // Act
    const observation = remoteAccessObservation(session, PROJECT, AT);

    // Assert
    expect(observation).toEqual<Observation>({
      service: 'devicefarm',
      kind: 'remote-access-session',
      arn: sessionArn(),
      name: 'debug checkout',
      scope: projectArn(),
      project: PROJECT,
      status: 'COMPLETED',
      result: 'PASSED',
      created: '2026-11-21T07:00:00.000Z',
      started: '2026-11-21T07:00:30.000Z',
      stopped: '2026-11-21T07:20:30.000Z',
      minutes: { total: 20, metered: 20, unmetered: 0 },
      device: { arn: PIXEL.arn, name: 'Google Pixel 8', platform: 'ANDROID', os: '14' },
      observedAt: AT,
    });
  });

  it('has no minutes while the session runs and the API sends no deviceMinutes', () => {
    // Act
    const observation = remoteAccessObservation({ arn: sessionArn(), status: 'RUNNING' }, PROJECT, AT);

    // Assert
    expect(observation).not.toHaveProperty('minutes');
    expect(observation).not.toHaveProperty('device');
    expect(observation?.name).toBe('00000');
  });

  it('returns undefined when the session has no ARN', () => {
    expect(remoteAccessObservation({ status: 'RUNNING' }, PROJECT, AT)).toBeUndefined();
  });
});

describe('testGridObservation', () => {
  const GRID = { arn: gridProjectArn(), name: 'Web Checkout' };

  it('uses the session id as its name, created as started, ended as stopped and billingMinutes as billing', () => {
    // Arrange
    const session: TestGridSession = {
      arn: gridSessionArn('gs-9'),
      status: 'CLOSED',
      created: new Date('2026-11-21T07:00:00Z'),
      ended: new Date('2026-11-21T07:05:00Z'),
      billingMinutes: 5,
    };

    // Act
    const observation = testGridObservation(session, GRID, AT);

    // Assert
    expect(observation).toEqual<Observation>({
      service: 'devicefarm',
      kind: 'test-grid-session',
      arn: gridSessionArn('gs-9'),
      name: 'gs-9',
      scope: gridProjectArn(),
      project: GRID,
      status: 'CLOSED',
      created: '2026-11-21T07:00:00.000Z',
      started: '2026-11-21T07:00:00.000Z',
      stopped: '2026-11-21T07:05:00.000Z',
      minutes: { billing: 5 },
      observedAt: AT,
    });
  });

  it('has no minutes and status UNKNOWN when the API sends neither', () => {
    // Act
    const observation = testGridObservation({ arn: gridSessionArn() }, GRID, AT);

    // Assert
    expect(observation).toEqual({
      service: 'devicefarm',
      kind: 'test-grid-session',
      arn: gridSessionArn(),
      name: 'gs-1',
      scope: gridProjectArn(),
      project: GRID,
      status: 'UNKNOWN',
      observedAt: AT,
    });
  });

  it('returns undefined when the session has no ARN', () => {
    expect(testGridObservation({ status: 'ACTIVE' }, GRID, AT)).toBeUndefined();
  });
});

describe('summarizeJobs', () => {
  const done = (id: string, result: string | undefined, name = `Job ${id}`) =>
    jobObs(id, { status: 'COMPLETED', result, name });

  it('counts jobs by result and lists the finished ones that did not pass, worst first then by name', () => {
    // Arrange
    const jobs = [
      done('1', 'PASSED'),
      done('2', 'WARNED', 'Alpha'),
      done('3', 'FAILED', 'Zulu'),
      done('4', 'FAILED', 'Bravo'),
      done('5', 'SKIPPED'),
      done('6', 'ERRORED', 'Yankee'),
      done('7', 'STOPPED', 'Charlie'),
      jobObs('8', { status: 'RUNNING', result: 'PENDING' }),
      jobObs('9', { status: 'RUNNING', result: undefined }),
    ];

    // Act
    const summary = summarizeJobs(jobs);

    // Assert
    expect(summary.total).toBe(9);
    expect(summary.byResult).toEqual({
      PASSED: 1,
      WARNED: 1,
      FAILED: 2,
      SKIPPED: 1,
      ERRORED: 1,
      STOPPED: 1,
      PENDING: 2,
    });
    expect(summary.notPassed.map((j) => `${j.result} ${j.name}`)).toEqual([
      'ERRORED Yankee',
      'FAILED Bravo',
      'FAILED Zulu',
      'STOPPED Charlie',
      'WARNED Alpha',
    ]);
    expect(summary.notPassedTruncated).toBe(0);
  });

  it('lists an unknown result before the known ones (it needs a look)', () => {
    // Act
    const summary = summarizeJobs([done('1', 'ERRORED', 'A'), done('2', 'FLAKY', 'B')]);

    // Assert
    expect(summary.notPassed.map((j) => j.result)).toEqual(['FLAKY', 'ERRORED']);
  });

  it('carries each not-passed job brief with its device, counters, minutes and message', () => {
    // Arrange
    const job = jobObs('1', {
      status: 'COMPLETED',
      result: 'FAILED',
      name: 'Google Pixel 8',
      device: { name: 'Google Pixel 8', platform: 'ANDROID', os: '14' },
      counters: counters({ total: 2, passed: 1, failed: 1 }),
      minutes: { total: 2, metered: 2 },
      message: 'Assertion failed',
    });

    // Act
    const [brief] = summarizeJobs([job]).notPassed;

    // Assert
    expect(brief).toEqual({
      arn: jobArn('1'),
      name: 'Google Pixel 8',
      status: 'COMPLETED',
      result: 'FAILED',
      device: { name: 'Google Pixel 8', platform: 'ANDROID', os: '14' },
      counters: counters({ total: 2, passed: 1, failed: 1 }),
      minutes: { total: 2, metered: 2 },
      message: 'Assertion failed',
    });
  });

  it('lists 25 jobs and counts the rest as truncated when more than 25 did not pass', () => {
    // Arrange
    const jobs = Array.from({ length: 30 }, (_, i) =>
      done(String(i).padStart(5, '0'), 'FAILED', `Device ${String(i).padStart(2, '0')}`),
    );

    // Act
    const summary = summarizeJobs(jobs);

    // Assert
    expect(LISTED_JOBS_LIMIT).toBe(25);
    expect(summary.notPassed).toHaveLength(25);
    expect(summary.notPassed[0]?.name).toBe('Device 00');
    expect(summary.notPassed[24]?.name).toBe('Device 24');
    expect(summary.notPassedTruncated).toBe(5);
    expect(summary.byResult).toEqual({ FAILED: 30 });
  });

  it('returns an empty summary when the run has no jobs', () => {
    expect(summarizeJobs([])).toEqual({ total: 0, byResult: {}, notPassed: [], notPassedTruncated: 0 });
  });
});

describe('failingTests', () => {
  const device = (name: string) => ({ arn: `arn:aws:devicefarm:us-west-2::device:${name}`, name });
  const problem = (suite: string, test: string | undefined, onDevice: string, result = 'FAILED'): Problem => ({
    run: { arn: runArn(), name: 'nightly' },
    job: { arn: jobArn(onDevice), name: `Tests on ${onDevice}` },
    suite: { arn: `${runArn()}/suite/${suite}`, name: suite },
    ...(test === undefined ? {} : { test: { arn: `${runArn()}/test/${test}`, name: test } }),
    device: device(onDevice),
    result: result as Problem['result'],
  });
  const unique = (message: string, ...problems: Problem[]): UniqueProblem => ({ message, problems });

  it('makes one entry per test across pages and devices, worst result and most devices first', () => {
    // Arrange: two pages, as paginateListUniqueProblems yields them.
    const pages = [
      {
        FAILED: [
          unique(
            'expected 200',
            problem('CheckoutTest', 'testPay', 'Pixel 8'),
            problem('CheckoutTest', 'testPay', 'Galaxy S24'),
          ),
          unique('timeout', problem('LoginTest', 'testLogin', 'Pixel 8')),
        ],
        PASSED: [unique('fine', problem('CheckoutTest', 'testCart', 'Pixel 8', 'PASSED'))],
      },
      {
        ERRORED: [unique('Appium server failed to start', problem('Setup Suite', undefined, 'Moto G', 'ERRORED'))],
        FAILED: [unique('expected 200 again', problem('CheckoutTest', 'testPay', 'Pixel 8'))],
      },
    ];

    // Act
    const result = failingTests(pages);

    // Assert
    expect(result).toEqual({
      total: 3,
      tests: [
        {
          name: 'testPay',
          suite: 'CheckoutTest',
          result: 'FAILED',
          message: 'expected 200',
          deviceCount: 2,
          devices: ['Galaxy S24', 'Pixel 8'],
        },
        {
          name: 'Setup Suite',
          result: 'ERRORED',
          message: 'Appium server failed to start',
          deviceCount: 1,
          devices: ['Moto G'],
        },
        {
          name: 'testLogin',
          suite: 'LoginTest',
          result: 'FAILED',
          message: 'timeout',
          deviceCount: 1,
          devices: ['Pixel 8'],
        },
      ],
    });
  });

  it('keeps the first 50 tests and three device names each, counting the rest, and cuts long text', () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      unique(
        `${'x'.repeat(300)} ${i}`,
        ...['A', 'B', 'C', 'D'].map((d) => problem('Suite', `test${String(i).padStart(2, '0')}`, d)),
      ),
    );

    const result = failingTests([{ FAILED: many }]);

    expect(result.total).toBe(60);
    expect(result.tests).toHaveLength(50);
    expect(result.tests[0]).toMatchObject({ name: 'test00', deviceCount: 4, devices: ['A', 'B', 'C'] });
    expect(result.tests[0]?.message).toHaveLength(160);
    expect(result.tests[0]?.message?.endsWith('…')).toBe(true);
  });

  it('reports no failing test when every problem passed or was skipped', () => {
    expect(failingTests([{ PASSED: [unique('ok', problem('S', 't', 'A', 'PASSED'))], SKIPPED: [] }])).toEqual({
      tests: [],
      total: 0,
    });
  });
});
