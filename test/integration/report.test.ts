/**
 * `vigil report` and `vigil devices` on a known history: three days of one
 * project recorded through the real path (the poller against the Device Farm
 * emulator, DynamoDB Local), then the report read back and its HTML parsed:
 * the numbers in its tables and the bars of its charts are the history's.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { main } from '../../lambda/cli/main';
import { createDeviceFarmClient } from '../../lambda/clients/aws-clients';
import { createS3Client, S3ReportStore } from '../../lambda/clients/s3-client';
import { budgetSchema, DEFAULT_SETTINGS } from '../../lambda/config/settings';
import { silentLog } from '../../lambda/core/log';
import { digestDeps, insightDeps } from '../../lambda/engine/wiring';
import { pollDeviceFarm } from '../../lambda/observe/device-farm/poll-cycle';
import { writeDigest } from '../../lambda/react/digest/write';
import { gatherReport } from '../../lambda/react/insight/gather';
import type { DeviceFarmScenario, ScenarioDevice, StateAt } from '../emulators/device-farm';
import { byId, findAll, parseHtml, tableRows, textOf } from '../support/html';
import { type Harness, startHarness } from '../support/pipeline';

const START = Date.parse('2026-11-20T00:00:00.000Z');
/** Half a day a step: the three runs finish at noon on 20, 21 and 22 November. */
const STEP_MS = 12 * 3600 * 1000;
const PIXEL: ScenarioDevice = { name: 'Google Pixel 8', platform: 'ANDROID', os: '14' };
const MOTO: ScenarioDevice = { name: 'Motorola Edge 40', platform: 'ANDROID', os: '13' };

const passes = (total: number) => ({ total, passed: total, failed: 0, warned: 0, errored: 0, stopped: 0, skipped: 0 });
const fails = (total: number) => ({ ...passes(total), passed: total - 1, failed: 1 });
const metered = (minutes: number) => ({ total: minutes, metered: minutes, unmetered: 0 });

function job(id: string, device: ScenarioDevice, from: number, done: number, result: string, minutes: number) {
  const timeline: StateAt[] = [
    { step: from, status: 'RUNNING', result: 'PENDING' },
    {
      step: done,
      status: 'COMPLETED',
      result,
      counters: result === 'PASSED' ? passes(5) : fails(5),
      deviceMinutes: metered(minutes),
    },
  ];
  const problems =
    result === 'FAILED'
      ? [{ suite: 'CheckoutTest', test: 'testPay', result: 'FAILED', message: `expected PAID on day ${done}` }]
      : undefined;
  return { id, name: `Tests on ${device.name}`, device, timeline, ...(problems === undefined ? {} : { problems }) };
}

function run(id: string, name: string, from: number, result: string, pixel: number, moto: [string, number]) {
  return {
    id,
    name,
    timeline: [
      { step: from, status: 'RUNNING', result: 'PENDING' },
      { step: from + 0.8, status: 'COMPLETED', result, deviceMinutes: metered(pixel + moto[1]) },
    ],
    jobs: [
      job('00000', PIXEL, from, from + 0.8, 'PASSED', pixel),
      job('00001', MOTO, from, from + 0.8, moto[0], moto[1]),
    ],
  };
}

/**
 * The known history: runs finishing on 20 (FAILED on the Motorola), 21
 * (PASSED) and 22 November (FAILED on the Motorola again), a metered remote
 * access session of 12.5 min ending on the 21st, an unmetered one of 8 min and
 * a test grid session of 2.5 billing minutes ending on the 22nd.
 */
function threeDays(): DeviceFarmScenario {
  return {
    startTime: new Date(START).toISOString(),
    stepSeconds: STEP_MS / 1000,
    projects: [
      {
        id: 'a0000000-0000-4000-8000-000000000001',
        name: 'android-app',
        created: '2026-10-01T00:00:00.000Z',
        runs: [
          run('a0000000-0000-4000-8000-0000000000a1', 'nightly-1', 0.2, 'FAILED', 4, ['FAILED', 6]),
          run('a0000000-0000-4000-8000-0000000000a2', 'nightly-2', 2.2, 'PASSED', 3, ['PASSED', 5]),
          run('a0000000-0000-4000-8000-0000000000a3', 'nightly-3', 4.2, 'FAILED', 2, ['FAILED', 7]),
        ],
        remoteAccessSessions: [
          {
            id: 'a0000000-0000-4000-8000-0000000000b1',
            name: 'debug-checkout',
            device: PIXEL,
            timeline: [
              { step: 2.5, status: 'RUNNING', result: 'PENDING' },
              { step: 3, status: 'COMPLETED', result: 'PASSED', deviceMinutes: metered(12.5) },
            ],
          },
          {
            id: 'a0000000-0000-4000-8000-0000000000b2',
            name: 'slot-session',
            device: MOTO,
            billingMethod: 'UNMETERED',
            timeline: [
              { step: 4.5, status: 'RUNNING', result: 'PENDING' },
              { step: 5, status: 'COMPLETED', result: 'PASSED', deviceMinutes: { total: 8, metered: 0, unmetered: 8 } },
            ],
          },
        ],
      },
    ],
    testGridProjects: [
      {
        id: 'a0000000-0000-4000-8000-0000000000c1',
        name: 'web',
        created: '2026-10-01T00:00:00.000Z',
        sessions: [
          {
            id: 'c1',
            timeline: [
              { step: 3.5, status: 'ACTIVE' },
              { step: 4, status: 'CLOSED', billingMinutes: 2.5 },
            ],
          },
        ],
      },
    ],
  };
}

interface Captured {
  code: number;
  out: string;
  err: string;
}

describe('vigil report and vigil devices on a known history', () => {
  let harness: Harness;
  let dir: string;

  async function vigil(args: string[]): Promise<Captured> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, {
      env: { ...process.env, VIGIL_TABLE: harness.tableName },
      cwd: dir,
      out: (t) => out.push(t),
      err: (t) => err.push(t),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  beforeAll(async () => {
    harness = await startHarness({ scenario: threeDays() });
    dir = mkdtempSync(join(tmpdir(), 'vigil-report-'));
    // A budget of 100 USD of metered minutes: 588.2 min a month, 19.6 a day of November.
    writeFileSync(
      join(dir, 'vigil.config.json'),
      JSON.stringify({ budgets: [{ name: 'device-spend', meter: 'deviceMinutes.metered', limitUsd: 100 }] }),
    );
    // The real recording path, on the scenario's clock: one poll a step.
    const client = createDeviceFarmClient();
    for (let step = 0; step <= 6; step++) {
      harness.emulator.setStep(step);
      const report = await pollDeviceFarm({
        client,
        store: harness.store,
        settings: DEFAULT_SETTINGS,
        log: silentLog,
        now: () => new Date(START + step * STEP_MS),
      });
      expect(report.failures).toEqual([]);
    }
  });

  afterAll(async () => {
    await harness.stop();
  });

  it('writes one HTML file whose tables and bars are the history’s numbers, read with Queries only', async () => {
    // Act
    const result = await vigil(['report', '--since', '2026-11-20', '--until', '2026-11-22', '--out', 'r.html']);

    // Assert
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /^Wrote .*r\.html \(\d+ KB, \d+ ms\): 3 days, 3 runs, 6 jobs, 2 devices\. Open it in a browser: file:\/\//,
    );
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const doc = parseHtml(html);

    expect(tableRows(byId(doc, 'totals-table'))).toEqual([
      ['metered device minutes', '39.5', '6.72 USD'],
      ['test grid minutes', '2.5', '0.01 USD'],
      ['unmetered device minutes', '8', 'no per-minute charge (device slots)'],
      ['total', '50', '6.73 USD'],
    ]);
    expect(tableRows(byId(doc, 'minutes-table'))).toEqual([
      ['2026-11-20', '10', '1.70 USD', '0', '0', '0.00 USD'],
      ['2026-11-21', '20.5', '3.49 USD', '0', '0', '0.00 USD'],
      ['2026-11-22', '9', '1.53 USD', '8', '2.5', '0.01 USD'],
    ]);
    // Every bar of the minutes chart is one day's meter, with the same numbers as the table.
    const bars = findAll(byId(doc, 'minutes-chart'), (e) => e.tag === 'rect').map((r) => [
      r.attrs['data-category'],
      r.attrs['data-series'],
      Number(r.attrs['data-value']),
    ]);
    expect(bars).toEqual([
      ['2026-11-20', 'metered', 10],
      ['2026-11-21', 'metered', 20.5],
      ['2026-11-22', 'metered', 9],
      ['2026-11-22', 'unmetered', 8],
      ['2026-11-22', 'test grid', 2.5],
    ]);
    // The bars' heights are in proportion to their values (one scale for the chart).
    const heights = findAll(byId(doc, 'minutes-chart'), (e) => e.tag === 'rect').map((r) => Number(r.attrs.height));
    expect((heights[1] as number) / (heights[0] as number)).toBeCloseTo(20.5 / 10, 1);
    const [limit] = findAll(byId(doc, 'minutes-chart'), (e) => e.attrs.class === 'limit');
    expect(limit?.attrs).toMatchObject({ 'data-label': 'device-spend: 19.6 metered min/day', 'data-value': '19.6' });

    expect(tableRows(byId(doc, 'runs-table'))).toEqual([
      ['android-app', '2026-11-20', 'FAILED', '1'],
      ['android-app', '2026-11-21', 'PASSED', '1'],
      ['android-app', '2026-11-22', 'FAILED', '1'],
    ]);
    const runBars = findAll(byId(doc, 'runs-chart-0'), (e) => e.tag === 'rect').map((r) => [
      r.attrs['data-category'],
      r.attrs['data-series'],
      r.attrs['data-value'],
    ]);
    expect(runBars).toEqual([
      ['2026-11-20', 'FAILED', '1'],
      ['2026-11-21', 'PASSED', '1'],
      ['2026-11-22', 'FAILED', '1'],
    ]);
    // The Motorola flipped FAILED → PASSED → FAILED: flaky 1.00, worst first; the Pixel always passed.
    expect(tableRows(byId(doc, 'devices-table'))).toEqual([
      ['Motorola Edge 40', '3', '3', '33%', '2', '0', '18', '1.00'],
      ['Google Pixel 8', '3', '3', '100%', '0', '0', '9', '0.00'],
    ]);
    expect(tableRows(byId(doc, 'failing-tests-table'))).toEqual([
      ['CheckoutTest › testPay', 'android-app', '2 of 3', '2', '1.00', 'FAILED: expected PAID on day 5'],
    ]);
    expect(tableRows(byId(doc, 'flaky-tests-table'))).toEqual([
      ['CheckoutTest › testPay', 'android-app', '1.00', '2 of 3'],
    ]);
    expect(tableRows(byId(doc, 'longest-sessions-table'))).toEqual([
      ['debug-checkout', 'android-app', 'Google Pixel 8', 'PASSED', '12.5', '2.13 USD'],
      ['slot-session', 'android-app', 'Motorola Edge 40', 'PASSED', '8', 'unmetered'],
    ]);
    expect(textOf(byId(doc, 'guard-table'))).toContain('none');
    // Every chart has a size and a title for screen readers.
    for (const chart of findAll(doc, (e) => e.tag === 'svg')) {
      expect(Number(chart.attrs.width)).toBeGreaterThan(0);
      expect(Number(chart.attrs.height)).toBeGreaterThan(0);
      expect(chart.attrs.role).toBe('img');
    }
  });

  it('reads the history with Queries on the time index and the budget with one GetItem a period, never a Scan', async () => {
    const settings = {
      ...DEFAULT_SETTINGS,
      budgets: [budgetSchema.parse({ name: 'device-spend', meter: 'deviceMinutes.metered', limitUsd: 100 })],
    };
    const before = harness.tally.snapshot();

    await gatherReport(insightDeps({ table: harness.table, settings }), {
      since: '2026-11-20T00:00:00.000Z',
      until: '2026-11-22T23:59:59.999Z',
      now: new Date('2026-11-23T00:00:00.000Z'),
    });

    const calls = harness.tally.since(before);
    // One Query per byTime partition (6 kinds; budget, guard, digest, stuck and reminder events), one GetItem for November.
    expect(Object.fromEntries(Object.entries(calls).filter(([k]) => !k.endsWith('attempts')))).toEqual({
      'dynamodb.Query': 11,
      'dynamodb.GetItem': 1,
    });
  });

  it('writes the digest and its 30-day report to the report bucket through the real S3 client, and the digest says where', async () => {
    // Arrange: a bucket in the S3 emulator, as the stack creates one.
    const s3 = createS3Client();
    await s3.send(new CreateBucketCommand({ Bucket: 'vigil-reports-test' }));
    const deps = digestDeps({
      table: harness.table,
      settings: DEFAULT_SETTINGS,
      log: silentLog,
      reportStore: new S3ReportStore('vigil-reports-test', () => s3),
    });

    // Act
    const event = await writeDigest({ ...deps, now: () => new Date('2026-11-23T07:00:00.000Z') });

    // Assert
    expect(event?.digest.report).toEqual({ url: 's3://vigil-reports-test/reports/2026-11-22.html', days: 30 });
    expect(event?.digest.flakyDevices?.devices.map((d) => [d.device, d.flakyScore, d.passRate])).toEqual([
      ['Motorola Edge 40', 1, 0.33],
    ]);
    const stored = await s3.send(
      new GetObjectCommand({ Bucket: 'vigil-reports-test', Key: 'reports/2026-11-22.html' }),
    );
    expect(stored.ContentType).toBe('text/html; charset=utf-8');
    const html = (await stored.Body?.transformToString()) ?? '';
    expect(tableRows(byId(parseHtml(html), 'devices-table')).map((r) => r[0])).toEqual([
      'Motorola Edge 40',
      'Google Pixel 8',
    ]);
  });

  it('keeps to one project with --project, and refuses an --until that is not a date', async () => {
    const json = await vigil([
      'report',
      '--since',
      '2026-11-20',
      '--until',
      '2026-11-22',
      '--project',
      'web',
      '--json',
    ]);
    const bad = await vigil(['report', '--until', 'tomorrow']);

    expect(json.code).toBe(0);
    const data = JSON.parse(json.out);
    expect(data.totals).toMatchObject({ metered: 0, unmetered: 0, testGrid: 2.5, runs: 0, jobs: 0 });
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(
      '--until "tomorrow" is neither a duration (30m, 2h, 1d) nor a date (2026-11-21 or 2026-11-21T08:00:00Z)',
    );
  });

  it('prints device health worst first with vigil devices', async () => {
    const result = await vigil(['devices', '--since', '2026-11-19']);

    expect(result.code).toBe(0);
    expect(result.out.split('\n')).toEqual([
      'DEVICE            RUNS  JOBS  PASS RATE  FAILED  ERRORED  MINUTES  FLAKY',
      'Motorola Edge 40     3     3        33%       2        0       18   1.00',
      'Google Pixel 8       3     3       100%       0        0        9   0.00',
      '2 devices since 2026-11-19T00:00:00.000Z, worst first. FLAKY: how often the result flipped between consecutive runs of a project (0 to 1).',
    ]);
  });
});
