import { StoreError } from '../../../../lambda/core/errors';
import { silentLog } from '../../../../lambda/core/log';
import { type AccountantDeps, accountChange } from '../../../../lambda/react/budgets/accountant';
import { announceBaselineCrossings } from '../../../../lambda/react/budgets/announce-baseline';
import type { ChangeEvent } from '../../../../lambda/record/change-event';
import { jobArn } from '../../../support/arns';
import { InMemoryBudgetLedger } from '../../../support/ledgers';
import { budget, meteredMonthRef, minutesChange } from '../../../support/reactor-builders';

/** 21 November 2026, 08:00 UTC: November is the current period. */
const NOW = '2026-11-21T08:00:00.000Z';
const NOVEMBER = { key: '2026-11', start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };
const ID = 'vigil:budget/hundred/2026-11';
/** 100 metered minutes a month, thresholds 50, 80 and 100. */
const HUNDRED = budget({ name: 'hundred', limitMinutes: 100 });

/** A run of this month found by the first poll (baseline), or seen later (not baseline). */
function run(id: string, metered: number, baseline = true): ChangeEvent {
  return minutesChange('job', {
    after: { total: metered, metered, unmetered: 0 },
    baseline,
    state: { arn: jobArn(id), name: `Run ${id}`, started: '2026-11-18T10:00:00.000Z' },
  });
}

describe('announceBaselineCrossings', () => {
  let ledger: InMemoryBudgetLedger;

  beforeEach(() => {
    ledger = new InMemoryBudgetLedger();
  });

  function deps(overrides: Partial<AccountantDeps> = {}): AccountantDeps {
    return { ledger, budgets: [HUNDRED], log: silentLog, now: () => new Date(NOW), ...overrides };
  }

  async function count(...changes: ChangeEvent[]): Promise<string[]> {
    const ids: string[] = [];
    for (const c of changes) ids.push(...(await accountChange(c, deps())).map((e) => e.eventId));
    return ids;
  }

  it('announces nothing when the first poll found usage under every threshold', async () => {
    // Arrange: 40 of 100.
    expect(await count(run('a', 40))).toEqual([]);

    // Act
    const announced = await announceBaselineCrossings(deps());

    // Assert
    expect(announced).toEqual([]);
    expect(ledger.allEvents()).toEqual([]);
    expect(ledger.calls.announce).toBe(0);
  });

  it('announces exactly one 50% alert when the first poll found 60 of 100', async () => {
    expect(await count(run('a', 60))).toEqual([]);

    const announced = await announceBaselineCrossings(deps());

    expect(announced.map((e) => [e.eventId, e.thresholdPercent, e.usedMinutes, e.baseline])).toEqual([
      [`${ID}#threshold-50`, 50, 60, true],
    ]);
    expect((await ledger.usage('hundred', '2026-11'))?.fired).toEqual([50]);
  });

  it('announces only the highest threshold crossed (80%) when three baseline runs reached 90 of 100', async () => {
    // Arrange: 30, 60 (past 50%), 90 (past 80%), all counted silently.
    expect(await count(run('a', 30), run('b', 30), run('c', 30))).toEqual([]);

    // Act
    const announced = await announceBaselineCrossings(deps());

    // Assert
    expect(announced).toEqual([
      {
        eventId: `${ID}#threshold-80`,
        eventType: 'budget-threshold',
        service: 'devicefarm',
        arn: ID,
        name: 'hundred',
        at: NOW,
        budget: meteredMonthRef('hundred', 100),
        period: NOVEMBER,
        usedMinutes: 90,
        thresholdPercent: 80,
        baseline: true,
        causedBy: { eventId: `${jobArn('c')}@1`, arn: jobArn('c'), name: 'Run c', minutes: 30 },
      },
    ]);
    expect(ledger.allEvents()).toEqual(announced);
    expect(await ledger.usage('hundred', '2026-11')).toMatchObject({
      usedMinutes: 90,
      fired: [50, 80],
      crossedAtBaseline: [50, 80],
      version: 4,
    });
  });

  it('writes nothing more when it runs again (a retry, the next minute)', async () => {
    // Arrange
    await count(run('a', 90));
    await announceBaselineCrossings(deps());

    // Act
    const again = await announceBaselineCrossings(deps());

    // Assert
    expect(again).toEqual([]);
    expect(ledger.allEvents().map((e) => e.eventId)).toEqual([`${ID}#threshold-80`]);
  });

  it('announces once when two processes run it at the same time', async () => {
    // Arrange: the second process reads the same usage, then the first one writes before it.
    await count(run('a', 90));
    let second: string[] = [];
    ledger.interleaveOnce(async () => {
      second = (await announceBaselineCrossings(deps())).map((e) => e.eventId);
    });

    // Act
    const first = (await announceBaselineCrossings(deps())).map((e) => e.eventId);

    // Assert: the interleaved one wrote; the first found its version moved, re-read, and found nothing left.
    expect(second).toEqual([`${ID}#threshold-80`]);
    expect(first).toEqual([]);
    expect(ledger.outcomes.slice(-2)).toEqual(['applied', 'conflict']);
    expect(ledger.allEvents().map((e) => e.eventId)).toEqual([`${ID}#threshold-80`]);
  });

  it('lets a later change that is not baseline alert as usual, and announces only what it did not pass', async () => {
    // Arrange: baseline at 60 (past 50%), then a new run brings 85 (past 80%) before the pass runs.
    await count(run('a', 60));
    const live = await count(run('b', 25, false));

    // Act
    const announced = await announceBaselineCrossings(deps());

    // Assert: 80% alerted as usual; the older 50% is settled without a message.
    expect(live).toEqual([`${ID}#threshold-80`]);
    expect(announced).toEqual([]);
    expect(await ledger.usage('hundred', '2026-11')).toMatchObject({ fired: [50, 80], crossedAtBaseline: [50] });
    expect(ledger.allEvents().map((e) => e.eventId)).toEqual([`${ID}#threshold-80`]);
  });

  it('looks only at the current period: baseline crossings of a month that has ended are history', async () => {
    // Arrange: the first poll counted 90 in November; the pass first runs on 1 December.
    await count(run('a', 90));

    // Act
    const announced = await announceBaselineCrossings(deps({ now: () => new Date('2026-12-01T00:00:30.000Z') }));

    // Assert
    expect(announced).toEqual([]);
    expect(ledger.allEvents()).toEqual([]);
  });

  it('throws a StoreError naming the budget when the usage keeps changing', async () => {
    await count(run('a', 90));
    ledger.conflictNext(5);

    const failure = announceBaselineCrossings(deps());

    await expect(failure).rejects.toThrow(StoreError);
    await expect(failure).rejects.toThrow(
      'Could not announce the baseline thresholds of budget hundred (2026-11): its usage kept changing under 5 attempts',
    );
    expect(ledger.allEvents()).toEqual([]);
  });
});
