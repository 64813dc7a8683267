import { DEFAULT_SETTINGS } from '../../../../lambda/config/settings';
import { silentLog } from '../../../../lambda/core/log';
import { compose } from '../../../../lambda/deliver/compose';
import { digestText } from '../../../../lambda/deliver/digest-message';
import { renderReport } from '../../../../lambda/deliver/report/render';
import { planNotices } from '../../../../lambda/deliver/rules';
import { buildDigest } from '../../../../lambda/react/digest/build';
import { type DigestDeps, writeDigest, yesterday } from '../../../../lambda/react/digest/write';
import type { DigestEvent } from '../../../../lambda/record/vigil-event';
import { changeEvent, jobFinished, runFinished } from '../../../support/builders';
import { InMemoryBudgetLedger, InMemoryGuardLedger } from '../../../support/ledgers';
import { digestEvent, minutesChange } from '../../../support/reactor-builders';

const PIXEL = { name: 'Google Pixel 8', platform: 'ANDROID', os: '14' };
const MOTO = { name: 'Motorola Edge 40', platform: 'ANDROID', os: '13' };

describe('buildDigest', () => {
  it('counts finished runs, jobs by result, failing devices and metered minutes, leaving out baseline and unfinished', () => {
    const events = [
      runFinished('FAILED'),
      runFinished('PASSED', { arn: 'arn:aws:devicefarm:us-west-2:1:run:p/r2', name: 'r2' }),
      jobFinished('00000', 'FAILED', 'nightly', { device: MOTO }),
      minutesChange('remote-access-session', { before: { total: 1, metered: 1 }, after: { total: 5, metered: 5 } }),
      minutesChange('job', { after: { total: 2, unmetered: 2 }, state: { result: 'PASSED' } }),
      jobFinished('00001', 'ERRORED', 'nightly', { device: MOTO }),
      jobFinished('00002', 'FAILED', 'nightly', { device: PIXEL }),
      jobFinished('00003', 'PASSED', 'nightly', { device: PIXEL }),
      changeEvent('run', { to: { status: 'COMPLETED', result: 'PASSED' }, baseline: true }),
      changeEvent('run', { from: { status: 'PENDING' }, to: { status: 'RUNNING' } }),
    ];

    const digest = buildDigest('2026-11-21', events, { budgets: [], overLimit: [] });

    expect(digest).toEqual({
      date: '2026-11-21',
      runsByResult: { FAILED: 1, PASSED: 1 },
      jobsByResult: { FAILED: 2, ERRORED: 1, PASSED: 2 },
      sessionsFinished: 0,
      testGridSessionsByStatus: {},
      meteredMinutes: 4, // 5 − 1 of the session; unmetered minutes are not metered
      minutes: {
        metered: 4,
        unmetered: 2,
        testGrid: 0,
        currency: 'USD',
        meteredCost: 0.68, // 4 × 0.17 USD
        testGridCost: 0,
      },
      deadlineJobsByStatus: {},
      failingDevices: [
        { device: 'Motorola Edge 40', jobs: 2 },
        { device: 'Google Pixel 8', jobs: 1 },
      ],
      budgets: [],
      overLimit: [],
    });
  });

  it('counts the test grid sessions that ended by status, and their billed minutes, leaving out one still active', () => {
    const events = [
      changeEvent('test-grid-session', {
        from: { status: 'ACTIVE' },
        to: { status: 'CLOSED' },
        state: { name: 'checkout-chrome' },
      }),
      changeEvent('test-grid-session', {
        from: { status: 'ACTIVE' },
        to: { status: 'ERRORED' },
        state: { name: 'checkout-firefox' },
      }),
      changeEvent('test-grid-session', { to: { status: 'ACTIVE' }, state: { name: 'still-open' } }),
      // Billing minutes arrive as changes of their own.
      minutesChange('test-grid-session', { before: { total: 0, billing: 0 }, after: { total: 5, billing: 5 } }),
      minutesChange('test-grid-session', { before: { total: 2, billing: 2 }, after: { total: 12, billing: 12 } }),
    ];

    const digest = buildDigest('2026-11-21', events, { budgets: [], overLimit: [] });

    expect(digest.testGridSessionsByStatus).toEqual({ CLOSED: 1, ERRORED: 1 });
    expect(digest.sessionsFinished).toBe(0); // remote access sessions only
    expect(digest.minutes).toMatchObject({ testGrid: 15, testGridCost: 0.08 }); // 15 × 0.005 USD
  });

  it('counts the minutes of what the first poll found only when it started that day, as the budgets do', () => {
    const events = [
      // Installed mid-morning: a job that ran at 06:00 that day, and one from the day before.
      minutesChange('job', {
        after: { total: 7, metered: 7 },
        baseline: true,
        state: { started: '2026-11-21T06:00:00.000Z' },
      }),
      minutesChange('job', {
        after: { total: 9, metered: 9 },
        baseline: true,
        state: { started: '2026-11-20T22:00:00.000Z' },
      }),
      minutesChange('remote-access-session', { before: { total: 1, metered: 1 }, after: { total: 3, metered: 3 } }),
    ];

    const digest = buildDigest('2026-11-21', events, { budgets: [], overLimit: [] });

    expect(digest.meteredMinutes).toBe(9); // 7 + (3 − 1)
  });

  it('counts a run the first poll found finished when it stopped that day, and not one that stopped the day before', () => {
    const found = (stopped: string, name: string) =>
      changeEvent('run', { to: { status: 'COMPLETED', result: 'FAILED' }, baseline: true, state: { name, stopped } });

    const digest = buildDigest(
      '2026-11-21',
      [found('2026-11-21T05:00:00.000Z', 'early-today'), found('2026-11-20T23:00:00.000Z', 'yesterday')],
      { budgets: [], overLimit: [] },
    );

    expect(digest.runsByResult).toEqual({ FAILED: 1 });
  });

  it('makes the digest for the UTC day before now', () => {
    expect(yesterday(new Date('2026-11-22T07:00:00Z'))).toBe('2026-11-21');
    expect(yesterday(new Date('2026-03-01T00:30:00Z'))).toBe('2026-02-28');
  });
});

describe('the digest message', () => {
  it('reads section by section and names what runs past its limit', () => {
    const event = digestEvent();
    const [notice] = planNotices([event], DEFAULT_SETTINGS.rules);

    const message = compose(notice as NonNullable<typeof notice>);

    expect(message.subject).toBe('Vigil digest 2026-11-21: 12 runs, 2 not passed, 1 over limit');
    expect(message.attributes).toEqual({
      service: 'devicefarm',
      kind: 'digest',
      eventType: 'digest',
      severity: 'info',
      project: 'all',
    });
    expect(message.text).toBe(
      [
        'Vigil daily digest for 2026-11-21 (UTC)',
        '',
        'Device Farm',
        '  Runs finished   12 — FAILED 2, PASSED 10',
        '  Jobs finished   96 — FAILED 5, PASSED 91',
        '  Sessions ended  3 remote access, 412.5 metered job and session minutes',
        '  Most failing devices: OnePlus 11 (3)',
        '',
        'Deadline Cloud',
        '  Jobs finished   5 — FAILED 1, SUCCEEDED 4',
        '',
        'Budgets',
        '  monthly-metered  2026-11  812.4 of 1000 min (81.2%)',
        '',
        'Still running past a limit',
        '  forgotten: 95 of 60 min  arn:aws:devicefarm:us-west-2:1:session:p/s/00000',
        '',
        'Made 2026-11-22T07:00:00.000Z by Vigil (event vigil:digest/2026-11-21).',
        'To stop the digest, set digest.enabled to false in vigil.config.json.',
      ].join('\n'),
    );
  });

  it('says how many browser sessions ended on the test grid, by status, and when none did', () => {
    const day = buildDigest('2026-11-21', [], { budgets: [], overLimit: [] });

    expect(digestText({ ...day, testGridSessionsByStatus: { ERRORED: 1, CLOSED: 3 } })).toContain(
      '  Test grid       browser sessions ended 4 — CLOSED 3, ERRORED 1',
    );
    expect(digestText(day)).toContain('  Test grid       no browser sessions ended');
  });
});

describe('writeDigest', () => {
  const NOW = new Date('2026-11-22T07:00:00.000Z');
  const device = (name: string) => ({ name, platform: 'ANDROID', os: '14' });
  /** Job of `deviceName` in the n-th run of the week (one a day, 15 to 21 November). */
  const job = (deviceName: string, n: number, result: string) =>
    jobFinished(`0000${n}`, result, `nightly-${n}`, {
      device: device(deviceName),
      started: new Date(Date.UTC(2026, 10, 15 + n, 2)).toISOString(),
      observedAt: new Date(Date.UTC(2026, 10, 15 + n, 9)).toISOString(),
    });
  const week = [
    ...['PASSED', 'FAILED', 'PASSED', 'FAILED', 'PASSED', 'FAILED', 'PASSED'].map((r, n) => job('Flips Always', n, r)),
    ...['PASSED', 'PASSED', 'FAILED', 'PASSED', 'PASSED', 'PASSED', 'PASSED'].map((r, n) => job('Flips Once', n, r)),
    ...['FAILED', 'FAILED', 'FAILED', 'FAILED', 'FAILED', 'FAILED', 'FAILED'].map((r, n) => job('Always Fails', n, r)),
    ...['PASSED', 'PASSED', 'PASSED', 'PASSED', 'PASSED', 'PASSED', 'FAILED'].map((r, n) => job('Fails Last', n, r)),
    ...['PASSED', 'FAILED', 'PASSED', 'FAILED', 'PASSED', 'FAILED', 'PASSED']
      .map((r, n) => job('Old Flips', n, r))
      .map((e) => ({ ...e, at: '2026-11-01T00:00:00.000Z' })),
  ];

  function deps(store?: { put: jest.Mock }): DigestDeps {
    return {
      reader: {
        window: async (since: string, until: string) => week.filter((e) => e.at >= since && e.at <= until),
        timeline: async () => [],
        active: async () => [],
        find: async () => [],
      },
      writer: { putDigest: async () => true },
      budgetLedger: new InMemoryBudgetLedger(),
      guardLedger: new InMemoryGuardLedger(),
      budgets: [],
      guard: DEFAULT_SETTINGS.guard,
      log: silentLog,
      now: () => NOW,
      ...(store === undefined
        ? {}
        : { report: { publish: (key, data) => store.put(key, renderReport(data)), prefix: 'reports/', days: 30 } }),
    };
  }

  it('names the three devices whose results flipped most over the last 7 days, with their pass rates', async () => {
    const event = await writeDigest(deps());

    expect(event?.digest.flakyDevices).toEqual({
      days: 7,
      devices: [
        { device: 'Flips Always', flakyScore: 1, passRate: 0.57, jobs: 7 },
        { device: 'Flips Once', flakyScore: 0.33, passRate: 0.86, jobs: 7 },
        { device: 'Fails Last', flakyScore: 0.17, passRate: 0.86, jobs: 7 },
      ],
    });
    const [notice] = planNotices([event as DigestEvent], DEFAULT_SETTINGS.rules);
    expect(compose(notice as NonNullable<typeof notice>).text).toContain(
      '\n  Flakiest devices, last 7 days: Flips Always (flaky 1.00, pass rate 57% of 7 jobs); Flips Once (flaky 0.33, pass rate 86% of 7 jobs); Fails Last (flaky 0.17, pass rate 86% of 7 jobs)\n',
    );
  });

  it('writes the last 30 days’ report under reports/<day>.html and says how to fetch it', async () => {
    const put = jest.fn(async (key: string) => `s3://vigil-reports/${key}`);

    const event = await writeDigest(deps({ put }));

    expect(put).toHaveBeenCalledTimes(1);
    const [key, html] = put.mock.calls[0] as unknown as [string, string];
    expect(key).toBe('reports/2026-11-21.html');
    expect(html).toContain('<h1>Vigil report</h1>');
    expect(html).toContain('2026-10-23 to 2026-11-22 (UTC)');
    const [notice] = planNotices([event as DigestEvent], DEFAULT_SETTINGS.rules);
    expect(compose(notice as NonNullable<typeof notice>).text).toContain(
      '\n\nReport of the last 30 days (one HTML file, opens offline):\n  aws s3 cp s3://vigil-reports/reports/2026-11-21.html report.html\n',
    );
  });

  it('sends the digest without the report, saying why, when the report cannot be written', async () => {
    const put = jest.fn(async () => {
      throw new Error('Access Denied');
    });

    const event = await writeDigest(deps({ put }));

    expect(event?.digest.report).toEqual({ days: 30, error: 'Access Denied' });
    const [notice] = planNotices([event as DigestEvent], DEFAULT_SETTINGS.rules);
    expect(compose(notice as NonNullable<typeof notice>).text).toContain(
      '\n\nThe report of the last 30 days could not be written: Access Denied\n',
    );
  });
});
