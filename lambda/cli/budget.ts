/**
 * `vigil budget [--json]`: each budget's current period, minutes used
 * against the limit, a bar, the forecast, and the resources that used most.
 */
import type { Budget } from '../core/settings';
import { periodOf } from '../react/budgets/period';
import { type Forecast, forecastBreach } from '../react/budgets/usage';
import type { BudgetLedger } from '../record/budget-ledger';
import type { CliIo } from './io';

/** One budget as `vigil budget` reports it. */
export interface BudgetLine {
  readonly name: string;
  readonly meter: string;
  readonly period: { readonly key: string; readonly start: string; readonly end: string; readonly timeZone: string };
  readonly usedMinutes: number;
  readonly limitMinutes: number;
  readonly percent: number;
  readonly thresholdsReached: readonly number[];
  readonly forecast?: Forecast;
  readonly top: readonly { arn: string; name: string; kind: string; minutes: number }[];
}

const TOP = 5;
const BAR_WIDTH = 20;

export async function budgetLines(budgets: readonly Budget[], ledger: BudgetLedger, now: Date): Promise<BudgetLine[]> {
  const lines: BudgetLine[] = [];
  for (const budget of budgets) {
    const period = periodOf(now.toISOString(), budget.period, budget.timeZone);
    const { usage, shares } = await ledger.period(budget.name, period.key);
    const used = usage?.usedMinutes ?? 0;
    const byResource = new Map<string, { arn: string; name: string; kind: string; minutes: number }>();
    for (const s of shares) {
      const entry = byResource.get(s.arn) ?? { arn: s.arn, name: s.name, kind: s.kind, minutes: 0 };
      entry.minutes = Math.round((entry.minutes + s.minutes) * 1000) / 1000;
      byResource.set(s.arn, entry);
    }
    // The alerts' rule: see react/budgets/usage.ts.
    const forecast = budget.forecast
      ? forecastBreach({
          usedMinutes: used,
          limitMinutes: budget.limitMinutes,
          periodStart: period.start,
          periodEnd: period.end,
          now: now.toISOString(),
          usageDays: usage?.usageDays?.length ?? 0,
        })
      : undefined;
    lines.push({
      name: budget.name,
      meter: budget.meter,
      period: { ...period, timeZone: budget.timeZone },
      usedMinutes: used,
      limitMinutes: budget.limitMinutes,
      percent: Math.round((used / budget.limitMinutes) * 1000) / 10,
      thresholdsReached: usage?.fired ?? [],
      ...(forecast === undefined ? {} : { forecast }),
      top: [...byResource.values()].sort((a, b) => b.minutes - a.minutes).slice(0, TOP),
    });
  }
  return lines;
}

/** "[██████████░░░░░░░░░░]" for a percentage (capped at full). */
export function bar(percent: number): string {
  const filled = Math.max(0, Math.min(BAR_WIDTH, Math.round((percent / 100) * BAR_WIDTH)));
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
}

export async function budgetCommand(
  json: boolean,
  budgets: readonly Budget[],
  ledger: BudgetLedger,
  io: CliIo,
  now = new Date(),
): Promise<number> {
  if (budgets.length === 0) {
    io.out('No budgets are configured. Add one to vigil.config.json, for example:');
    io.out('  "budgets": [{ "name": "monthly-metered", "meter": "deviceMinutes.metered", "limitMinutes": 1000 }]');
    return 0;
  }
  const lines = await budgetLines(budgets, ledger, now);
  if (json) {
    io.out(JSON.stringify(lines, null, 2));
    return 0;
  }
  for (const line of lines) {
    io.out(
      `${line.name}  ${line.period.key} (${line.period.timeZone})  ${bar(line.percent)} ${line.percent}%  ${line.usedMinutes} of ${line.limitMinutes} min  (${line.meter})`,
    );
    if (line.thresholdsReached.length > 0)
      io.out(`  thresholds reached: ${line.thresholdsReached.map((t) => `${t}%`).join(', ')}`);
    io.out(
      line.usedMinutes >= line.limitMinutes
        ? '  forecast: the limit is already passed'
        : line.forecast === undefined
          ? '  forecast: within the limit at the current rate'
          : `  forecast: reaches the limit on ${line.forecast.at} (${line.forecast.projectedMinutes} min by period end)`,
    );
    for (const r of line.top) io.out(`  ${String(r.minutes).padStart(8)} min  ${r.kind} ${r.name}  ${r.arn}`);
  }
  return 0;
}
