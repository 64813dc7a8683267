import { bar, budgetLines } from '../../../lambda/cli/budget';
import type { BudgetShare, BudgetUsage } from '../../../lambda/record/budget-ledger';
import { jobArn, sessionArn } from '../support/arns';
import { InMemoryBudgetLedger } from '../support/ledgers';
import { budget } from '../support/reactor-builders';

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

  /** Counts shares into November of `name`, the way the accountant writes them (one apply per change); `usageDays` as the usage item keeps them. */
  async function seed(
    name: string,
    limitMinutes: number,
    shares: Omit<BudgetShare, 'at'>[],
    usageDays: string[] = [],
  ): Promise<void> {
    let used = 0;
    for (const [i, s] of shares.entries()) {
      used = Math.round((used + s.minutes) * 1000) / 1000;
      const usage: BudgetUsage = {
        budget: name,
        periodKey: NOVEMBER.key,
        start: NOVEMBER.start,
        end: NOVEMBER.end,
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
      percent: 33.3,
      thresholdsReached: [],
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
      percent: 0,
      thresholdsReached: [],
      top: [],
    });
  });

  it('forecasts when the evidence rule holds and the rate so far passes the limit before the period ends', async () => {
    // 800 minutes in 20⅓ days of 30, on three days: 1,180.3 by the end; 1,000 after 25 days 10 hours (5/4 of the time so far).
    await seed(
      'monthly-metered',
      1000,
      [share('1', jobArn('1'), 'Job 1', 'job', 800)],
      ['2026-11-02', '2026-11-09', '2026-11-20'],
    );

    const [line] = await budgetLines([budget()], ledger, NOW);

    expect(line?.forecast).toEqual({
      at: '2026-11-26T10:00:00.000Z',
      projectedMinutes: 1180.3,
      basedOn: { usedMinutes: 800, elapsedDays: 20.3, usageDays: 3 },
    });
    expect(line?.percent).toBe(80);
  });

  it('forecasts nothing with usage on fewer than three days', async () => {
    await seed('monthly-metered', 1000, [share('1', jobArn('1'), 'Job 1', 'job', 800)], ['2026-11-20']);

    const [line] = await budgetLines([budget()], ledger, NOW);

    expect(line?.forecast).toBeUndefined();
  });

  it('forecasts nothing when the budget’s forecast is false', async () => {
    await seed(
      'monthly-metered',
      1000,
      [share('1', jobArn('1'), 'Job 1', 'job', 800)],
      ['2026-11-02', '2026-11-09', '2026-11-20'],
    );

    const [line] = await budgetLines([budget({ forecast: false })], ledger, NOW);

    expect(line?.forecast).toBeUndefined();
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
