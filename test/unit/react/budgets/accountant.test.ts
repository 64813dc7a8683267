import { StoreError } from '../../../../lambda/core/errors';
import { silentLog } from '../../../../lambda/core/log';
import type { Budget } from '../../../../lambda/core/settings';
import { type AccountantDeps, accountChange } from '../../../../lambda/react/budgets/accountant';
import type { BudgetUsage } from '../../../../lambda/record/budget-ledger';
import type { ChangeEvent } from '../../../../lambda/record/change-event';
import { gridSessionArn, jobArn, sessionArn } from '../../support/arns';
import { InMemoryBudgetLedger } from '../../support/ledgers';
import { budget, minutesChange } from '../../support/reactor-builders';

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
        budget: {
          name: 'monthly-metered',
          meter: 'deviceMinutes.metered',
          period: 'month',
          timeZone: 'UTC',
          limitMinutes: 1000,
        },
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
    it('counts a change started last month toward last month, not this one', async () => {
      // Arrange: observed on 2 December, started at 23:50 UTC on 30 November.
      const change = minutesChange('remote-access-session', {
        after: { total: 600, metered: 600, unmetered: 0 },
        state: { started: '2026-11-30T23:50:00.000Z', observedAt: '2026-12-02T10:00:00.000Z' },
      });

      // Act
      const created = await accountChange(change, deps({ now: () => new Date('2026-12-02T10:00:00.000Z') }));

      // Assert
      expect(created.map((e) => e.eventId)).toEqual([`${ID}#threshold-50`]);
      expect((await ledger.usage('monthly-metered', '2026-11'))?.usedMinutes).toBe(600);
      expect(await ledger.usage('monthly-metered', '2026-12')).toBeUndefined();
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

  describe('forecast', () => {
    const EARLY_NOVEMBER = () => new Date('2026-11-06T00:00:00.000Z');

    it('announces once per period when the rate so far projects past the limit', async () => {
      // Arrange: 300 minutes in 5 days projects 1,800 by the end of November.
      const d = deps({ now: EARLY_NOVEMBER });

      // Act
      const first = await accountChange(job('1', 300, '2026-11-03T00:00:00.000Z'), d);
      const second = await accountChange(job('2', 100, '2026-11-04T00:00:00.000Z'), d);

      // Assert
      expect(first).toEqual([
        expect.objectContaining({
          eventId: `${ID}#forecast`,
          eventType: 'budget-forecast',
          usedMinutes: 300,
          forecast: { at: '2026-11-17T16:00:00.000Z', projectedMinutes: 1800 },
        }),
      ]);
      expect(first[0]?.thresholdPercent).toBeUndefined();
      expect(second).toEqual([]);
      expect((await ledger.usage('monthly-metered', '2026-11'))?.forecastSent).toBe(true);
      expect(ledger.allEvents().filter((e) => e.eventType === 'budget-forecast')).toHaveLength(1);
    });

    it('forecasts nothing in the first 10% of the period', async () => {
      const created = await accountChange(
        job('1', 300, '2026-11-01T06:00:00.000Z'),
        deps({ now: () => new Date('2026-11-02T00:00:00.000Z') }),
      );

      expect(created).toEqual([]);
      expect((await ledger.usage('monthly-metered', '2026-11'))?.forecastSent).toBe(false);
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
      expect(ledger.calls).toEqual({ usage: 0, apply: 0, period: 0 });
      expect(onUsage).not.toHaveBeenCalled();
    });
  });
});
