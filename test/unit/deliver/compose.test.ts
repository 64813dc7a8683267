import type { JobSummary, Observation } from '../../../lambda/core/observation';
import { compose } from '../../../lambda/deliver/compose';
import type { ChangeNotice, ChangeNoticeType } from '../../../lambda/deliver/rules';
import type { ChangeEvent } from '../../../lambda/record/change-event';
import { jobArn, runArn } from '../../support/arns';
import { changeEvent, counters, jobFinished, runFinished } from '../../support/builders';

const PIXEL = { name: 'Google Pixel 8', platform: 'ANDROID', os: '14' };
const GALAXY = { name: 'Samsung Galaxy S24', platform: 'ANDROID', os: '14' };

function notice(type: ChangeNoticeType, subject: ChangeEvent, jobs: ChangeEvent[] = []): ChangeNotice {
  return { type, subject, jobs, covers: type === 'jobs-finished' ? jobs : [subject, ...jobs] };
}

/** The jobs-finished notice for `jobs`, the first of them its subject. */
function jobGroup(...jobs: ChangeEvent[]): ChangeNotice {
  return notice('jobs-finished', jobs[0] as ChangeEvent, jobs);
}

/** A remote access session finishing RUNNING → COMPLETED with `result`. */
function sessionFinished(result: string, state?: Partial<Observation>): ChangeNotice {
  return notice(
    'session-finished',
    changeEvent('remote-access-session', { from: { status: 'RUNNING' }, to: { status: 'COMPLETED', result }, state }),
  );
}

/** A test grid session moving from ACTIVE to `status`. */
function gridSession(status: string, state?: Partial<Observation>): ChangeNotice {
  return notice(
    'test-grid-session',
    changeEvent('test-grid-session', { from: { status: 'ACTIVE' }, to: { status }, state }),
  );
}

const TWO_NOT_PASSED: JobSummary = {
  total: 5,
  byResult: { PASSED: 3, FAILED: 1, ERRORED: 1 },
  notPassed: [
    {
      arn: jobArn('00003'),
      name: 'Samsung Galaxy S24',
      status: 'COMPLETED',
      result: 'ERRORED',
      device: GALAXY,
      minutes: { total: 1.2, metered: 1.2, unmetered: 0 },
      message: 'Device went offline',
    },
    {
      arn: jobArn('00001'),
      name: 'Google Pixel 8',
      status: 'COMPLETED',
      result: 'FAILED',
      device: PIXEL,
      counters: counters({ total: 12, passed: 10, failed: 2 }),
      minutes: { total: 6.4, metered: 6.4, unmetered: 0 },
    },
  ],
  notPassedTruncated: 0,
};

const FAILED_RUN: Partial<Observation> = {
  jobSummary: TWO_NOT_PASSED,
  counters: counters({ total: 60, passed: 56, failed: 2, errored: 2 }),
  minutes: { total: 25.3, metered: 25.3, unmetered: 0 },
  observedAt: '2026-11-21T08:00:00.000Z',
};

const RUN_ARN = 'arn:aws:devicefarm:us-west-2:123456789012:run:p-app/r-nightly';
const PROJECT_LINE = 'Shop App (arn:aws:devicefarm:us-west-2:123456789012:project:p-app)';
const RUN_CONSOLE =
  'https://us-west-2.console.aws.amazon.com/devicefarm/home?region=us-west-2#/mobile/projects/p-app/runs/r-nightly';

describe('compose', () => {
  describe('golden texts', () => {
    it('writes the run summary with its jobs that did not pass when a run finished FAILED', () => {
      // Arrange
      const run = runFinished('FAILED', FAILED_RUN);

      // Act
      const { subject, text } = compose(notice('run-finished', run));

      // Assert
      expect(subject).toBe('FAILED: run nightly (2 of 5 jobs did not pass)');
      expect(text).toBe(
        [
          'Device Farm run nightly finished with result FAILED.',
          '',
          'Run      nightly',
          `ARN      ${RUN_ARN}`,
          `Project  ${PROJECT_LINE}`,
          'Status   RUNNING → COMPLETED',
          'Result   PENDING → FAILED',
          'Jobs     5: ERRORED 1, FAILED 1, PASSED 3',
          'Tests    60 tests: 56 passed, 2 failed, 2 errored',
          'Minutes  25.3 min (metered)',
          `Console  ${RUN_CONSOLE}`,
          '',
          'Jobs that did not pass:',
          '- ERRORED  Samsung Galaxy S24 (ANDROID 14)',
          '  arn:aws:devicefarm:us-west-2:123456789012:job:p-app/r-nightly/00003',
          '  1.2 min (metered) · "Device went offline"',
          '- FAILED  Google Pixel 8 (ANDROID 14)',
          '  arn:aws:devicefarm:us-west-2:123456789012:job:p-app/r-nightly/00001',
          '  12 tests: 10 passed, 2 failed · 6.4 min (metered)',
          '',
          `Observed 2026-11-21T08:00:00.000Z by Vigil (event ${RUN_ARN}@2).`,
          'To stop messages like this one, set rules.runFinished to false in vigil.config.json.',
        ].join('\n'),
      );
    });

    it('writes one message naming each job and its device when two jobs of a running run fail', () => {
      // Arrange
      const pixel = jobFinished('00000', 'FAILED', 'nightly', {
        name: 'Google Pixel 8',
        device: PIXEL,
        counters: counters({ total: 4, passed: 3, failed: 1 }),
      });
      const other = jobFinished('00001', 'ERRORED', 'nightly', { name: 'Smoke tests', device: GALAXY });

      // Act
      const { subject, text } = compose(jobGroup(pixel, other));

      // Assert
      expect(subject).toBe('ERRORED: 2 jobs in run nightly (1 FAILED, 1 ERRORED)');
      expect(text).toBe(
        [
          '2 jobs of Device Farm run nightly finished without passing.',
          '',
          'Run      nightly',
          `Run ARN  ${RUN_ARN}`,
          `Project  ${PROJECT_LINE}`,
          `Console  ${RUN_CONSOLE}`,
          '',
          'Jobs:',
          '- FAILED  Google Pixel 8 (ANDROID 14)',
          '  arn:aws:devicefarm:us-west-2:123456789012:job:p-app/r-nightly/00000',
          '  4 tests: 3 passed, 1 failed',
          '- ERRORED  Smoke tests on Samsung Galaxy S24 (ANDROID 14)',
          '  arn:aws:devicefarm:us-west-2:123456789012:job:p-app/r-nightly/00001',
          '',
          'The run is still going; its summary follows when it finishes.',
          '',
          'Observed 2026-11-21T08:00:00.000Z by Vigil (event arn:aws:devicefarm:us-west-2:123456789012:job:p-app/r-nightly/00000@2).',
          'To stop messages like this one, remove the result from rules.jobResults in vigil.config.json.',
        ].join('\n'),
      );
    });

    it('writes the session’s device, minutes and times when a remote access session finishes', () => {
      // Arrange
      const session = changeEvent('remote-access-session', {
        from: { status: 'RUNNING', result: 'PENDING' },
        to: { status: 'COMPLETED', result: 'PASSED' },
        state: {
          device: PIXEL,
          minutes: { total: 20.04, metered: 20.04, unmetered: 0 },
          started: '2026-11-21T07:40:00.000Z',
          stopped: '2026-11-21T08:00:00.000Z',
        },
      });

      // Act
      const { subject, text } = compose(notice('session-finished', session));

      // Assert
      expect(subject).toBe('PASSED: remote access session debug checkout (20 min)');
      expect(text).toBe(
        [
          'Device Farm remote access session debug checkout finished with result PASSED.',
          '',
          'Session  debug checkout',
          'ARN      arn:aws:devicefarm:us-west-2:123456789012:session:p-app/s-debug/00000',
          `Project  ${PROJECT_LINE}`,
          'Device   Google Pixel 8 (ANDROID 14)',
          'Status   RUNNING → COMPLETED',
          'Result   PENDING → PASSED',
          'Minutes  20 min (metered)',
          'Started  2026-11-21T07:40:00.000Z',
          'Stopped  2026-11-21T08:00:00.000Z',
          '',
          'Observed 2026-11-21T08:00:00.000Z by Vigil (event arn:aws:devicefarm:us-west-2:123456789012:session:p-app/s-debug/00000@2).',
          'To stop messages like this one, set rules.remoteAccessFinished to false in vigil.config.json.',
        ].join('\n'),
      );
    });

    it('writes the status change and billed minutes when a test grid session errors', () => {
      // Arrange
      const session = changeEvent('test-grid-session', {
        from: { status: 'ACTIVE' },
        to: { status: 'ERRORED' },
        state: { minutes: { billing: 3 }, created: '2026-11-21T07:55:00.000Z', stopped: '2026-11-21T07:58:00.000Z' },
      });

      // Act
      const { subject, text } = compose(notice('test-grid-session', session));

      // Assert
      expect(subject).toBe('ERRORED: test grid session gs-1 in Web Checkout');
      expect(text).toBe(
        [
          'Device Farm test grid session gs-1 is now ERRORED.',
          '',
          'Session  gs-1',
          'ARN      arn:aws:devicefarm:us-west-2:123456789012:testgrid-session:g-web/gs-1',
          'Project  Web Checkout (arn:aws:devicefarm:us-west-2:123456789012:testgrid-project:g-web)',
          'Status   ACTIVE → ERRORED',
          'Minutes  3 min billed',
          'Created  2026-11-21T07:55:00.000Z',
          'Ended    2026-11-21T07:58:00.000Z',
          '',
          'Observed 2026-11-21T08:00:00.000Z by Vigil (event arn:aws:devicefarm:us-west-2:123456789012:testgrid-session:g-web/gs-1@2).',
          'To stop messages like this one, remove the status from rules.testGridStatuses in vigil.config.json.',
        ].join('\n'),
      );
    });

    it('names the unknown value and says Vigil keeps following when a run shows an unknown status', () => {
      // Arrange
      const odd = changeEvent('run', {
        from: { status: 'RUNNING', result: 'PENDING' },
        to: { status: 'QUEUED_FOR_REVIEW', result: 'PENDING' },
      });

      // Act
      const { subject, text } = compose(notice('unknown-status', odd));

      // Assert
      expect(subject).toBe('Unknown Device Farm value QUEUED_FOR_REVIEW: run nightly');
      expect(text).toBe(
        [
          'Device Farm reported a value Vigil does not know for run nightly. It is recorded as it is and Vigil keeps following the run.',
          '',
          'Run      nightly',
          `ARN      ${RUN_ARN}`,
          `Project  ${PROJECT_LINE}`,
          'Status   RUNNING → QUEUED_FOR_REVIEW',
          'Result   PENDING',
          '',
          `Observed 2026-11-21T08:00:00.000Z by Vigil (event ${RUN_ARN}@2).`,
          'To stop messages like this one, set rules.unknownStatus to false in vigil.config.json.',
        ].join('\n'),
      );
    });
  });

  describe('subjects', () => {
    const allPassed: JobSummary = { total: 3, byResult: { PASSED: 3 }, notPassed: [], notPassedTruncated: 0 };
    const truncated: JobSummary = { ...TWO_NOT_PASSED, total: 40, notPassedTruncated: 28 };

    it.each<[string, () => ChangeNotice, string]>([
      [
        'a run whose jobs all passed',
        () => notice('run-finished', runFinished('PASSED', { jobSummary: allPassed })),
        'PASSED: run nightly (3 of 3 jobs passed)',
      ],
      [
        'a run with truncated not-passed jobs',
        () => notice('run-finished', runFinished('FAILED', { jobSummary: truncated })),
        'FAILED: run nightly (30 of 40 jobs did not pass)',
      ],
      ['a run without a job summary', () => notice('run-finished', runFinished('STOPPED')), 'STOPPED: run nightly'],
      [
        'one failing job',
        () => jobGroup(jobFinished('00000', 'FAILED', 'nightly', { name: 'Google Pixel 8' })),
        'FAILED: job Google Pixel 8 in run nightly',
      ],
      [
        'three jobs of a run',
        () => jobGroup(jobFinished('1', 'WARNED'), jobFinished('2', 'STOPPED'), jobFinished('3', 'WARNED')),
        'STOPPED: 3 jobs in run nightly (2 WARNED, 1 STOPPED)',
      ],
      ['a session without minutes', () => sessionFinished('STOPPED'), 'STOPPED: remote access session debug checkout'],
      [
        'a session with metered minutes only',
        () => sessionFinished('PASSED', { minutes: { metered: 12.345 } }),
        'PASSED: remote access session debug checkout (12.3 min)',
      ],
      [
        'a test grid session in a project without a name',
        () =>
          gridSession('CLOSED', {
            project: { arn: 'arn:aws:devicefarm:us-west-2:123456789012:testgrid-project:g-web' },
          }),
        'CLOSED: test grid session gs-1 in arn:aws:devicefarm:us-west-2:123456789012:testgrid-project:g-web',
      ],
      [
        'an unknown job result',
        () =>
          notice(
            'unknown-status',
            changeEvent('job', {
              from: { status: 'RUNNING', result: 'PENDING' },
              to: { status: 'RUNNING', result: 'FLAKY' },
            }),
          ),
        'Unknown Device Farm value FLAKY: job Job 00000',
      ],
      [
        'a session first seen with an unknown status and a known result',
        () =>
          notice(
            'unknown-status',
            changeEvent('remote-access-session', { to: { status: 'QUEUED', result: 'PENDING' } }),
          ),
        'Unknown Device Farm value QUEUED: remote access session debug checkout',
      ],
      [
        'a run moving to an unknown status while its result changes to a known one',
        () =>
          notice(
            'unknown-status',
            changeEvent('run', {
              from: { status: 'RUNNING', result: 'PENDING' },
              to: { status: 'ARCHIVED', result: 'PASSED' },
            }),
          ),
        'Unknown Device Farm value ARCHIVED: run nightly',
      ],
    ])('says exactly what happened for %s', (_case, build, expected) => {
      // Act / Assert
      expect(compose(build()).subject).toBe(expected);
    });

    it('folds line breaks and tabs in names into spaces so SNS accepts the subject', () => {
      // Arrange
      const run = runFinished('FAILED', { name: 'nightly\nbuild\t42\r\n' });

      // Act
      const { subject, document } = compose(notice('run-finished', run));

      // Assert
      expect(subject).toBe('FAILED: run nightly build 42');
      // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting there are none is the point
      expect(subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(document.subject).toBe(subject);
    });

    it('cuts the name to fit 99 characters, ending it in "..." in the subject and "…" in the document, when the name is long', () => {
      // Arrange
      const run = runFinished('FAILED', { name: `release candidate ${'x'.repeat(150)}` });

      // Act
      const { subject, document } = compose(notice('run-finished', run));

      // Assert
      expect(subject).toBe(`FAILED: run release candidate ${'x'.repeat(66)}...`);
      expect(document.subject).toBe(`FAILED: run release candidate ${'x'.repeat(68)}…`);
      expect(document.resource?.name).toBe(`release candidate ${'x'.repeat(150)}`);
    });

    it('transliterates a German run name in the subject and keeps it in the document and the text', () => {
      // Arrange
      const name = 'Nächtlicher Lauf — Android 🚀';
      const run = runFinished('FAILED', { name, jobSummary: TWO_NOT_PASSED });

      // Act
      const { subject, document, text } = compose(notice('run-finished', run));

      // Assert
      expect(subject).toBe('FAILED: run Nachtlicher Lauf - Android (2 of 5 jobs did not pass)');
      expect(document.subject).toBe('FAILED: run Nächtlicher Lauf — Android 🚀 (2 of 5 jobs did not pass)');
      expect(document.resource?.name).toBe(name);
      expect(text.split('\n')[0]).toBe(`Device Farm run ${name} finished with result FAILED.`);
    });

    it('leaves a Japanese run name out of the subject but keeps the counts, when nothing of it is ASCII', () => {
      // Arrange
      const run = runFinished('FAILED', { name: '夜間テスト', jobSummary: TWO_NOT_PASSED });

      // Act
      const { subject, document } = compose(notice('run-finished', run));

      // Assert
      expect(subject).toBe('FAILED: run (2 of 5 jobs did not pass)');
      expect(document.subject).toBe('FAILED: run 夜間テスト (2 of 5 jobs did not pass)');
    });
  });

  describe('attributes and document', () => {
    it('sets service, kind, event type, severity and project on a run summary', () => {
      // Act
      const { attributes, document } = compose(notice('run-finished', runFinished('FAILED', FAILED_RUN)));

      // Assert
      expect(attributes).toEqual({
        service: 'devicefarm',
        kind: 'run',
        eventType: 'run-finished',
        severity: 'error',
        project: 'Shop App',
      });
      expect(document).toMatchObject({
        source: 'vigil',
        version: 1,
        eventType: 'run-finished',
        severity: 'error',
        service: 'devicefarm',
        consoleUrl: RUN_CONSOLE,
        jobSummary: TWO_NOT_PASSED,
        observedAt: '2026-11-21T08:00:00.000Z',
      });
    });

    it('lists every covered event id, subject first, in the document', () => {
      // Arrange
      const run = runFinished('FAILED', FAILED_RUN);
      const job = jobFinished('00001', 'FAILED');

      // Act
      const { document } = compose(notice('run-finished', run, [job]));

      // Assert
      expect(document.eventIds).toEqual([`${RUN_ARN}@2`, `${jobArn('00001')}@2`]);
      expect(document.jobs.map((j) => j.arn)).toEqual([jobArn('00001')]);
    });

    it('labels a job group kind "job" and links the run console page', () => {
      // Arrange
      const jobs = [jobFinished('00000', 'FAILED'), jobFinished('00001', 'WARNED')];

      // Act
      const { attributes, document } = compose(jobGroup(...jobs));

      // Assert
      expect(attributes).toEqual({
        service: 'devicefarm',
        kind: 'job',
        eventType: 'jobs-finished',
        severity: 'error',
        project: 'Shop App',
      });
      expect(document.consoleUrl).toBe(RUN_CONSOLE);
      expect(document.eventIds).toEqual([`${jobArn('00000')}@2`, `${jobArn('00001')}@2`]);
      expect(document).not.toHaveProperty('jobSummary');
      expect(document.resource).toEqual({
        kind: 'job',
        arn: jobArn('00000'),
        name: 'Job 00000',
        status: 'COMPLETED',
        result: 'FAILED',
        from: { status: 'RUNNING', result: 'PENDING' },
      });
    });

    it.each<[string, () => ChangeNotice, { kind: string; eventType: ChangeNoticeType; project: string }]>([
      [
        'a remote access session',
        () => sessionFinished('PASSED'),
        { kind: 'remote-access-session', eventType: 'session-finished', project: 'Shop App' },
      ],
      [
        'a test grid session',
        () => gridSession('ERRORED'),
        { kind: 'test-grid-session', eventType: 'test-grid-session', project: 'Web Checkout' },
      ],
      [
        'an unknown status of a job',
        () => notice('unknown-status', changeEvent('job', { from: { status: 'RUNNING' }, to: { status: 'PAUSED' } })),
        { kind: 'job', eventType: 'unknown-status', project: 'Shop App' },
      ],
    ])('labels %s for subscription filters', (_case, build, expected) => {
      // Act
      const { attributes } = compose(build());

      // Assert
      expect(attributes).toMatchObject({ service: 'devicefarm', ...expected });
      expect(Object.values(attributes).every((v) => v !== '')).toBe(true);
    });

    it('uses the project ARN as the project attribute when the project has no name', () => {
      // Arrange
      const run = runFinished('PASSED', { project: { arn: 'arn:aws:devicefarm:us-west-2:123456789012:project:p-x' } });

      // Act / Assert
      expect(compose(notice('run-finished', run)).attributes.project).toBe(
        'arn:aws:devicefarm:us-west-2:123456789012:project:p-x',
      );
    });
  });

  describe('severity', () => {
    const passedButWarned: JobSummary = {
      total: 2,
      byResult: { PASSED: 1, WARNED: 1 },
      notPassed: [{ arn: jobArn('1'), name: 'Pixel', status: 'COMPLETED', result: 'WARNED' }],
      notPassedTruncated: 0,
    };

    it.each<[string, () => ChangeNotice, string]>([
      ['a run that passed', () => notice('run-finished', runFinished('PASSED')), 'info'],
      [
        'a run that passed with a job that did not',
        () => notice('run-finished', runFinished('PASSED', { jobSummary: passedButWarned })),
        'warning',
      ],
      ['a run that was skipped', () => notice('run-finished', runFinished('SKIPPED')), 'info'],
      ['a run that failed', () => notice('run-finished', runFinished('FAILED')), 'error'],
      ['a run that errored', () => notice('run-finished', runFinished('ERRORED')), 'error'],
      ['a run that was stopped', () => notice('run-finished', runFinished('STOPPED')), 'warning'],
      ['a run that warned', () => notice('run-finished', runFinished('WARNED')), 'warning'],
      [
        'jobs whose worst result is STOPPED',
        () => jobGroup(jobFinished('1', 'WARNED'), jobFinished('2', 'STOPPED')),
        'warning',
      ],
      ['a session that passed', () => sessionFinished('PASSED'), 'info'],
      ['a session that errored', () => sessionFinished('ERRORED'), 'error'],
      ['an errored test grid session', () => gridSession('ERRORED'), 'error'],
      [
        'an unknown status',
        () => notice('unknown-status', changeEvent('run', { from: { status: 'RUNNING' }, to: { status: 'QUEUED' } })),
        'warning',
      ],
    ])('is right for %s', (_case, build, expected) => {
      // Act
      const { attributes, document } = compose(build());

      // Assert
      expect(attributes.severity).toBe(expected);
      expect(document.severity).toBe(expected);
    });
  });

  it('lists how many not-passed jobs were left out when the summary was truncated', () => {
    // Arrange
    const run = runFinished('FAILED', { jobSummary: { ...TWO_NOT_PASSED, total: 40, notPassedTruncated: 28 } });

    // Act
    const { text } = compose(notice('run-finished', run));

    // Assert
    expect(text).toContain('\n  12 tests: 10 passed, 2 failed · 6.4 min (metered)\n… and 28 more\n\nObserved ');
  });

  describe('failing tests', () => {
    const test = (i: number, deviceCount = 1) => ({
      name: `test${i}`,
      suite: 'CheckoutTest',
      result: 'FAILED',
      message: `assertion ${i}`,
      deviceCount,
      devices: ['Google Pixel 8', 'OnePlus 11', 'Pixel 7a'].slice(0, deviceCount),
    });

    it('names the first five by device count and says how many more there are', () => {
      // Arrange: 7 failing tests; the event kept all of them.
      const tests = [test(1, 4), ...[2, 3, 4, 5, 6, 7].map((i) => test(i))];
      const run = runFinished('FAILED', { jobSummary: TWO_NOT_PASSED, failingTests: { tests, total: 7 } });

      // Act
      const { text, document } = compose(notice('run-finished', run));

      // Assert
      expect(text).toContain(
        [
          '\nFailing tests (5 of 7, most devices first):',
          '- FAILED  CheckoutTest › test1  on 4 devices (Google Pixel 8, OnePlus 11, Pixel 7a, …)',
          '  "assertion 1"',
          '- FAILED  CheckoutTest › test2  on 1 device (Google Pixel 8)',
          '  "assertion 2"',
        ].join('\n'),
      );
      expect(text).toContain('\n… and 2 more (vigil history and vigil report list them)\n\nObserved ');
      expect(document.failingTests?.tests.map((t) => t.name)).toEqual(['test1', 'test2', 'test3', 'test4', 'test5']);
      expect(document.failingTests?.total).toBe(7);
    });

    it('says the failing tests could not be read, and why, when ListUniqueProblems was refused', () => {
      const run = runFinished('FAILED', {
        jobSummary: TWO_NOT_PASSED,
        failingTests: { tests: [], total: 0, unavailable: 'AccessDeniedException: not allowed' },
      });

      const { text } = compose(notice('run-finished', run));

      expect(text).toContain('\n\nFailing tests could not be read (AccessDeniedException: not allowed).\n\nObserved ');
    });
  });

  it('writes no empty parentheses after a job whose name contains a device that has no platform', () => {
    // Arrange
    const job = jobFinished('00000', 'FAILED', 'nightly', { name: 'Tests on Pixel', device: { name: 'Pixel' } });

    // Act
    const { text } = compose(jobGroup(job));

    // Assert
    expect(text).toContain('\n- FAILED  Tests on Pixel\n');
  });

  it('links the console page of the job’s own run when composing a job group', () => {
    // Arrange
    const job = jobFinished('00000', 'FAILED', 'weekly');

    // Act
    const { document } = compose(jobGroup(job));

    // Assert
    expect(document.consoleUrl).toBe(
      'https://us-west-2.console.aws.amazon.com/devicefarm/home?region=us-west-2#/mobile/projects/p-app/runs/r-weekly',
    );
    expect(runArn('r-weekly')).toBe(job.parentArn);
  });

  it('names 25 jobs of a large job group, counts the rest, and clips stack-trace messages', () => {
    // Arrange: 30 failing jobs of one run in one batch, each with a long message
    const trace = 'at com.example.CheckoutTest.testPay(CheckoutTest.java:42) '.repeat(20);
    const jobs = Array.from({ length: 30 }, (_, i) =>
      jobFinished(String(i).padStart(5, '0'), 'FAILED', 'nightly', { message: trace }),
    );

    // Act
    const { subject, text, document } = compose(jobGroup(...jobs));

    // Assert
    expect(subject).toBe('FAILED: 30 jobs in run nightly (30 FAILED)');
    expect(document.jobs).toHaveLength(25);
    expect(document.jobsLeftOut).toBe(5);
    expect(document.eventIds).toHaveLength(30);
    expect(text).toContain("\n… and 5 more (the run's summary counts them all)\n");
    expect(document.jobs[0]?.message).toHaveLength(300);
    expect(document.jobs[0]?.message?.endsWith('…')).toBe(true);
  });
});
