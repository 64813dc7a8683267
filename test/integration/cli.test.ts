/**
 * The `vigil` CLI against the same local services: what a person trying
 * Vigil runs. Commands run in-process through `main`, with output captured.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../lambda/cli/main';
import { ArnBuilder, DEFAULT_ACCOUNT_ID } from '../emulators/device-farm';
import { FOUR_JOB_IDS, fourJobRunScenario } from '../emulators/device-farm/scenarios/demo';
import { spawnVigil } from '../support/cli-process';
import { type Harness, startHarness } from '../support/pipeline';

const arns = new ArnBuilder(DEFAULT_ACCOUNT_ID);
const RUN = arns.run(FOUR_JOB_IDS.project, FOUR_JOB_IDS.run);
const START = new Date('2026-11-21T02:00:00.000Z');

interface Captured {
  code: number;
  out: string;
  err: string;
}

describe('vigil CLI', () => {
  let harness: Harness | undefined;
  let configDir: string;

  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
    writeFileSync(join(configDir, 'vigil.config.json'), '{}\n');
  });

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function vigil(...args: string[]): Promise<Captured> {
    const out: string[] = [];
    const err: string[] = [];
    const env = { ...process.env, VIGIL_TABLE: harness?.tableName, VIGIL_TOPIC_ARN: harness?.topicArn };
    const code = await main(args, { env, cwd: configDir, out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('delivers every event exactly once after SNS comes back when publishing failed after recording', async () => {
    harness = await startHarness({ scenario: fourJobRunScenario(START) });
    for (const step of [0, 1]) {
      harness.emulator.setStep(step);
      expect((await vigil('run', '--once')).code).toBe(0);
    }
    harness.emulator.setStep(2);
    const snsEndpoint = process.env.AWS_ENDPOINT_URL_SNS;
    process.env.AWS_ENDPOINT_URL_SNS = 'http://127.0.0.1:9'; // nothing listens there: SNS is "down"
    let down: Captured;
    try {
      down = await vigil('run', '--once');
    } finally {
      process.env.AWS_ENDPOINT_URL_SNS = snsEndpoint;
    }

    const recovered = await vigil('run', '--once'); // same step: nothing new to record, the failed event to deliver
    const again = await vigil('run', '--once');
    harness.emulator.setStep(3);
    const finished = await vigil('run', '--once');

    expect(down.code).toBe(1);
    expect(down.out).toContain(
      '4 changes recorded, 0 notifications published; 1 event not delivered yet (retried with backoff)',
    );
    expect(down.err).toContain('error: Publishing a notification failed; its events are retried with backoff');
    expect(recovered.code).toBe(0);
    expect(recovered.out).toContain('0 changes recorded, 1 notification published');
    expect(again.out).toContain('0 changes recorded, 0 notifications published');
    expect(finished.out).toContain('1 notification published');
    expect((await harness.received()).map((m) => m.subject)).toEqual([
      'FAILED: job Tests on OnePlus 11 in run four-job-run',
      'FAILED: run four-job-run (2 of 4 jobs did not pass)',
    ]);
  });

  it('shows a run timeline with the notification it caused, and what is active', async () => {
    harness = await startHarness({ scenario: fourJobRunScenario(START) });
    for (const step of [0, 1]) {
      harness.emulator.setStep(step);
      await vigil('run', '--once');
    }
    const active = await vigil('status', '--json');
    harness.emulator.setStep(3);
    await vigil('run', '--once');

    const history = await vigil('history', RUN);
    const byName = await vigil('history', 'four-job-run', '--json');
    const idle = await vigil('status');

    expect(
      JSON.parse(active.out).map(
        (a: { kind: string; name: string; status: string }) => `${a.kind} ${a.name} ${a.status}`,
      ),
    ).toEqual([
      'job Tests on Google Pixel 8 RUNNING',
      'job Tests on Motorola Edge 40 RUNNING',
      'job Tests on OnePlus 11 RUNNING',
      'job Tests on Samsung Galaxy S23 RUNNING',
      'run four-job-run RUNNING',
    ]);
    expect(history.code).toBe(0);
    const lines = history.out.split('\n').map((l) => l.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, '<time>'));
    expect(lines).toEqual([
      'run four-job-run in project four-job-app',
      RUN,
      '  <time>  v1  first seen RUNNING (result PENDING)',
      '  <time>  v2  RUNNING → COMPLETED, result PENDING → FAILED, tests 14/16 passed, 17.3 min (metered)',
      expect.stringMatching(/^ +2 failing tests:$/),
      expect.stringMatching(/^ +ERRORED {2}Setup Suite {2}on 1 device \(Motorola Edge 40\)$/),
      expect.stringMatching(/^ +FAILED {2}CheckoutTest › testPayWithSavedCard {2}on 1 device \(OnePlus 11\)$/),
      expect.stringMatching(/^ +notified: FAILED: run four-job-run \(2 of 4 jobs did not pass\)$/),
    ]);
    expect(JSON.parse(byName.out)).toHaveLength(2);
    expect(idle.out).toBe(
      'Nothing is running: no active Device Farm runs, jobs or sessions and no active Deadline Cloud jobs are recorded.',
    );
  });

  it("writes a day's digest once, and the next run delivers it once", async () => {
    harness = await startHarness({ scenario: fourJobRunScenario(START) });
    for (const step of [0, 1, 3]) {
      harness.emulator.setStep(step);
      await vigil('run', '--once');
    }
    const day = new Date().toISOString().slice(0, 10); // events are stamped when Vigil observed them

    const written = await vigil('digest', '--date', day);
    const delivered = await vigil('run', '--once');
    const again = await vigil('digest', '--date', day);
    const quiet = await vigil('run', '--once');
    const badDate = await vigil('digest', '--date', '22/11/2026');

    expect(written).toEqual({ code: 0, out: `Wrote the digest for ${day}; vigil run delivers it.`, err: '' });
    expect(delivered.out).toContain('1 notification published');
    expect(again.out).toBe('The digest for that day was already written.');
    expect(quiet.out).toContain('0 notifications published');
    const subjects = (await harness.received()).map((m) => m.subject);
    expect(subjects.filter((s) => s.startsWith('Vigil digest'))).toEqual([`Vigil digest ${day}: 1 run, 1 not passed`]);
    expect(badDate).toEqual({
      code: 2,
      out: '',
      err: '--date "22/11/2026" is not a day; expected a calendar date as YYYY-MM-DD, like 2026-11-21',
    });
  });

  it('keeps polling every --interval until interrupted, picking up each new change', async () => {
    harness = await startHarness({ scenario: fourJobRunScenario(START) });
    const controller = new AbortController();
    const out: string[] = [];
    const env = { ...process.env, VIGIL_TABLE: harness.tableName, VIGIL_TOPIC_ARN: harness.topicArn };
    const emulator = harness.emulator;
    const running = main(['run', '--interval', '1s'], {
      env,
      cwd: configDir,
      out: (text) => {
        out.push(text);
        // Each finished cycle moves the scripted account one step on; stop after the last.
        if (text.startsWith('cycle ')) {
          if (emulator.step < 3) emulator.advance();
          else controller.abort();
        }
      },
      err: () => {},
      signal: controller.signal,
    });

    expect(await running).toBe(0);
    expect(out.filter((line) => line.startsWith('cycle '))).toHaveLength(4);
    expect((await harness.received()).map((m) => m.subject)).toEqual([
      'FAILED: job Tests on OnePlus 11 in run four-job-run',
      'FAILED: run four-job-run (2 of 4 jobs did not pass)',
    ]);
  });

  it('ends quietly with exit code 0 when the reader of its output goes away, as `vigil --help | head -0` does', async () => {
    // The real process: the pipe's reading end is closed before vigil writes, so its write fails with EPIPE.
    const run = spawnVigil(['--help'], process.env);
    run.child.stdout?.destroy();

    const result = await run.exited;

    expect({ code: result.code, signal: result.signal, err: result.err }).toEqual({ code: 0, signal: null, err: '' });
  });

  it('stops with exit code 2 and names the field when the config file has a bad value', async () => {
    writeFileSync(
      join(configDir, 'bad.json'),
      '{ "deviceFarm": { "pollMinutes": 0 }, "rules": { "jobResults": ["FAIL"] } }',
    );

    const result = await vigil('run', '--once', '--config', 'bad.json');

    expect(result.code).toBe(2);
    expect(result.err).toBe(
      [
        'bad.json: deviceFarm.pollMinutes is 0; expected a whole number from 1 to 60',
        'bad.json: rules.jobResults[0] is "FAIL"; expected one of PASSED, WARNED, FAILED, SKIPPED, ERRORED, STOPPED',
      ].join('\n'),
    );
  });
});
