/**
 * The accountant: adds each change's metered minutes to every budget it
 * counts for, in the period in which the resource started, and alerts only
 * about the period that is current (in the budget's time zone) when the
 * change is counted:
 *
 * - a change to a period that has ended (or, with a skewed clock, not begun)
 *   is counted silently: history and `vigil budget --period` show it, no
 *   threshold or forecast event is written;
 * - a baseline change (found by the first poll) to the current period is
 *   counted silently too, but the thresholds it crosses are remembered in
 *   the usage item, in the same transaction, for the announcement pass
 *   (./announce-baseline.ts) to announce the highest of them once;
 * - any other change announces each threshold it crosses, once per period
 *   and budget, and may send the period's one forecast (rule: ./usage.ts).
 *
 * Idempotent under retried batches and atomic per change (see
 * record/budget-ledger.ts).
 */

import { type Budget, LIST_PRICES, type Pricing, pricePerMinuteOf } from '../../config/settings';
import { StoreError } from '../../core/errors';
import type { Log } from '../../core/log';
import type { BudgetLedger, BudgetShare, BudgetUsage } from '../../record/budget-ledger';
import type { ChangeEvent } from '../../record/change-event';
import { type BudgetEvent, budgetArn } from '../../record/vigil-event';
import { meteredMinutes } from './meter';
import { type Period, periodOf } from './period';
import { crossedThresholds, forecastBreach } from './usage';

export interface AccountantDeps {
  readonly ledger: BudgetLedger;
  readonly budgets: readonly Budget[];
  readonly log: Log;
  /** What a minute of each meter costs: budget events carry the money beside the minutes. @default the list prices */
  readonly pricing?: Pricing;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /**
   * Called after each change counted toward a budget's current period, with
   * the budget's new total (the handler publishes it as a metric; a late
   * change to a past period would make that metric jump back, so it is not reported).
   */
  readonly onUsage?: (budget: Budget, usage: BudgetUsage) => void;
}

/** How many times a version conflict on a usage item is re-read and retried. */
export const MAX_ATTEMPTS = 5;

const round = (minutes: number) => Math.round(minutes * 1000) / 1000;
const ascending = (values: Iterable<number>) => [...new Set(values)].sort((a, b) => a - b);

/** How a change is counted toward one budget period (see the module comment). */
type Mode = 'alert' | 'baseline' | 'silent';

/** The budget as its events report it, with the price of its meter (and its limit in money, when set so). */
export function budgetRef(budget: Budget, pricing: Pricing = LIST_PRICES): BudgetEvent['budget'] {
  return {
    name: budget.name,
    meter: budget.meter,
    period: budget.period,
    timeZone: budget.timeZone,
    limitMinutes: budget.limitMinutes,
    ...(budget.limitUsd === undefined ? {} : { limitUsd: budget.limitUsd }),
    price: { perMinute: pricePerMinuteOf(budget.meter, pricing), currency: pricing.currency },
  };
}

/** A period's usage before anything was counted in it. */
export function emptyUsage(budget: Budget, period: Period): BudgetUsage {
  return {
    budget: budget.name,
    periodKey: period.key,
    start: period.start,
    end: period.end,
    usedMinutes: 0,
    limitMinutes: budget.limitMinutes,
    fired: [],
    forecastSent: false,
    crossedAtBaseline: [],
    usageDays: [],
    version: 0,
  };
}

/** Counts one change toward every budget it belongs to. Returns the events it created. */
export async function accountChange(event: ChangeEvent, deps: AccountantDeps): Promise<BudgetEvent[]> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const created: BudgetEvent[] = [];
  for (const budget of deps.budgets) {
    const { minutes, startedAt } = meteredMinutes(event, budget);
    if (minutes <= 0) continue;
    const period = periodOf(startedAt, budget.period, budget.timeZone);
    const current = period.key === periodOf(now, budget.period, budget.timeZone).key;
    const mode: Mode = !current ? 'silent' : event.baseline ? 'baseline' : 'alert';
    const day = periodOf(startedAt, 'day', budget.timeZone).key;
    created.push(...(await applyToBudget(event, { minutes, day, mode, now }, budget, period, deps)));
  }
  return created;
}

async function applyToBudget(
  event: ChangeEvent,
  count: { readonly minutes: number; readonly day: string; readonly mode: Mode; readonly now: string },
  budget: Budget,
  period: Period,
  deps: AccountantDeps,
): Promise<BudgetEvent[]> {
  const { minutes, mode, now } = count;
  const share: BudgetShare = {
    eventId: event.eventId,
    arn: event.arn,
    name: event.name,
    kind: event.kind,
    minutes,
    at: event.at,
  };
  const causedBy = { eventId: event.eventId, arn: event.arn, name: event.name, minutes };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const before = (await deps.ledger.usage(budget.name, period.key)) ?? emptyUsage(budget, period);
    const usedMinutes = round(before.usedMinutes + minutes);
    const crossed = crossedThresholds(before.usedMinutes, usedMinutes, budget.limitMinutes, budget.thresholds).filter(
      (t) => !before.fired.includes(t),
    );
    const announced = mode === 'alert' ? crossed : [];
    const heldForPass = mode === 'baseline' ? crossed : [];
    const usageDays = [...new Set([...(before.usageDays ?? []), count.day])].sort();
    const forecast =
      mode === 'alert' && budget.forecast && !before.forecastSent
        ? forecastBreach({
            usedMinutes,
            limitMinutes: budget.limitMinutes,
            periodStart: period.start,
            periodEnd: period.end,
            now,
            usageDays: usageDays.length,
          })
        : undefined;
    const base = {
      service: 'devicefarm' as const,
      arn: budgetArn(budget.name, period.key),
      name: budget.name,
      at: now,
      budget: budgetRef(budget, deps.pricing),
      period,
      usedMinutes,
      causedBy,
    };
    const events: BudgetEvent[] = announced.map((t) => ({
      ...base,
      eventId: `${base.arn}#threshold-${t}`,
      eventType: 'budget-threshold',
      thresholdPercent: t,
    }));
    if (forecast !== undefined) {
      events.push({ ...base, eventId: `${base.arn}#forecast`, eventType: 'budget-forecast', forecast });
    }
    const after: BudgetUsage = {
      ...before,
      usedMinutes,
      limitMinutes: budget.limitMinutes,
      fired: ascending([...before.fired, ...announced]),
      forecastSent: before.forecastSent || forecast !== undefined,
      crossedAtBaseline: ascending([...(before.crossedAtBaseline ?? []), ...heldForPass]),
      ...(heldForPass.length > 0 ? { baselineCause: causedBy } : {}),
      usageDays,
      version: before.version + 1,
    };
    const outcome = await deps.ledger.apply(after, share, events, before.version, budget);
    if (outcome === 'duplicate') return [];
    if (outcome === 'applied') {
      if (mode !== 'silent') deps.onUsage?.(budget, after);
      return events;
    }
  }
  throw new StoreError(
    `Could not count ${event.eventId} toward budget ${budget.name}: its usage kept changing under ${MAX_ATTEMPTS} attempts`,
  );
}
