/**
 * Makes the daily digest for the UTC day before `now` and writes it as one
 * event (at most once per day: a second run finds it and writes nothing).
 * The notifier then publishes it like any other event, exactly once.
 */

import { type Budget, type GuardSettings, LIST_PRICES, type Pricing, pricePerMinuteOf } from '../../config/settings';
import { errorMessage } from '../../core/errors';
import type { Log } from '../../core/log';
import { costOf } from '../../core/money';
import type { BudgetLedger } from '../../record/budget-ledger';
import type { GuardLedger } from '../../record/guard-ledger';
import type { DigestWriter, HistoryReader } from '../../record/history-store';
import type { DigestEvent } from '../../record/vigil-event';
import { periodOf } from '../budgets/period';
import { minutesSoFar } from '../guard/decide';
import { policyFor } from '../guard/guard';
import { gatherReport } from '../insight/gather';
import { deviceHealth } from '../insight/health';
import type { ReportData } from '../insight/report-data';
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
  /**
   * Where the report of the last `days` days goes with each digest (the
   * stack's report bucket; the digest says where). Absent: no report.
   */
  readonly report?: {
    /** Writes the report of `data` at `key` (the engine renders and stores it); resolves to where it is. */
    readonly publish: (key: string, data: ReportData) => Promise<string>;
    readonly prefix: string;
    readonly days: number;
  };
}

/** Days the digest's flakiest devices are scored over. */
export const FLAKY_DEVICE_DAYS = 7;
/** How many flaky devices the digest names. */
export const FLAKY_DEVICES = 3;
const DAY_MS = 86_400_000;

/** The UTC day before `now`, as YYYY-MM-DD. */
export function yesterday(now: Date): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

export async function writeDigest(deps: DigestDeps, date?: string): Promise<DigestEvent | undefined> {
  const now = (deps.now ?? (() => new Date()))();
  const day = date ?? yesterday(now);
  const dayStart = `${day}T00:00:00.000Z`;
  const dayEnd = `${day}T23:59:59.999Z`;
  // One read covers the day, the week the flaky devices are scored over, and the report's window.
  const lookbackDays = Math.max(FLAKY_DEVICE_DAYS, deps.report?.days ?? 0);
  const from = new Date(Math.min(Date.parse(dayStart), now.getTime() - lookbackDays * DAY_MS)).toISOString();
  const until = now.toISOString() > dayEnd ? now.toISOString() : dayEnd;
  const read = await deps.reader.window(from, until);
  const events = read.filter((e) => e.at >= dayStart && e.at <= dayEnd);
  const weekAgo = new Date(now.getTime() - FLAKY_DEVICE_DAYS * DAY_MS).toISOString();
  const flakyDevices = {
    days: FLAKY_DEVICE_DAYS,
    devices: deviceHealth(read.filter((e) => e.at >= weekAgo))
      .filter((d) => d.flakyScore > 0)
      .slice(0, FLAKY_DEVICES)
      .map((d) => ({
        device: d.device,
        flakyScore: Math.round(d.flakyScore * 100) / 100,
        passRate: Math.round(d.passRate * 100) / 100,
        jobs: d.jobs,
      })),
  };

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

  const report = deps.report === undefined ? undefined : await writeReport(deps, deps.report, now, read, day);

  const arn = `vigil:digest/${day}`;
  const event: DigestEvent = {
    eventId: arn,
    eventType: 'digest',
    service: 'devicefarm',
    arn,
    name: `Daily digest ${day}`,
    at: now.toISOString(),
    digest: buildDigest(
      day,
      events,
      { budgets, overLimit, flakyDevices, ...(report === undefined ? {} : { report }) },
      pricing,
    ),
  };
  if (!(await deps.writer.putDigest(event))) {
    deps.log.info('The digest for this day was already written', { date: day });
    return undefined;
  }
  return event;
}

/**
 * Writes the report of the last `days` days under `<prefix><day>.html`. A
 * failure is logged and said in the digest (with the error), never a digest
 * held back: the report is extra.
 */
async function writeReport(
  deps: DigestDeps,
  report: NonNullable<DigestDeps['report']>,
  now: Date,
  read: Parameters<typeof gatherReport>[2],
  day: string,
): Promise<NonNullable<DigestEvent['digest']['report']>> {
  try {
    const data = await gatherReport(
      {
        reader: deps.reader,
        budgetLedger: deps.budgetLedger,
        budgets: deps.budgets,
        pricing: deps.pricing ?? LIST_PRICES,
      },
      { since: new Date(now.getTime() - report.days * DAY_MS).toISOString(), until: now.toISOString(), now },
      read,
    );
    const url = await report.publish(`${report.prefix}${day}.html`, data);
    return { url, days: report.days };
  } catch (error) {
    deps.log.error('The report could not be written; the digest goes without it', { error: errorMessage(error) });
    return { days: report.days, error: errorMessage(error) };
  }
}
