/**
 * `vigil budget [--period <key>] [--json]`: each budget's current period (or
 * the period a key names, past or present), minutes used against the limit,
 * a bar, the forecast, and the resources that used most.
 */

import { type Budget, LIST_PRICES, type Pricing, pricePerMinuteOf } from '../config/settings';
import { UsageError } from '../core/errors';
import { costOf, formatMoney } from '../core/money';
import { type Period, type PeriodKind, parsePeriodKey, periodOf, periodOfKey } from '../react/budgets/period';
import {
  FORECAST_MIN_ELAPSED,
  FORECAST_MIN_USAGE_DAYS,
  type Forecast,
  forecastBreach,
  forecastEvidence,
} from '../react/budgets/usage';
import type { BudgetLedger } from '../record/budget-ledger';
import type { CliIo } from './io';

/** Why a line has no forecast, when none is shown. */
export type NoForecast =
  /** The budget's `forecast` is false. */
  | 'off'
  /** The period has ended or not begun: nothing to project. */
  | 'not-current'
  /** The limit is already reached. */
  | 'limit-passed'
  /** Less than a quarter of the period elapsed, or usage on fewer than three days. */
  | 'too-little-evidence'
  /** The rate so far stays within the limit (nothing used yet counts as that). */
  | 'within-limit';

/** One budget as `vigil budget` reports it. */
export interface BudgetLine {
  readonly name: string;
  readonly meter: string;
  readonly period: { readonly key: string; readonly start: string; readonly end: string; readonly timeZone: string };
  readonly usedMinutes: number;
  readonly limitMinutes: number;
  /** The limit as configured in money, when the budget was set with `limitUsd`. */
  readonly limitUsd?: number;
  /** Minutes used and the limit in money, at the meter's price in `currency`. */
  readonly cost: {
    readonly used: number;
    readonly limit: number;
    readonly perMinute: number;
    readonly currency: string;
  };
  readonly percent: number;
  /** The budget's thresholds its usage has reached (whether or not they alerted: a past period's never do). */
  readonly thresholdsReached: readonly number[];
  readonly forecast?: Forecast;
  readonly noForecast?: NoForecast;
  /** Distinct days of the period with usage (the forecast's evidence). */
  readonly usageDays: number;
  readonly top: readonly { arn: string; name: string; kind: string; minutes: number }[];
}

const TOP = 5;
const BAR_WIDTH = 20;

const KEY_FORMATS = '2026-10 (a month), week-2026-11-16 (the week starting that Monday) or 2026-11-22 (a day)';

/** The kind of period `--period <key>` names; a UsageError listing the accepted formats when it names none. */
export function periodKind(periodKey: string): PeriodKind {
  const parts = parsePeriodKey(periodKey);
  if (parts === undefined) {
    throw new UsageError(`--period ${JSON.stringify(periodKey)} is not a period; expected ${KEY_FORMATS}`);
  }
  return parts.kind;
}

/**
 * The budgets `--period <key>` applies to, or every budget without a key.
 * Throws a UsageError when the key is not a period key, or no budget has
 * periods of its kind.
 */
export function budgetsFor(budgets: readonly Budget[], periodKey: string | undefined): readonly Budget[] {
  if (periodKey === undefined) return budgets;
  const kind = periodKind(periodKey);
  const matching = budgets.filter((b) => b.period === kind);
  if (matching.length === 0) {
    const kinds = budgets.map((b) => `${b.name}: ${b.period}`).join(', ');
    throw new UsageError(`--period ${periodKey} names a ${kind}; no budget has ${kind} periods (${kinds})`);
  }
  return matching;
}

export async function budgetLines(
  budgets: readonly Budget[],
  ledger: BudgetLedger,
  now: Date,
  periodKey?: string,
  pricing: Pricing = LIST_PRICES,
): Promise<BudgetLine[]> {
  const lines: BudgetLine[] = [];
  for (const budget of budgetsFor(budgets, periodKey)) {
    const current = periodOf(now.toISOString(), budget.period, budget.timeZone);
    // budgetsFor has checked the key: it names a period of this budget's kind.
    const period = periodKey === undefined ? current : (periodOfKey(periodKey, budget.timeZone) as Period);
    const { usage, shares } = await ledger.period(budget.name, period.key);
    const used = usage?.usedMinutes ?? 0;
    const usageDays = usage?.usageDays?.length ?? 0;
    const byResource = new Map<string, { arn: string; name: string; kind: string; minutes: number }>();
    for (const s of shares) {
      const entry = byResource.get(s.arn) ?? { arn: s.arn, name: s.name, kind: s.kind, minutes: 0 };
      entry.minutes = Math.round((entry.minutes + s.minutes) * 1000) / 1000;
      byResource.set(s.arn, entry);
    }
    const judged = {
      usedMinutes: used,
      limitMinutes: budget.limitMinutes,
      periodStart: period.start,
      periodEnd: period.end,
      now: now.toISOString(),
      usageDays,
    };
    const forecast =
      budget.forecast && period.key === current.key && used < budget.limitMinutes ? forecastBreach(judged) : undefined;
    const noForecast: NoForecast | undefined =
      forecast !== undefined
        ? undefined
        : !budget.forecast
          ? 'off'
          : period.key !== current.key
            ? 'not-current'
            : used >= budget.limitMinutes
              ? 'limit-passed'
              : used > 0 && !forecastEvidence(judged).enough
                ? 'too-little-evidence'
                : 'within-limit';
    const perMinute = pricePerMinuteOf(budget.meter, pricing);
    lines.push({
      name: budget.name,
      meter: budget.meter,
      period: { ...period, timeZone: budget.timeZone },
      usedMinutes: used,
      limitMinutes: budget.limitMinutes,
      ...(budget.limitUsd === undefined ? {} : { limitUsd: budget.limitUsd }),
      cost: {
        used: round2(costOf(used, perMinute)),
        limit: budget.limitUsd ?? round2(costOf(budget.limitMinutes, perMinute)),
        perMinute,
        currency: pricing.currency,
      },
      percent: Math.round((used / budget.limitMinutes) * 1000) / 10,
      thresholdsReached: [...new Set(budget.thresholds)]
        .filter((t) => used >= (budget.limitMinutes * t) / 100)
        .sort((a, b) => a - b),
      ...(forecast === undefined ? {} : { forecast }),
      ...(noForecast === undefined ? {} : { noForecast }),
      usageDays,
      top: [...byResource.values()].sort((a, b) => b.minutes - a.minutes).slice(0, TOP),
    });
  }
  return lines;
}

const round2 = (amount: number) => Math.round(amount * 100) / 100;
const round1 = (minutes: number) => Math.round(minutes * 10) / 10;

/** "[██████████░░░░░░░░░░]" for a percentage (capped at full). */
export function bar(percent: number): string {
  const filled = Math.max(0, Math.min(BAR_WIDTH, Math.round((percent / 100) * BAR_WIDTH)));
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The forecast line of one budget. */
export function forecastText(line: BudgetLine, now: Date): string {
  if (line.forecast !== undefined) {
    const { basedOn } = line.forecast;
    const from =
      basedOn === undefined ? '' : `, from ${basedOn.usedMinutes} min in ${plural(basedOn.elapsedDays, 'day')}`;
    return `forecast: reaches the limit on ${line.forecast.at} (${line.forecast.projectedMinutes} min by period end${from})`;
  }
  switch (line.noForecast) {
    case 'off':
      return 'forecast: off for this budget ("forecast": false)';
    case 'not-current':
      return now.toISOString() >= line.period.end
        ? 'forecast: none, the period is over'
        : 'forecast: none, the period has not begun';
    case 'limit-passed':
      return 'forecast: the limit is already passed';
    case 'too-little-evidence': {
      const { elapsedShare } = forecastEvidence({
        periodStart: line.period.start,
        periodEnd: line.period.end,
        now: now.toISOString(),
        usageDays: line.usageDays,
      });
      const elapsed = Math.floor(elapsedShare * 100);
      return `forecast: not yet; it needs ${FORECAST_MIN_ELAPSED * 100}% of the period elapsed and usage on ${FORECAST_MIN_USAGE_DAYS} days (so far ${elapsed}% and ${plural(line.usageDays, 'day')})`;
    }
    default:
      return 'forecast: within the limit at the current rate';
  }
}

export async function budgetCommand(
  options: { readonly json: boolean; readonly period?: string },
  budgets: readonly Budget[],
  ledger: BudgetLedger,
  io: CliIo,
  now = new Date(),
  pricing: Pricing = LIST_PRICES,
): Promise<number> {
  // A bad key is a usage error even before any budget is configured.
  if (options.period !== undefined) periodKind(options.period);
  // Without budgets in a config file here, the ones the table has counted (as last configured).
  const counted = budgets.length === 0 ? await ledger.catalog() : [];
  if (budgets.length === 0 && counted.length > 0) {
    io.err('No budgets in a vigil.config.json here: showing the budgets the table has counted, as last configured.');
    return budgetCommand(options, counted, ledger, io, now);
  }
  if (budgets.length === 0) {
    io.out('No budgets are configured, and the table has counted none. Add one to vigil.config.json, for example:');
    io.out('  "budgets": [{ "name": "monthly-metered", "meter": "deviceMinutes.metered", "limitMinutes": 1000 }]');
    return 0;
  }
  const lines = await budgetLines(budgets, ledger, now, options.period, pricing);
  if (options.json) {
    io.out(JSON.stringify(lines, null, 2));
    return 0;
  }
  for (const line of lines) {
    io.out(
      `${line.name}  ${line.period.key} (${line.period.timeZone})  ${bar(line.percent)} ${line.percent}%  ${line.usedMinutes} of ${round1(line.limitMinutes)} min  ${formatMoney(line.cost.used, line.cost.currency)} of ${formatMoney(line.cost.limit, line.cost.currency)}  (${line.meter})`,
    );
    if (line.thresholdsReached.length > 0)
      io.out(`  thresholds reached: ${line.thresholdsReached.map((t) => `${t}%`).join(', ')}`);
    io.out(`  ${forecastText(line, now)}`);
    for (const r of line.top) {
      const cost = formatMoney(costOf(r.minutes, line.cost.perMinute), line.cost.currency);
      io.out(`  ${String(r.minutes).padStart(8)} min  ${cost.padStart(12)}  ${r.kind} ${r.name}  ${r.arn}`);
    }
  }
  return 0;
}
