import { bar, budgetCommand, budgetLines, budgetsFor } from '../../../lambda/cli/budget';
import { UsageError } from '../../../lambda/core/errors';
import type { BudgetShare, BudgetUsage } from '../../../lambda/record/budget-ledger';
import { jobArn, sessionArn } from '../../support/arns';
import { InMemoryBudgetLedger } from '../../support/ledgers';
import { budget } from '../../support/reactor-builders';

const NOW = new Date('2026-11-21T08:00:00.000Z');
const NOVEMBER = { key: '2026-11', start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };

describe('bar', () => {
  it.each([
    [0, '[░░░░░░░░░░░░░░░░░░░░]'],
    [50, '[██████████░░░░░░░░░░]'],
    [120, '[████████████████████]'],
    [2.4, '[░░░░░░░░░░░░░░░░░░░░]'],
    [2.5, '[█░░░░░░░░░░░░░░░░░░░]'],
    [-10, '[░░░░░░░░░░░░░░░░░░░░]'],
  ])('draws %d%% as %s', (percent, expected) => {
    expect(bar(percent)).toBe(expected);
  });
});

describe('budgetLines', () => {
  let ledger: InMemoryBudgetLedger;

  beforeEach(() => {
    ledger = new InMemoryBudgetLedger();
  });

  /**
   * Counts shares into a period of `name` (November unless given), the way
   * the accountant writes them (one apply per change); `usageDays` is the
   * usage item's list of days with usage.
   */
  async function seed(
    name: string,
    limitMinutes: number,
    shares: Omit<BudgetShare, 'at'>[],
    { period = NOVEMBER, usageDays = [] as string[] } = {},
  ): Promise<void> {
    let used = 0;
    for (const [i, s] of shares.entries()) {
      used = Math.round((used + s.minutes) * 1000) / 1000;
      const usage: BudgetUsage = {
        budget: name,
        periodKey: period.key,
        start: period.start,
        end: period.end,
        usedMinutes: used,
        limitMinutes,
        fired: [],
        forecastSent: false,
        crossedAtBaseline: [],
        usageDays,
        version: i + 1,
      };
      expect(await ledger.apply(usage, { ...s, at: '2026-11-20T10:00:00.000Z' }, [], i)).toBe('applied');
    }
  }

  const share = (id: string, arn: string, name: string, kind: string, minutes: number) => ({
    eventId: `${arn}@${id}`,
    arn,
    name,
    kind,
    minutes,
  });

  it('ranks resources by their minutes, added up per ARN, and rounds the percentage to one decimal', async () => {
    // Arrange: a session counted in two changes (10.1 + 20.2), and jobs.
    await seed('monthly-metered', 300, [
      share('1', sessionArn(), 'debug checkout', 'remote-access-session', 10.1),
      share('1', jobArn('1'), 'Google Pixel 8', 'job', 45),
      share('2', sessionArn(), 'debug checkout', 'remote-access-session', 20.2),
      share('1', jobArn('2'), 'Samsung Galaxy S24', 'job', 5),
      share('1', jobArn('3'), 'iPhone 15', 'job', 19.7),
    ]);

    // Act
    const [line] = await budgetLines([budget({ limitMinutes: 300 })], ledger, NOW);

    // Assert
    expect(line).toEqual({
      name: 'monthly-metered',
      meter: 'deviceMinutes.metered',
      period: { ...NOVEMBER, timeZone: 'UTC' },
      usedMinutes: 100,
      limitMinutes: 300,
      cost: { used: 17, limit: 51, perMinute: 0.17, currency: 'USD' },
      percent: 33.3,
      thresholdsReached: [],
      noForecast: 'too-little-evidence',
      usageDays: 0,
      top: [
        { arn: jobArn('1'), name: 'Google Pixel 8', kind: 'job', minutes: 45 },
        { arn: sessionArn(), name: 'debug checkout', kind: 'remote-access-session', minutes: 30.3 },
        { arn: jobArn('3'), name: 'iPhone 15', kind: 'job', minutes: 19.7 },
        { arn: jobArn('2'), name: 'Samsung Galaxy S24', kind: 'job', minutes: 5 },
      ],
    });
  });

  it('lists the top five resources only', async () => {
    await seed(
      'monthly-metered',
      1000,
      [1, 2, 3, 4, 5, 6, 7].map((n) => share('1', jobArn(`j${n}`), `Job ${n}`, 'job', n * 10)),
    );

    const [line] = await budgetLines([budget()], ledger, NOW);

    expect(line?.top.map((r) => r.minutes)).toEqual([70, 60, 50, 40, 30]);
    expect(line?.usedMinutes).toBe(280);
    expect(line?.percent).toBe(28);
  });

  it('reports an untouched budget at zero with no forecast', async () => {
    const [line] = await budgetLines([budget({ name: 'quiet' })], ledger, NOW);

    expect(line).toEqual({
      name: 'quiet',
      meter: 'deviceMinutes.metered',
      period: { ...NOVEMBER, timeZone: 'UTC' },
      usedMinutes: 0,
      limitMinutes: 1000,
      cost: { used: 0, limit: 170, perMinute: 0.17, currency: 'USD' },
      percent: 0,
      thresholdsReached: [],
      noForecast: 'within-limit',
      usageDays: 0,
      top: [],
    });
  });

  it('forecasts when the evidence rule holds and the rate so far passes the limit before the period ends', async () => {
    // 800 minutes in 20⅓ days of 30, on three days: 1,180.3 by the end; 1,000 after 25 days 10 hours (5/4 of the time so far).
    await seed('monthly-metered', 1000, [share('1', jobArn('1'), 'Job 1', 'job', 800)], {
      usageDays: ['2026-11-02', '2026-11-09', '2026-11-20'],
    });

    const [line] = await budgetLines([budget()], ledger, NOW);

    expect(line?.forecast).toEqual({
      at: '2026-11-26T10:00:00.000Z',
      projectedMinutes: 1180.3,
      basedOn: { usedMinutes: 800, elapsedDays: 20.3, usageDays: 3 },
    });
    expect(line?.noForecast).toBeUndefined();
    expect(line?.percent).toBe(80);
    expect(line?.thresholdsReached).toEqual([50, 80]);
  });

  it('forecasts nothing, and says why, with usage on fewer than three days', async () => {
    await seed('monthly-metered', 1000, [share('1', jobArn('1'), 'Job 1', 'job', 800)], {
      usageDays: ['2026-11-20'],
    });

    const [line] = await budgetLines([budget()], ledger, NOW);

    expect(line?.forecast).toBeUndefined();
    expect(line?.noForecast).toBe('too-little-evidence');
  });

  it('forecasts nothing when the budget’s forecast is false', async () => {
    await seed('monthly-metered', 1000, [share('1', jobArn('1'), 'Job 1', 'job', 800)], {
      usageDays: ['2026-11-02', '2026-11-09', '2026-11-20'],
    });

    const [line] = await budgetLines([budget({ forecast: false })], ledger, NOW);

    expect(line?.forecast).toBeUndefined();
    expect(line?.noForecast).toBe('off');
  });

  it('reads each budget in its own current period and time zone', async () => {
    // Arrange
    const daily = budget({ name: 'daily', period: 'day', timeZone: 'Asia/Kolkata', limitMinutes: 60 });

    // Act
    const [line] = await budgetLines([daily], ledger, NOW);

    // Assert: 08:00 UTC is 13:30 in Kolkata.
    expect(line?.period).toEqual({
      key: '2026-11-21',
      start: '2026-11-20T18:30:00.000Z',
      end: '2026-11-21T18:30:00.000Z',
      timeZone: 'Asia/Kolkata',
    });
  });
});

describe('budgetsFor', () => {
  const monthly = budget({ name: 'monthly' });
  const weekly = budget({ name: 'weekly', period: 'week' });

  it('keeps every budget without --period, and those of the kind the key names with it', () => {
    expect(budgetsFor([monthly, weekly], undefined)).toEqual([monthly, weekly]);
    expect(budgetsFor([monthly, weekly], 'week-2026-11-16')).toEqual([weekly]);
    expect(budgetsFor([monthly, weekly], '2026-10')).toEqual([monthly]);
  });

  it.each([
    ['a month that does not exist', '2026-13'],
    ['a week key naming a Tuesday', 'week-2026-11-17'],
    ['a date in another format', '22/11/2026'],
  ])('refuses %s with a usage error listing the accepted formats', (_case, key) => {
    expect(() => budgetsFor([monthly], key)).toThrow(UsageError);
    expect(() => budgetsFor([monthly], key)).toThrow(
      `--period ${JSON.stringify(key)} is not a period; expected 2026-10 (a month), week-2026-11-16 (the week starting that Monday) or 2026-11-22 (a day)`,
    );
  });

  it('refuses a key of a kind no budget has, naming each budget’s kind', () => {
    expect(() => budgetsFor([monthly, weekly], '2026-11-22')).toThrow(
      '--period 2026-11-22 names a day; no budget has day periods (monthly: month, weekly: week)',
    );
  });
});

describe('budgetCommand', () => {
  let ledger: InMemoryBudgetLedger;
  let out: string[];
  const io = () => ({ env: {}, cwd: '.', out: (t: string) => out.push(t), err: (t: string) => out.push(`ERR ${t}`) });

  beforeEach(() => {
    ledger = new InMemoryBudgetLedger();
    out = [];
  });

  /** What the accountant wrote for October: 500 minutes counted silently (no threshold fired) after the month ended. */
  async function octoberCountedLate(): Promise<void> {
    const usage: BudgetUsage = {
      budget: 'hundred',
      periodKey: '2026-10',
      start: '2026-10-01T00:00:00.000Z',
      end: '2026-11-01T00:00:00.000Z',
      usedMinutes: 500,
      limitMinutes: 100,
      fired: [],
      forecastSent: false,
      crossedAtBaseline: [],
      usageDays: ['2026-10-14'],
      version: 1,
    };
    const share = { eventId: `${jobArn('old')}@1`, arn: jobArn('old'), name: 'regression', kind: 'run', minutes: 500 };
    expect(await ledger.apply(usage, { ...share, at: '2026-11-21T07:00:00.000Z' }, [], 0)).toBe('applied');
  }

  it('shows the budgets the table has counted, and says so, when no config file names any', async () => {
    // Arrange: the accountant wrote October's usage with the budget's definition.
    const usage: BudgetUsage = {
      budget: 'hundred',
      periodKey: '2026-10',
      start: '2026-10-01T00:00:00.000Z',
      end: '2026-11-01T00:00:00.000Z',
      usedMinutes: 60,
      limitMinutes: 100,
      fired: [50],
      forecastSent: false,
      crossedAtBaseline: [],
      usageDays: ['2026-10-14'],
      version: 1,
    };
    const share = { eventId: `${jobArn('a')}@1`, arn: jobArn('a'), name: 'nightly', kind: 'job', minutes: 60 };
    await ledger.apply(
      usage,
      { ...share, at: '2026-10-14T07:00:00.000Z' },
      [],
      0,
      budget({ name: 'hundred', limitMinutes: 100 }),
    );

    // Act
    const code = await budgetCommand({ json: false, period: '2026-10' }, [], ledger, io(), NOW);

    // Assert
    expect(code).toBe(0);
    expect(out[0]).toBe(
      'ERR No budgets in a vigil.config.json here: showing the budgets the table has counted, as last configured.',
    );
    expect(out[1]).toMatch(/^hundred {2}2026-10 \(UTC\) {2}\[█{12}░{8}\] 60% {2}60 of 100 min/);
  });

  it('says no budget is configured, or counted, when neither the config nor the table has one', async () => {
    // Act
    await budgetCommand({ json: false }, [], ledger, io(), NOW);

    // Assert
    expect(out[0]).toBe(
      'No budgets are configured, and the table has counted none. Add one to vigil.config.json, for example:',
    );
  });

  it('shows a past period named by --period: its usage, the thresholds it reached, and no forecast', async () => {
    // Arrange
    await octoberCountedLate();

    // Act
    const code = await budgetCommand(
      { json: false, period: '2026-10' },
      [budget({ name: 'hundred', limitMinutes: 100 })],
      ledger,
      io(),
      NOW,
    );

    // Assert
    expect(code).toBe(0);
    expect(out).toEqual([
      'hundred  2026-10 (UTC)  [████████████████████] 500%  500 of 100 min  85.00 USD of 17.00 USD  (deviceMinutes.metered)',
      '  thresholds reached: 50%, 80%, 100%',
      '  forecast: none, the period is over',
      `       500 min     85.00 USD  run regression  ${jobArn('old')}`,
    ]);
  });

  it('shows the current period without --period, as before', async () => {
    await octoberCountedLate();

    await budgetCommand({ json: false }, [budget({ name: 'hundred', limitMinutes: 100 })], ledger, io(), NOW);

    expect(out).toEqual([
      'hundred  2026-11 (UTC)  [░░░░░░░░░░░░░░░░░░░░] 0%  0 of 100 min  0.00 USD of 17.00 USD  (deviceMinutes.metered)',
      '  forecast: within the limit at the current rate',
    ]);
  });

  it('says what a forecast still needs when the evidence is too little', async () => {
    // 21 November 08:00 is 67% of the month; usage on one day.
    await ledger.apply(
      {
        budget: 'hundred',
        periodKey: NOVEMBER.key,
        start: NOVEMBER.start,
        end: NOVEMBER.end,
        usedMinutes: 90,
        limitMinutes: 100,
        fired: [50, 80],
        forecastSent: false,
        crossedAtBaseline: [],
        usageDays: ['2026-11-20'],
        version: 1,
      },
      { eventId: `${jobArn('1')}@1`, arn: jobArn('1'), name: 'Job 1', kind: 'job', minutes: 90, at: NOW.toISOString() },
      [],
      0,
    );

    await budgetCommand({ json: false }, [budget({ name: 'hundred', limitMinutes: 100 })], ledger, io(), NOW);

    expect(out[2]).toBe(
      '  forecast: not yet; it needs 25% of the period elapsed and usage on 3 days (so far 67% and 1 day)',
    );
  });
});
