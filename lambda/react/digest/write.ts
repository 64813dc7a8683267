/**
 * Makes the daily digest for the UTC day before `now` and writes it as one
 * event (at most once per day: a second run finds it and writes nothing).
 * The notifier then publishes it like any other event, exactly once.
 */

import { type Budget, type GuardSettings, LIST_PRICES, type Pricing, pricePerMinuteOf } from '../../config/settings';
import type { Log } from '../../core/log';
import { costOf } from '../../core/money';
import type { BudgetLedger } from '../../record/budget-ledger';
import type { GuardLedger } from '../../record/guard-ledger';
import type { DigestWriter, HistoryReader } from '../../record/history-store';
import type { DigestEvent } from '../../record/vigil-event';
import { periodOf } from '../budgets/period';
import { minutesSoFar } from '../guard/decide';
import { policyFor } from '../guard/guard';
import { buildDigest } from './build';

export interface DigestDeps {
  readonly reader: HistoryReader;
  readonly writer: DigestWriter;
  readonly budgetLedger: BudgetLedger;
  readonly guardLedger: GuardLedger;
  readonly budgets: readonly Budget[];
  /** Prices of a minute, for the money beside the minutes. @default the list prices */
  readonly pricing?: Pricing;
  readonly guard: GuardSettings;
  readonly log: Log;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** The UTC day before `now`, as YYYY-MM-DD. */
export function yesterday(now: Date): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

export async function writeDigest(deps: DigestDeps, date?: string): Promise<DigestEvent | undefined> {
  const now = (deps.now ?? (() => new Date()))();
  const day = date ?? yesterday(now);
  const events = await deps.reader.window(`${day}T00:00:00.000Z`, `${day}T23:59:59.999Z`);

  const pricing = deps.pricing ?? LIST_PRICES;
  const budgets = [];
  for (const budget of deps.budgets) {
    const period = periodOf(now.toISOString(), budget.period, budget.timeZone);
    const usage = await deps.budgetLedger.usage(budget.name, period.key);
    const usedMinutes = usage?.usedMinutes ?? 0;
    const perMinute = pricePerMinuteOf(budget.meter, pricing);
    budgets.push({
      name: budget.name,
      period: period.key,
      usedMinutes,
      limitMinutes: budget.limitMinutes,
      usedCost: Math.round(costOf(usedMinutes, perMinute) * 100) / 100,
      limitCost: budget.limitUsd ?? Math.round(costOf(budget.limitMinutes, perMinute) * 100) / 100,
      currency: pricing.currency,
    });
  }

  const sessions = (await deps.reader.active('devicefarm')).filter((s) => s.kind === 'remote-access-session');
  const states = await deps.guardLedger.states(sessions.map((s) => s.arn));
  const overLimit = sessions.flatMap((s) => {
    const limit = policyFor(s, states.get(s.arn), deps.guard).limitMinutes;
    const minutes = Math.round(minutesSoFar(s, now) * 10) / 10;
    return limit !== undefined && minutes >= limit ? [{ arn: s.arn, name: s.name, minutes, limitMinutes: limit }] : [];
  });

  const arn = `vigil:digest/${day}`;
  const event: DigestEvent = {
    eventId: arn,
    eventType: 'digest',
    service: 'devicefarm',
    arn,
    name: `Daily digest ${day}`,
    at: now.toISOString(),
    digest: buildDigest(day, events, { budgets, overLimit }, pricing),
  };
  if (!(await deps.writer.putDigest(event))) {
    deps.log.info('The digest for this day was already written', { date: day });
    return undefined;
  }
  return event;
}
