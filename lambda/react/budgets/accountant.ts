/**
 * The accountant: adds each change's metered minutes to every budget it
 * counts for, in the period in which the resource started, and announces
 * each threshold once per period and budget, plus one forecast per period
 * when the usage rate projects past the limit. Idempotent under retried
 * batches and atomic per change (see record/budget-ledger.ts).
 */
import { StoreError } from '../../core/errors';
import type { Log } from '../../core/log';
import type { Budget } from '../../core/settings';
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
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Called after each applied change, with the budget's new total (the handler publishes it as a metric). */
  readonly onUsage?: (budget: Budget, usage: BudgetUsage) => void;
}

/** How many times a version conflict on a usage item is re-read and retried. */
const MAX_ATTEMPTS = 5;

const round = (minutes: number) => Math.round(minutes * 1000) / 1000;

/** Counts one change toward every budget it belongs to. Returns the events it created. */
export async function accountChange(event: ChangeEvent, deps: AccountantDeps): Promise<BudgetEvent[]> {
  const created: BudgetEvent[] = [];
  for (const budget of deps.budgets) {
    const { minutes, startedAt } = meteredMinutes(event, budget);
    if (minutes <= 0) continue;
    const period = periodOf(startedAt, budget.period, budget.timeZone);
    created.push(...(await applyToBudget(event, minutes, budget, period, deps)));
  }
  return created;
}

async function applyToBudget(
  event: ChangeEvent,
  minutes: number,
  budget: Budget,
  period: Period,
  deps: AccountantDeps,
): Promise<BudgetEvent[]> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const share: BudgetShare = {
    eventId: event.eventId,
    arn: event.arn,
    name: event.name,
    kind: event.kind,
    minutes,
    at: event.at,
  };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const before = (await deps.ledger.usage(budget.name, period.key)) ?? {
      budget: budget.name,
      periodKey: period.key,
      start: period.start,
      end: period.end,
      usedMinutes: 0,
      limitMinutes: budget.limitMinutes,
      fired: [],
      forecastSent: false,
      version: 0,
    };
    const usedMinutes = round(before.usedMinutes + minutes);
    const crossed = crossedThresholds(before.usedMinutes, usedMinutes, budget.limitMinutes, budget.thresholds).filter(
      (t) => !before.fired.includes(t),
    );
    // Forecasts are about the period in progress: a late change to a past period is only counted.
    const inProgress = now >= period.start && now < period.end;
    const forecast =
      inProgress && !before.forecastSent
        ? forecastBreach({
            usedMinutes,
            limitMinutes: budget.limitMinutes,
            periodStart: period.start,
            periodEnd: period.end,
            now,
          })
        : undefined;
    const base = {
      service: 'devicefarm' as const,
      arn: budgetArn(budget.name, period.key),
      name: budget.name,
      at: now,
      budget: {
        name: budget.name,
        meter: budget.meter,
        period: budget.period,
        timeZone: budget.timeZone,
        limitMinutes: budget.limitMinutes,
      },
      period,
      usedMinutes,
      causedBy: { eventId: event.eventId, arn: event.arn, name: event.name, minutes },
    };
    const events: BudgetEvent[] = crossed.map((t) => ({
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
      fired: [...before.fired, ...crossed].sort((a, b) => a - b),
      forecastSent: before.forecastSent || forecast !== undefined,
      version: before.version + 1,
    };
    const outcome = await deps.ledger.apply(after, share, events, before.version);
    if (outcome === 'duplicate') return [];
    if (outcome === 'applied') {
      deps.onUsage?.(budget, after);
      return events;
    }
  }
  throw new StoreError(
    `Could not count ${event.eventId} toward budget ${budget.name}: its usage kept changing under ${MAX_ATTEMPTS} attempts`,
  );
}
