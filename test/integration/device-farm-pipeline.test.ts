/**
 * The Device Farm pipeline end to end: the real SDK clients against the
 * project's Device Farm emulator, DynamoDB Local (table, transactions,
 * stream) and fauxqs (SNS → SQS), wired only through AWS_ENDPOINT_URL_*.
 */

import { notifyBatch } from '../../lambda/deliver/notifier';
import type { StreamRecordInput } from '../../lambda/record/stream-events';
import { ArnBuilder, DEFAULT_ACCOUNT_ID } from '../emulators/device-farm';
import { FOUR_JOB_IDS, fourJobRunScenario } from '../emulators/device-farm/scenarios/demo';
import { changesOf } from '../support/changes';
import { type Harness, itemWrites, type Received, startHarness } from '../support/pipeline';

const arns = new ArnBuilder(DEFAULT_ACCOUNT_ID);
const PROJECT = arns.project(FOUR_JOB_IDS.project);
const RUN = arns.run(FOUR_JOB_IDS.project, FOUR_JOB_IDS.run);
const JOB = (id: string) => arns.job(FOUR_JOB_IDS.project, FOUR_JOB_IDS.run, id);
const START = new Date('2026-11-21T02:00:00.000Z');
const CONSOLE = `https://us-west-2.console.aws.amazon.com/devicefarm/home?region=us-west-2#/mobile/projects/${FOUR_JOB_IDS.project}/runs/${FOUR_JOB_IDS.run}`;

/** The email body with its one time-dependent part (when Vigil observed it) pinned. */
function emailWithFixedTime(message: Received): string {
  return message.email.replace(/^Observed \S+ by Vigil/m, 'Observed <time> by Vigil');
}

/** Plays the four-job scenario one step per cycle; returns what the subscriber got at each step. */
async function playFourJobRun(harness: Harness): Promise<Received[][]> {
  const byStep: Received[][] = [];
  for (let step = 0; step < 4; step++) {
    harness.emulator.setStep(step);
    await harness.cycle();
    byStep.push(await harness.received());
  }
  return byStep;
}

describe('Device Farm pipeline', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('sends one job message then one run summary when a run of four jobs has two pass, one fail, one error', async () => {
    harness = await startHarness({ scenario: fourJobRunScenario(START) });

    const byStep = await playFourJobRun(harness);

    expect(byStep.map((messages) => messages.map((m) => m.subject))).toEqual([
      [],
      [],
      ['FAILED: job Tests on OnePlus 11 in run four-job-run'],
      ['FAILED: run four-job-run (2 of 4 jobs did not pass)'],
    ]);
    const [jobMessage] = byStep[2] as Received[];
    const [runMessage] = byStep[3] as Received[];
    expect(jobMessage?.attributes).toEqual({
      service: 'devicefarm',
      kind: 'job',
      eventType: 'jobs-finished',
      severity: 'error',
      project: 'four-job-app',
    });
    expect(emailWithFixedTime(jobMessage as Received)).toBe(
      [
        'A job of Device Farm run four-job-run finished with result FAILED.',
        '',
        'Run      four-job-run',
        `Run ARN  ${RUN}`,
        `Project  four-job-app (${PROJECT})`,
        `Console  ${CONSOLE}`,
        '',
        'Job:',
        '- FAILED  Tests on OnePlus 11 (ANDROID 13)',
        `  ${JOB('00002')}`,
        '  5 tests: 4 passed, 1 failed · 5.1 min (metered) · "1 test failed"',
        '',
        'The run is still going; its summary follows when it finishes.',
        '',
        `Observed <time> by Vigil (event ${JOB('00002')}@2).`,
        'To stop messages like this one, remove the result from rules.jobResults in vigil.config.json.',
      ].join('\n'),
    );
    expect(runMessage?.attributes).toEqual({
      service: 'devicefarm',
      kind: 'run',
      eventType: 'run-finished',
      severity: 'error',
      project: 'four-job-app',
    });
    expect(emailWithFixedTime(runMessage as Received)).toBe(
      [
        'Device Farm run four-job-run finished with result FAILED.',
        '',
        'Run      four-job-run',
        `ARN      ${RUN}`,
        `Project  four-job-app (${PROJECT})`,
        'Status   RUNNING → COMPLETED',
        'Result   PENDING → FAILED',
        'Jobs     4: ERRORED 1, FAILED 1, PASSED 2',
        'Tests    16 tests: 14 passed, 1 failed, 1 errored',
        'Minutes  17.3 min (metered)',
        `Console  ${CONSOLE}`,
        '',
        'Jobs that did not pass:',
        '- ERRORED  Tests on Motorola Edge 40 (ANDROID 13)',
        `  ${JOB('00003')}`,
        '  1 test: 1 errored · 2.5 min (metered) · "Appium server failed to start"',
        '- FAILED  Tests on OnePlus 11 (ANDROID 13)',
        `  ${JOB('00002')}`,
        '  5 tests: 4 passed, 1 failed · 5.1 min (metered) · "1 test failed"',
        '',
        'Failing tests (2):',
        '- ERRORED  Setup Suite  on 1 device (Motorola Edge 40)',
        '  "Appium server failed to start"',
        '- FAILED  CheckoutTest › testPayWithSavedCard  on 1 device (OnePlus 11)',
        '  "expected:<PAID> but was:<DECLINED>"',
        '',
        `Observed <time> by Vigil (event ${RUN}@3).`,
        'To stop messages like this one, set rules.runFinished to false in vigil.config.json.',
      ].join('\n'),
    );
    // Programs get the same facts as JSON, with the events it covers for de-duplication.
    expect(runMessage?.document).toMatchObject({
      source: 'vigil',
      eventType: 'run-finished',
      resource: { arn: RUN, name: 'four-job-run', status: 'COMPLETED', result: 'FAILED' },
      jobSummary: { total: 4, byResult: { PASSED: 2, FAILED: 1, ERRORED: 1 }, notPassedTruncated: 0 },
      failingTests: {
        total: 2,
        tests: [
          {
            name: 'Setup Suite',
            result: 'ERRORED',
            message: 'Appium server failed to start',
            deviceCount: 1,
            devices: ['Motorola Edge 40'],
          },
          {
            name: 'testPayWithSavedCard',
            suite: 'CheckoutTest',
            result: 'FAILED',
            message: 'expected:<PAID> but was:<DECLINED>',
            deviceCount: 1,
            devices: ['OnePlus 11'],
          },
        ],
      },
      eventIds: [`${RUN}@3`, `${JOB('00003')}@2`],
    });
    // One ListUniqueProblems for the run, when it finished: not one per job or test, and none before.
    expect(harness.emulator.callLog.filter((c) => c.operation === 'ListUniqueProblems').map((c) => c.input)).toEqual([
      { arn: RUN },
    ]);
    // The event records the tests; the run's latest state does not carry them.
    const [finished] = changesOf(await harness.store.timeline(RUN)).slice(-1);
    expect(finished?.state.failingTests?.tests.map((t) => t.name)).toEqual(['Setup Suite', 'testPayWithSavedCard']);
    expect((await harness.store.getLatest(PROJECT, 'run', RUN))?.failingTests).toBeUndefined();
  });

  it('makes no ListUniqueProblems call for a run whose jobs all pass', async () => {
    const passing = fourJobRunScenario(START);
    const run = passing.projects?.[0]?.runs?.[0];
    if (run === undefined) throw new Error('the four-job scenario has a run');
    // The same run, where every job passes and reports no problem.
    for (const job of run.jobs ?? []) {
      job.problems = undefined;
      job.timeline = job.timeline.map((entry) =>
        entry.status === 'COMPLETED'
          ? {
              ...entry,
              result: 'PASSED',
              counters: { ...entry.counters, passed: entry.counters?.total ?? 0, failed: 0, errored: 0 },
              message: undefined,
            }
          : entry,
      );
    }
    run.timeline = run.timeline.map((entry) => (entry.status === 'COMPLETED' ? { ...entry, result: 'PASSED' } : entry));
    harness = await startHarness({ scenario: passing });

    const byStep = await playFourJobRun(harness);

    expect(byStep.flat().map((m) => m.subject)).toEqual(['PASSED: run four-job-run (4 of 4 jobs passed)']);
    expect(byStep.flat()[0]?.email).not.toContain('Failing tests');
    expect(harness.emulator.callLog.filter((c) => c.operation === 'ListUniqueProblems')).toEqual([]);
  });

  it('writes nothing and publishes nothing in a cycle where nothing changed', async () => {
    harness = await startHarness({ scenario: fourJobRunScenario(START) });
    await playFourJobRun(harness);

    const idle = await harness.cycle();

    expect(idle.report.events).toHaveLength(0);
    expect(itemWrites(idle.calls)).toBe(0);
    expect(idle.calls['sns.Publish'] ?? 0).toBe(0);
    expect(await harness.received()).toEqual([]);
    // Discovery plus one page per project and kind; the finished run's jobs are not listed again.
    expect(
      Object.fromEntries(
        Object.entries(idle.calls).filter(([name]) => name.startsWith('devicefarm.') && !name.endsWith('attempts')),
      ),
    ).toEqual({
      'devicefarm.ListProjects': 1,
      'devicefarm.ListTestGridProjects': 1,
      'devicefarm.ListRuns': 1,
      'devicefarm.ListRemoteAccessSessions': 1,
    });
    // Four reads: the active index and the cursors, and the outbox sweep's two (nothing stale, no retry due).
    expect(idle.calls['dynamodb.Query']).toBe(4);
  });

  it('publishes nothing twice when the notifier is handed the same stream batch again', async () => {
    harness = await startHarness({ scenario: fourJobRunScenario(START) });
    for (let step = 0; step < 4; step++) {
      harness.emulator.setStep(step);
      await harness.poll();
    }
    const records = (await harness.follower.readAvailable()).map((r) => r.record);

    const first = await notifyBatch(records as StreamRecordInput[], harness.notifier);
    const retry = await notifyBatch(records as StreamRecordInput[], harness.notifier);

    // One batch holding the whole run: the failed job is folded into the run's summary.
    expect(first.published).toBe(1);
    expect(retry.published).toBe(0);
    // Every event of the batch: nothing is owed any more (delivered, or nothing to send).
    expect(retry.alreadyHandled).toBe(retry.events);
    expect((await harness.received()).map((m) => m.subject)).toEqual([
      'FAILED: run four-job-run (2 of 4 jobs did not pass)',
    ]);
  });

  it('records every transition once when two poll cycles overlap', async () => {
    // 30 ms per call makes two cycles interleave at every step.
    harness = await startHarness({ scenario: fourJobRunScenario(START), latencyMs: 30 });
    for (let step = 0; step < 4; step++) {
      harness.emulator.setStep(step);
      const reports = await Promise.all([harness.poll(), harness.poll()]);
      expect(reports.flatMap((r) => r.failures)).toEqual([]);
      await harness.deliver();
    }

    const timeline = changesOf(await harness.store.timeline(RUN));
    expect(timeline.map((t) => `${t.version}:${t.to.status}`)).toEqual(['1:RUNNING', '2:RUNNING', '3:COMPLETED']);
    for (const id of ['00000', '00001', '00002', '00003']) {
      const versions = changesOf(await harness.store.timeline(JOB(id))).map((t) => t.version);
      expect(versions).toEqual([...new Set(versions)].sort());
    }
    expect((await harness.received()).map((m) => m.subject).sort()).toEqual([
      'FAILED: job Tests on OnePlus 11 in run four-job-run',
      'FAILED: run four-job-run (2 of 4 jobs did not pass)',
    ]);
  });

  it('signs every Device Farm call for us-west-2 when the rest of Vigil runs in eu-west-1', async () => {
    const region = process.env.AWS_REGION;
    process.env.AWS_REGION = 'eu-west-1';
    try {
      harness = await startHarness({ scenario: fourJobRunScenario(START) });
      harness.emulator.setStep(1);
      await harness.poll();
      const regions = new Set(harness.emulator.callLog.map((call) => call.signingRegion));
      expect(regions).toEqual(new Set(['us-west-2']));
    } finally {
      process.env.AWS_REGION = region;
    }
  });

  it('records everything despite bursts of throttling, retrying LimitExceededException', async () => {
    harness = await startHarness({ scenario: fourJobRunScenario(START) });
    harness.emulator.setStep(3);
    harness.emulator.inject({ operation: 'ListRuns', times: 2, fault: 'throttle' });
    harness.emulator.inject({ operation: 'ListRemoteAccessSessions', times: 1, fault: 'throttle' });

    const { report, calls } = await harness.cycle();

    expect(report.failures).toEqual([]);
    expect(calls['devicefarm.throttled']).toBe(3);
    // Step 3 seen first: a baseline of the finished run (no jobs listed) and nothing sent.
    expect(report.events.map((e) => `${e.kind}:${e.to.status}:${e.baseline}`)).toEqual(['run:COMPLETED:true']);
    expect(await harness.received()).toEqual([]);
  });
});
