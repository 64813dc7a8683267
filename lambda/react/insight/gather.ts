/**
 * Reads what the report and `vigil devices` need, and nothing else: the
 * window's events through `HistoryReader.window` (one Query per `byTime`
 * partition, paged; never a Scan) and each budget's totals from the budget
 * ledger (one GetItem per budget period the window touches).
 */
import type { Budget, Pricing } from '../../config/settings';
import type { BudgetLedger } from '../../record/budget-ledger';
import type { HistoryReader } from '../../record/history-store';
import type { VigilEvent } from '../../record/vigil-event';
import { periodOf } from '../budgets/period';
import { type DeviceHealth, deviceHealth } from './health';
import { type BudgetPeriodUsage, buildReportData, daysBetween, type ReportData } from './report-data';

export interface InsightDeps {
  readonly reader: HistoryReader;
  readonly budgetLedger: BudgetLedger;
  readonly budgets: readonly Budget[];
  readonly pricing: Pricing;
}

export interface ReportWindow {
  /** ISO-8601 instants, both included. */
  readonly since: string;
  readonly until: string;
  /** Only this project (name or ARN). */
  readonly project?: string;
  /** When the report is made (shown in it). */
  readonly now: Date;
}

/**
 * The report's data for a window: its events and its budgets' periods.
 * `events`, when given, are the window's already read (the digest reads a
 * longer window once and hands it over).
 */
export async function gatherReport(
  deps: InsightDeps,
  window: ReportWindow,
  events?: readonly VigilEvent[],
): Promise<ReportData> {
  const read = events ?? (await deps.reader.window(window.since, window.until));
  const usage: BudgetPeriodUsage[] = [];
  for (const budget of deps.budgets) {
    // Noon of each day names its period whatever the budget's time zone offset.
    const keys = new Set(
      daysBetween(window.since, window.until).map(
        (day) => periodOf(`${day}T12:00:00.000Z`, budget.period, budget.timeZone).key,
      ),
    );
    for (const key of keys) {
      const found = await deps.budgetLedger.usage(budget.name, key);
      if (found !== undefined) usage.push({ budget: budget.name, periodKey: key, usedMinutes: found.usedMinutes });
    }
  }
  return buildReportData({
    events: read.filter((e) => e.at >= window.since && e.at <= window.until),
    since: window.since,
    until: window.until,
    ...(window.project === undefined ? {} : { project: window.project }),
    budgets: deps.budgets,
    usage,
    pricing: deps.pricing,
    generatedAt: window.now.toISOString(),
  });
}

/** Every device's health over a window, worst first. */
export async function gatherDevices(reader: HistoryReader, since: string, until: string): Promise<DeviceHealth[]> {
  return deviceHealth(await reader.window(since, until));
}
