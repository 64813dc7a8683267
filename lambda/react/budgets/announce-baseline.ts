/**
 * The baseline announcement: one alert when a budget is already past a
 * threshold the first time Vigil looks.
 *
 * Why a separate pass. The first poll of a new install (or of a newly
 * followed project) finds this period's usage as baseline changes, one per
 * resource, that reach the accountant one at a time. Alerting as each one
 * crosses a mark would send 50%, 80% and 100% at once for usage that is not
 * news; alerting on none would hide that the budget is already spent. So the
 * accountant counts baseline changes silently and remembers, in the usage
 * item and in the same transaction as the count, which thresholds they
 * crossed (`crossedAtBaseline`). Once the stream's batches are consumed (the
 * CLI runs this after its consumers; the reactor Lambda on its one-minute
 * schedule), this pass looks at each budget's current period and writes ONE
 * threshold event, for the highest threshold crossed at baseline and not yet
 * settled, marked `baseline: true` so its message says the budget was
 * already there when Vigil first looked.
 *
 * Guarantees. The event is written in one transaction with the usage item,
 * whose `fired` then holds every threshold crossed at baseline, under the
 * usage's version check; the event's key is the threshold's own (one per
 * threshold and period). A retry or a second process re-reads, finds
 * nothing left to settle, and writes nothing. When a later, non-baseline
 * change has already announced a higher threshold, the baseline ones are
 * settled without an event: the user already heard something newer. Only the
 * period current now is looked at; a period that ended before the pass ran
 * is history.
 */

import type { Budget } from '../../config/settings';
import { StoreError } from '../../core/errors';
import type { BudgetUsage } from '../../record/budget-ledger';
import { type BudgetEvent, budgetArn } from '../../record/vigil-event';
import { type AccountantDeps, budgetRef, MAX_ATTEMPTS } from './accountant';
import { type Period, periodOf } from './period';

/** Announces, for each budget's current period, the highest threshold crossed at baseline. Returns the events written. */
export async function announceBaselineCrossings(
  deps: Pick<AccountantDeps, 'ledger' | 'budgets' | 'now' | 'pricing'>,
): Promise<BudgetEvent[]> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const created: BudgetEvent[] = [];
  for (const budget of deps.budgets) {
    const period = periodOf(now, budget.period, budget.timeZone);
    created.push(...(await announceFor(budget, period, now, deps)));
  }
  return created;
}

async function announceFor(
  budget: Budget,
  period: Period,
  now: string,
  deps: Pick<AccountantDeps, 'ledger' | 'pricing'>,
): Promise<BudgetEvent[]> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const usage = await deps.ledger.usage(budget.name, period.key);
    const pending = (usage?.crossedAtBaseline ?? []).filter((t) => !usage?.fired.includes(t));
    if (usage === undefined || pending.length === 0) return [];
    const highest = Math.max(...pending);
    // A later change already announced a higher threshold: the older news is settled silently.
    const stale = usage.fired.some((t) => t > highest);
    const cause = usage.baselineCause;
    const events =
      stale || cause === undefined ? [] : [announcement(budget, period, usage, highest, cause, now, deps.pricing)];
    const after: BudgetUsage = {
      ...usage,
      fired: [...new Set([...usage.fired, ...pending])].sort((a, b) => a - b),
      version: usage.version + 1,
    };
    if ((await deps.ledger.announce(after, events, usage.version)) === 'applied') return events;
  }
  throw new StoreError(
    `Could not announce the baseline thresholds of budget ${budget.name} (${period.key}): its usage kept changing under ${MAX_ATTEMPTS} attempts`,
  );
}

function announcement(
  budget: Budget,
  period: Period,
  usage: BudgetUsage,
  thresholdPercent: number,
  causedBy: BudgetEvent['causedBy'],
  now: string,
  pricing: AccountantDeps['pricing'],
): BudgetEvent {
  const arn = budgetArn(budget.name, period.key);
  return {
    eventId: `${arn}#threshold-${thresholdPercent}`,
    eventType: 'budget-threshold',
    service: 'devicefarm',
    arn,
    name: budget.name,
    at: now,
    budget: budgetRef(budget, pricing),
    period,
    usedMinutes: usage.usedMinutes,
    thresholdPercent,
    baseline: true,
    causedBy,
  };
}
