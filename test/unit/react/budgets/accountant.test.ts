import type { Budget } from '../../../../lambda/config/settings';
import { StoreError } from '../../../../lambda/core/errors';
import { silentLog } from '../../../../lambda/core/log';
import { type AccountantDeps, accountChange } from '../../../../lambda/react/budgets/accountant';
import type { BudgetUsage } from '../../../../lambda/record/budget-ledger';
import type { ChangeEvent } from '../../../../lambda/record/change-event';
import type { BudgetEvent } from '../../../../lambda/record/vigil-event';
import { gridSessionArn, jobArn, sessionArn } from '../../../support/arns';
import { InMemoryBudgetLedger } from '../../../support/ledgers';
import { budget, meteredMonthRef, minutesChange } from '../../../support/reactor-builders';

/** Late in November 2026 (28 of 30 days gone): usage up to 933 minutes projects under the 1,000 limit. */
const LATE_NOVEMBER = '2026-11-29T00:00:00.000Z';
const NOVEMBER = { key: '2026-11', start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };
const ID = 'vigil:budget/monthly-metered/2026-11';

/** A job of the default run, started in November, adding `metered` minutes on first sight. */
function job(id: string, metered: number, started = '2026-11-20T10:00:00.000Z'): ChangeEvent {
  return minutesChange('job', {
    after: { total: metered, metered, unmetered: 0 },
    state: { arn: jobArn(id), name: `Job ${id}`, started, observedAt: '2026-11-28T12:00:00.000Z' },
  });
}

describe('accountChange', () => {
  let ledger: InMemoryBudgetLedger;
  let onUsage: jest.Mock<void, [Budget, BudgetUsage]>;

  beforeEach(() => {
    ledger = new InMemoryBudgetLedger();
    onUsage = jest.fn();
  });

  function deps(overrides: Partial<AccountantDeps> = {}): AccountantDeps {
    return {
      ledger,
      budgets: [budget()],
      log: silentLog,
      now: () => new Date(LATE_NOVEMBER),
      onUsage,
      ...overrides,
    };
  }

  async function accountAll(events: ChangeEvent[], d = deps()): Promise<string[]> {
    const ids: string[] = [];
    for (const e of events) ids.push(...(await accountChange(e, d)).map((b) => b.eventId));
    return ids;
  }

  describe('thresholds', () => {
    it('fires 50, 80 and 100% once each as changes cross them', async () => {
      // Arrange: 300 → 520 → 770 → 870 → 1,070 → 1,120 minutes.
      const events = [job('1', 300), job('2', 220), job('3', 250), job('4', 100), job('5', 200), job('6', 50)];

      // Act
      const created = await accountAll(events);

      // Assert
      expect(created).toEqual([`${ID}#threshold-50`, `${ID}#threshold-80`, `${ID}#threshold-100`]);
      expect(ledger.allEvents().map((e) => e.eventId)).toEqual(created);
      expect(await ledger.usage('monthly-metered', '2026-11')).toEqual({
        budget: 'monthly-metered',
        periodKey: '2026-11',
        start: NOVEMBER.start,
        end: NOVEMBER.end,
        usedMinutes: 1120,
        limitMinutes: 1000,
        fired: [50, 80, 100],
        forecastSent: false,
        crossedAtBaseline: [],
        usageDays: ['2026-11-20'],
        version: 6,
      });
    });

    it('fires every threshold one change crosses, lowest first', async () => {
      // Arrange
      await accountAll([job('1', 400)]);

      // Act
      const created = await accountChange(job('2', 650), deps());

      // Assert
      expect(created.map((e) => [e.eventId, e.thresholdPercent, e.usedMinutes])).toEqual([
        [`${ID}#threshold-50`, 50, 1050],
        [`${ID}#threshold-80`, 80, 1050],
        [`${ID}#threshold-100`, 100, 1050],
      ]);
    });

    it('writes the threshold event with the budget, its period, the usage and the change that caused it', async () => {
      // Arrange
      const change = job('1', 512.5);

      // Act
      const [event] = await accountChange(change, deps());

      // Assert
      expect(event).toEqual({
        eventId: `${ID}#threshold-50`,
        eventType: 'budget-threshold',
        service: 'devicefarm',
        arn: ID,
        name: 'monthly-metered',
        at: LATE_NOVEMBER,
        budget: meteredMonthRef('monthly-metered', 1000),
        period: NOVEMBER,
        usedMinutes: 512.5,
        thresholdPercent: 50,
        causedBy: { eventId: `${jobArn('1')}@1`, arn: jobArn('1'), name: 'Job 1', minutes: 512.5 },
      });
    });

    it('starts a new period from zero and fires its thresholds again', async () => {
      // Arrange: November used up.
      await accountAll([job('1', 1100)]);
      const december = deps({ now: () => new Date('2026-12-28T00:00:00.000Z') });

      // Act
      const created = await accountChange(job('2', 520, '2026-12-03T09:00:00.000Z'), december);

      // Assert
      expect(created.map((e) => e.eventId)).toEqual(['vigil:budget/monthly-metered/2026-12#threshold-50']);
      expect((await ledger.usage('monthly-metered', '2026-12'))?.usedMinutes).toBe(520);
      expect((await ledger.usage('monthly-metered', '2026-11'))?.usedMinutes).toBe(1100);
    });
  });

  describe('idempotency', () => {
    it('adds nothing and creates no event when the same change is applied twice', async () => {
      // Arrange
      const change = job('1', 600);
      const first = await accountChange(change, deps());

      // Act
      const second = await accountChange(change, deps());

      // Assert
      expect(first.map((e) => e.eventId)).toEqual([`${ID}#threshold-50`]);
      expect(second).toEqual([]);
      expect(ledger.outcomes).toEqual(['applied', 'duplicate']);
      expect((await ledger.usage('monthly-metered', '2026-11'))?.usedMinutes).toBe(600);
      expect((await ledger.usage('monthly-metered', '2026-11'))?.version).toBe(1);
      expect(ledger.allEvents()).toHaveLength(1);
      expect(onUsage).toHaveBeenCalledTimes(1);
    });

    it('changes nothing when a whole batch is delivered again', async () => {
      // Arrange
      const batch = [job('1', 300), job('2', 300), job('3', 300), job('4', 300)];
      await accountAll(batch);
      const before = await ledger.period('monthly-metered', '2026-11');

      // Act
      const replayed = await accountAll(batch);

      // Assert
      expect(replayed).toEqual([]);
      expect(await ledger.period('monthly-metered', '2026-11')).toEqual(before);
      expect(before.usage?.usedMinutes).toBe(1200);
      expect(before.events.map((e) => e.eventId)).toEqual([
        `${ID}#threshold-50`,
        `${ID}#threshold-80`,
        `${ID}#threshold-100`,
      ]);
    });
  });

  describe('version conflicts', () => {
    it('re-reads and retries when another change was counted between its read and its write', async () => {
      // Arrange: while change A is being written, change B is counted first.
      const a = job('a', 250);
      const b = job('b', 300);
      ledger.interleaveOnce(async () => {
        await accountChange(b, deps());
      });

      // Act
      const created = await accountChange(a, deps());

      // Assert
      expect(ledger.outcomes).toEqual(['applied', 'conflict', 'applied']);
      expect(created.map((e) => [e.eventId, e.usedMinutes, e.causedBy.eventId])).toEqual([
        [`${ID}#threshold-50`, 550, a.eventId],
      ]);
      const usage = await ledger.usage('monthly-metered', '2026-11');
      expect([usage?.usedMinutes, usage?.version, usage?.fired]).toEqual([550, 2, [50]]);
    });

    it('succeeds on the last attempt after four conflicts', async () => {
      ledger.conflictNext(4);

      const created = await accountChange(job('1', 600), deps());

      expect(created.map((e) => e.eventId)).toEqual([`${ID}#threshold-50`]);
      expect(ledger.calls.apply).toBe(5);
    });

    it('throws a StoreError naming the change and the budget when the usage keeps changing', async () => {
      // Arrange
      const change = job('1', 600);
      ledger.conflictNext(5);

      // Act
      const failure = accountChange(change, deps());

      // Assert
      await expect(failure).rejects.toThrow(StoreError);
      await expect(failure).rejects.toThrow(
        `Could not count ${jobArn('1')}@1 toward budget monthly-metered: its usage kept changing under 5 attempts`,
      );
      expect(ledger.calls.apply).toBe(5);
      expect(await ledger.usage('monthly-metered', '2026-11')).toBeUndefined();
      expect(onUsage).not.toHaveBeenCalled();
    });
  });

  describe('periods', () => {
    it('counts a change started last month toward last month, silently, when it is counted this month', async () => {
      // Arrange: observed on 2 December, started at 23:50 UTC on 30 November: 60% of November's limit.
      const change = minutesChange('remote-access-session', {
        after: { total: 600, metered: 600, unmetered: 0 },
        state: { started: '2026-11-30T23:50:00.000Z', observedAt: '2026-12-02T10:00:00.000Z' },
      });

      // Act
      const created = await accountChange(change, deps({ now: () => new Date('2026-12-02T10:00:00.000Z') }));

      // Assert: November's usage holds the minutes; no alert about a month that is over.
      expect(created).toEqual([]);
      expect(ledger.allEvents()).toEqual([]);
      expect(await ledger.usage('monthly-metered', '2026-11')).toMatchObject({
        usedMinutes: 600,
        fired: [],
        forecastSent: false,
        crossedAtBaseline: [],
      });
      expect(await ledger.usage('monthly-metered', '2026-12')).toBeUndefined();
      expect(onUsage).not.toHaveBeenCalled();
    });

    it('alerts for nothing when a run from two months ago is counted, however far past the limit', async () => {
      // Arrange: the case: 500 metered minutes started in October, counted in December, limit 100.
      const hundred = budget({ name: 'hundred', limitMinutes: 100 });
      const october = job('old', 500, '2026-10-14T09:00:00.000Z');

      // Act
      const created = await accountChange(
        october,
        deps({ budgets: [hundred], now: () => new Date('2026-12-10T08:00:00.000Z') }),
      );

      // Assert
      expect(created).toEqual([]);
      expect((await ledger.period('hundred', '2026-10')).usage?.usedMinutes).toBe(500);
      expect((await ledger.period('hundred', '2026-10')).events).toEqual([]);
    });

    it('finds the period in the budget’s time zone (23:50 UTC on 30 November is December in Paris)', async () => {
      // Arrange
      const paris = budget({ name: 'paris', timeZone: 'Europe/Paris' });
      const change = minutesChange('remote-access-session', {
        after: { metered: 100 },
        state: { started: '2026-11-30T23:50:00.000Z', observedAt: '2026-12-02T10:00:00.000Z' },
      });

      // Act
      await accountChange(change, deps({ budgets: [paris], now: () => new Date('2026-12-02T10:00:00.000Z') }));

      // Assert
      expect(await ledger.usage('paris', '2026-12')).toMatchObject({
        usedMinutes: 100,
        start: '2026-11-30T23:00:00.000Z',
        end: '2026-12-31T23:00:00.000Z',
      });
      expect(await ledger.usage('paris', '2026-11')).toBeUndefined();
    });
  });

  describe('a budget set in money', () => {
    const SPEND_ID = 'vigil:budget/spend/2026-11';

    it('crosses 50% of 100 USD at the list price at 294.12 metered minutes (50 USD ÷ 0.17 USD), not before', async () => {
      // Arrange: 100 USD at 0.17 USD a minute is 588.24 minutes; half of it, 294.1176 minutes.
      const spend = budget({ name: 'spend', limitUsd: 100 });
      const d = deps({ budgets: [spend] });

      // Act: 294.1 minutes (49.997 USD), then 0.02 more (50.0004 USD).
      const before = await accountAll([job('1', 294.1)], d);
      const crossing = await accountChange(job('2', 0.02), d);

      // Assert
      expect(spend.limitMinutes).toBeCloseTo(588.2353, 4);
      expect(before).toEqual([]);
      expect(crossing.map((e) => e.eventId)).toEqual([`${SPEND_ID}#threshold-50`]);
      expect(crossing[0]?.budget).toEqual({
        name: 'spend',
        meter: 'deviceMinutes.metered',
        period: 'month',
        timeZone: 'UTC',
        limitMinutes: 100 / 0.17,
        limitUsd: 100,
        price: { perMinute: 0.17, currency: 'USD' },
      });
      expect(crossing[0]?.usedMinutes).toBe(294.12);
    });

    it('counts a negotiated rate in another currency at that rate', async () => {
      // Arrange: 100 EUR at 0.10 EUR a minute: 1,000 minutes, 50% at 500.
      const pricing = { currency: 'EUR', meteredDeviceMinute: 0.1, testGridMinute: 0.004 };
      const spend = budget({ name: 'spend', limitUsd: 100 }, pricing);
      const d = deps({ budgets: [spend], pricing });

      // Act
      const before = await accountAll([job('1', 499.9)], d);
      const crossing = await accountChange(job('2', 0.1), d);

      // Assert
      expect(before).toEqual([]);
      expect(crossing[0]?.budget.price).toEqual({ perMinute: 0.1, currency: 'EUR' });
      expect(crossing[0]?.usedMinutes).toBe(500);
    });
  });

  describe('forecast', () => {
    /** A fake clock the test moves, as a real month passes. */
    let clock: Date;
    const at = (iso: string) => {
      clock = new Date(iso);
    };
    const hundred = (overrides: Partial<Budget> = {}) => budget({ name: 'hundred', limitMinutes: 100, ...overrides });
    const HUNDRED_ID = 'vigil:budget/hundred/2026-11';
    /** A job started (and counted) at `started`: the clock is there when it is counted. */
    function jobAt(id: string, metered: number, started: string, baseline = false): ChangeEvent {
      return minutesChange('job', {
        after: { total: metered, metered, unmetered: 0 },
        baseline,
        state: { arn: jobArn(id), name: `Job ${id}`, started, observedAt: started },
      });
    }
    /** Counts `change` with the clock at its start, as a poll soon after would. */
    async function countAt(change: ChangeEvent, d: AccountantDeps): Promise<BudgetEvent[]> {
      at(change.state.started ?? '');
      return accountChange(change, d);
    }
    const ids = (events: BudgetEvent[]) => events.map((e) => e.eventId);

    beforeEach(() => {
      at('2026-11-01T00:00:00.000Z');
    });

    it('sends nothing on the first poll (baseline changes), even when the evidence would allow one', async () => {
      // Arrange: on 12 November the first poll finds 15 minutes on each of the 2nd, 5th and 9th: 45 in 11 days of 30 projects 122.7.
      const d = deps({ budgets: [hundred()], now: () => clock });
      at('2026-11-12T00:00:00.000Z');

      // Act
      const created: BudgetEvent[] = [];
      for (const [id, day] of [
        ['1', '02'],
        ['2', '05'],
        ['3', '09'],
      ] as const) {
        created.push(...(await accountChange(jobAt(id, 15, `2026-11-${day}T10:00:00.000Z`, true), d)));
      }

      // Assert
      expect(created).toEqual([]);
      expect(await ledger.usage('hundred', '2026-11')).toMatchObject({
        usedMinutes: 45,
        forecastSent: false,
        usageDays: ['2026-11-02', '2026-11-05', '2026-11-09'],
      });
    });

    it('sends nothing before a quarter of the period has elapsed, even with usage on three days', async () => {
      // Four days into November: 15 minutes on each of three days projects 337.5, far past 100.
      const d = deps({ budgets: [hundred()], now: () => clock });

      const created = [
        ...(await countAt(jobAt('1', 15, '2026-11-02T10:00:00.000Z'), d)),
        ...(await countAt(jobAt('2', 15, '2026-11-03T10:00:00.000Z'), d)),
        ...(await countAt(jobAt('3', 15, '2026-11-04T10:00:00.000Z'), d)),
      ];

      expect(created).toEqual([]);
      expect((await ledger.usage('hundred', '2026-11'))?.forecastSent).toBe(false);
    });

    it('sends nothing with usage on fewer than three days, however late in the period', async () => {
      // 45 minutes on 2 November, then 15 and 15 on the 20th: 75 in 19.4 days projects 115.9, past 100, but on two days.
      const d = deps({ budgets: [hundred()], now: () => clock });

      const created = [
        ...(await countAt(jobAt('1', 45, '2026-11-02T10:00:00.000Z'), d)),
        ...(await countAt(jobAt('2', 15, '2026-11-20T09:00:00.000Z'), d)),
        ...(await countAt(jobAt('3', 15, '2026-11-20T10:00:00.000Z'), d)),
      ];

      expect(ids(created)).toEqual([`${HUNDRED_ID}#threshold-50`]);
      expect(await ledger.usage('hundred', '2026-11')).toMatchObject({
        usedMinutes: 75,
        forecastSent: false,
        usageDays: ['2026-11-02', '2026-11-20'],
      });
    });

    /** 10, 10 and 8.4 minutes on the 2nd, 5th and 10th of November, 13.6 on the 11th and 10 on the 12th (each at noon or earlier). */
    const NOVEMBER_JOBS = () => [
      jobAt('1', 10, '2026-11-02T10:00:00.000Z'),
      jobAt('2', 10, '2026-11-05T10:00:00.000Z'),
      jobAt('3', 8.4, '2026-11-10T12:00:00.000Z'),
      jobAt('4', 13.6, '2026-11-11T12:00:00.000Z'),
      jobAt('5', 10, '2026-11-12T12:00:00.000Z'),
    ];

    it('sends one forecast when a quarter has elapsed, usage is on three days and the rate passes the limit', async () => {
      // Arrange
      const d = deps({ budgets: [hundred()], now: () => clock });
      const [first, second, third, fourth, fifth] = NOVEMBER_JOBS();

      // Act
      const created: BudgetEvent[][] = [];
      for (const change of [first, second, third, fourth, fifth]) {
        if (change !== undefined) created.push(await countAt(change, d));
      }

      // Assert: the 3rd makes 28.4 min in 9.5 days (projects 89.7, within 100); the 4th 42 in 10.5 days
      // (projects 120: 100 reached after 25 days); the 5th passes 50% at that rate, with the forecast already sent.
      expect(created.map(ids)).toEqual([[], [], [], [`${HUNDRED_ID}#forecast`], [`${HUNDRED_ID}#threshold-50`]]);
      expect(created[3]).toEqual([
        {
          eventId: `${HUNDRED_ID}#forecast`,
          eventType: 'budget-forecast',
          service: 'devicefarm',
          arn: HUNDRED_ID,
          name: 'hundred',
          at: '2026-11-11T12:00:00.000Z',
          budget: meteredMonthRef('hundred', 100),
          period: NOVEMBER,
          usedMinutes: 42,
          forecast: {
            at: '2026-11-26T00:00:00.000Z',
            projectedMinutes: 120,
            basedOn: { usedMinutes: 42, elapsedDays: 10.5, usageDays: 4 },
          },
          causedBy: { eventId: `${jobArn('4')}@1`, arn: jobArn('4'), name: 'Job 4', minutes: 13.6 },
        },
      ]);
      expect(ledger.allEvents().filter((e) => e.eventType === 'budget-forecast')).toHaveLength(1);
      expect((await ledger.usage('hundred', '2026-11'))?.forecastSent).toBe(true);
    });

    it('sends no forecast when the budget’s forecast is false', async () => {
      // The same usage as above, which forecasts with the default.
      const d = deps({ budgets: [hundred({ forecast: false })], now: () => clock });

      const created: BudgetEvent[] = [];
      for (const change of NOVEMBER_JOBS()) created.push(...(await countAt(change, d)));

      expect(ids(created)).toEqual([`${HUNDRED_ID}#threshold-50`]);
      expect((await ledger.usage('hundred', '2026-11'))?.forecastSent).toBe(false);
    });

    it('counts usage days in the budget’s time zone', async () => {
      // 23:30 UTC on 2 November and 00:30 UTC on 3 November are both 3 November in Tokyo (UTC+9).
      const tokyo = hundred({ timeZone: 'Asia/Tokyo' });
      const d = deps({ budgets: [tokyo], now: () => clock });

      await countAt(jobAt('1', 5, '2026-11-02T23:30:00.000Z'), d);
      await countAt(jobAt('2', 5, '2026-11-03T00:30:00.000Z'), d);
      await countAt(jobAt('3', 5, '2026-11-03T16:00:00.000Z'), d);

      expect((await ledger.usage('hundred', '2026-11'))?.usageDays).toEqual(['2026-11-03', '2026-11-04']);
    });

    it('forecasts nothing for a period that is already over', async () => {
      // A late change to November, counted in December, at a rate that would have passed the limit.
      const created = await accountChange(
        job('1', 400, '2026-11-05T00:00:00.000Z'),
        deps({ now: () => new Date('2026-12-01T00:00:00.000Z') }),
      );

      expect(created).toEqual([]);
    });
  });

  describe('baseline changes', () => {
    const hundred = budget({ name: 'hundred', limitMinutes: 100 });
    const d = () => deps({ budgets: [hundred], now: () => new Date(LATE_NOVEMBER) });
    const run = (id: string, metered: number, baseline = true) =>
      minutesChange('job', {
        after: { total: metered, metered, unmetered: 0 },
        baseline,
        state: { arn: jobArn(id), name: `Run ${id}`, started: '2026-11-20T10:00:00.000Z' },
      });

    it('counts them silently and remembers, with the count, the thresholds they crossed', async () => {
      // Act: three baseline runs of 30 minutes: 30, 60 (past 50%), 90 (past 80%).
      const created = [
        ...(await accountChange(run('a', 30), d())),
        ...(await accountChange(run('b', 30), d())),
        ...(await accountChange(run('c', 30), d())),
      ];

      // Assert
      expect(created).toEqual([]);
      expect(await ledger.usage('hundred', '2026-11')).toEqual({
        budget: 'hundred',
        periodKey: '2026-11',
        start: NOVEMBER.start,
        end: NOVEMBER.end,
        usedMinutes: 90,
        limitMinutes: 100,
        fired: [],
        forecastSent: false,
        crossedAtBaseline: [50, 80],
        baselineCause: { eventId: `${jobArn('c')}@1`, arn: jobArn('c'), name: 'Run c', minutes: 30 },
        usageDays: ['2026-11-20'],
        version: 3,
      });
      expect(onUsage).toHaveBeenCalledTimes(3);
    });

    it('alerts as usual when a later change that is not baseline crosses a higher threshold', async () => {
      // Arrange: baseline at 60 (past 50%, not announced yet).
      await accountChange(run('a', 60), d());

      // Act: a new run adds 25: 85, past 80%.
      const created = await accountChange(run('b', 25, false), d());

      // Assert
      expect(created.map((e) => [e.eventId, e.usedMinutes, e.baseline])).toEqual([
        ['vigil:budget/hundred/2026-11#threshold-80', 85, undefined],
      ]);
      expect(await ledger.usage('hundred', '2026-11')).toMatchObject({ fired: [80], crossedAtBaseline: [50] });
    });
  });

  describe('meters and budgets', () => {
    it('calls onUsage with the budget and its new usage after each applied change', async () => {
      // Arrange
      const b = budget();

      // Act
      await accountChange(job('1', 300), deps({ budgets: [b] }));

      // Assert
      expect(onUsage).toHaveBeenCalledTimes(1);
      expect(onUsage).toHaveBeenCalledWith(b, {
        budget: 'monthly-metered',
        periodKey: '2026-11',
        start: NOVEMBER.start,
        end: NOVEMBER.end,
        usedMinutes: 300,
        limitMinutes: 1000,
        fired: [],
        forecastSent: false,
        crossedAtBaseline: [],
        usageDays: ['2026-11-20'],
        version: 1,
      });
    });

    it('counts a change only toward the budgets of its meter', async () => {
      // Arrange
      const metered = budget({ name: 'metered' });
      const grid = budget({ name: 'grid', meter: 'billingMinutes', limitMinutes: 100 });
      const gridSession = minutesChange('test-grid-session', {
        after: { billing: 60 },
        state: { arn: gridSessionArn(), started: '2026-11-20T10:00:00.000Z' },
      });

      // Act
      const created = await accountAll([job('1', 300), gridSession], deps({ budgets: [metered, grid] }));

      // Assert
      expect(created).toEqual(['vigil:budget/grid/2026-11#threshold-50']);
      expect((await ledger.usage('metered', '2026-11'))?.usedMinutes).toBe(300);
      expect((await ledger.usage('grid', '2026-11'))?.usedMinutes).toBe(60);
    });

    it('touches no ledger for unmetered minutes', async () => {
      const unmetered = minutesChange('remote-access-session', {
        after: { total: 45, metered: 0, unmetered: 45 },
        state: { arn: sessionArn('s-free'), started: '2026-11-20T10:00:00.000Z' },
      });

      const created = await accountChange(unmetered, deps());

      expect(created).toEqual([]);
      expect(ledger.calls).toEqual({ usage: 0, apply: 0, announce: 0, period: 0 });
      expect(onUsage).not.toHaveBeenCalled();
    });
  });
});
