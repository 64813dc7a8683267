/**
 * What the report shows, computed from a window of history (pure): device
 * minutes per day by meter and their cost, runs per day by result per
 * project, device and test health, Deadline jobs per day by final status and
 * failed sessions by worker and fleet, the longest remote access sessions and
 * the ones the guard stopped, and each budget's periods. The HTML is made
 * from this by deliver/report; the same data is what `vigil report --json`
 * would print and what the tests check the HTML against.
 */
import { type Budget, type Pricing, pricePerMinuteOf } from '../../config/settings';
import { costOf } from '../../core/money';
import type { ChangeEvent } from '../../record/change-event';
import { isFailedSession, isFinishing } from '../../record/notable';
import { type GuardEvent, isChangeEvent, type VigilEvent } from '../../record/vigil-event';
import { byFailures, byFlakiness, type DeviceHealth, deviceHealth, type TestHealth, testHealth } from './health';

/** One day's device minutes by meter (UTC day). */
export interface DayMinutes {
  readonly day: string;
  readonly metered: number;
  readonly unmetered: number;
  readonly testGrid: number;
}

/** One budget's period that overlaps the window, as the budget ledger has it. */
export interface BudgetPeriodUsage {
  readonly budget: string;
  readonly periodKey: string;
  readonly usedMinutes: number;
}

export interface ReportBudget {
  readonly name: string;
  readonly meter: Budget['meter'];
  readonly period: Budget['period'];
  readonly limitMinutes: number;
  readonly limitUsd?: number;
  /** The limit spread over the days of a period (a month's over its days): the line on the minutes chart. */
  readonly dailyMinutes: number;
  readonly periods: readonly {
    readonly key: string;
    readonly usedMinutes: number;
    readonly usedCost: number;
    readonly limitCost: number;
  }[];
}

export interface ReportSession {
  readonly name: string;
  readonly arn: string;
  readonly project: string;
  readonly device?: string;
  readonly result: string;
  readonly minutes: number;
  readonly cost: number;
  readonly metered: boolean;
  readonly started?: string;
}

export interface ReportGuardAction {
  readonly name: string;
  readonly arn: string;
  readonly project: string;
  readonly action: GuardEvent['action'];
  readonly minutes: number;
  readonly limitMinutes?: number;
  readonly at: string;
  readonly by?: string;
}

export interface ReportData {
  readonly title: string;
  readonly generatedAt: string;
  readonly since: string;
  readonly until: string;
  /** Only this project (name or ARN), when the report was asked for one. */
  readonly project?: string;
  readonly days: readonly string[];
  readonly pricing: Pricing;
  readonly minutesByDay: readonly DayMinutes[];
  readonly totals: {
    readonly metered: number;
    readonly unmetered: number;
    readonly testGrid: number;
    readonly meteredCost: number;
    readonly testGridCost: number;
    readonly runs: number;
    readonly jobs: number;
  };
  readonly budgets: readonly ReportBudget[];
  /** Per project: runs finished per day, by result. */
  readonly runsByDay: readonly {
    readonly project: string;
    readonly days: readonly { readonly day: string; readonly byResult: Readonly<Record<string, number>> }[];
  }[];
  readonly devices: readonly DeviceHealth[];
  /** Tests by the runs they failed in, most first. */
  readonly failingTests: readonly TestHealth[];
  /** Tests that flipped between consecutive runs, flakiest first. */
  readonly flakyTests: readonly TestHealth[];
  readonly deadlineJobsByDay: readonly { readonly day: string; readonly byStatus: Readonly<Record<string, number>> }[];
  readonly failedSessions: {
    readonly byWorker: readonly { readonly name: string; readonly sessions: number }[];
    readonly byFleet: readonly { readonly name: string; readonly sessions: number }[];
  };
  readonly longestSessions: readonly ReportSession[];
  readonly guardActions: readonly ReportGuardAction[];
}

export interface ReportInput {
  readonly events: readonly VigilEvent[];
  readonly since: string;
  readonly until: string;
  readonly project?: string;
  readonly budgets: readonly Budget[];
  /** What the budget ledger holds for each budget's periods that overlap the window. */
  readonly usage: readonly BudgetPeriodUsage[];
  readonly pricing: Pricing;
  readonly generatedAt: string;
}

/** How many remote access sessions the report lists. */
export const LONGEST_SESSIONS = 10;
/** How many tests each test table lists. */
export const TESTS_LISTED = 20;

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const dayOf = (iso: string) => iso.slice(0, 10);

/** Every UTC day from `since` to `until`, both included. */
export function daysBetween(since: string, until: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${dayOf(since)}T00:00:00.000Z`); t <= Date.parse(until); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** Days in the period of kind `period` containing `day` (a day: 1, a week: 7, a month: its days). */
function periodDays(period: Budget['period'], day: string): number {
  if (period === 'day') return 1;
  if (period === 'week') return 7;
  const [y, m] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function inProject(e: VigilEvent, project: string | undefined): boolean {
  if (project === undefined) return true;
  if (e.eventType !== 'change' && e.eventType !== 'guard') return false;
  return e.project.arn === project || e.project.name === project;
}

/**
 * The minutes a change adds, by meter, as the budgets count them: jobs and
 * remote access sessions (metered and unmetered), test grid sessions
 * (billing), and a run's own minutes only when its jobs were never listed
 * (a run found finished by the first poll).
 */
function minutesOf(e: ChangeEvent): { metered: number; unmetered: number; testGrid: number } {
  const d = e.minutesDelta;
  const counted =
    e.kind === 'job' ||
    e.kind === 'remote-access-session' ||
    (e.kind === 'run' && e.baseline && e.state.jobSummary === undefined);
  return {
    metered: counted ? Math.max(0, d.metered ?? 0) : 0,
    unmetered: counted ? Math.max(0, d.unmetered ?? 0) : 0,
    testGrid: e.kind === 'test-grid-session' ? Math.max(0, d.billing ?? 0) : 0,
  };
}

/** The day a change's minutes were used: when observed, or, for what the first poll found, when it started. */
const usageDay = (e: ChangeEvent) => dayOf(e.baseline ? (e.state.started ?? e.state.created ?? e.at) : e.at);
/** The day a resource finished. */
const finishDay = (e: ChangeEvent) => dayOf(e.state.stopped ?? e.at);

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

export function buildReportData(input: ReportInput): ReportData {
  const days = daysBetween(input.since, input.until);
  const inWindow = new Set(days);
  const events = input.events.filter((e) => inProject(e, input.project));
  const changes = events.filter(isChangeEvent);

  const minutes = new Map(days.map((day) => [day, { day, metered: 0, unmetered: 0, testGrid: 0 }]));
  for (const e of changes) {
    const day = minutes.get(usageDay(e));
    if (day === undefined) continue;
    const m = minutesOf(e);
    day.metered += m.metered;
    day.unmetered += m.unmetered;
    day.testGrid += m.testGrid;
  }
  const minutesByDay = [...minutes.values()].map((d) => ({
    day: d.day,
    metered: round1(d.metered),
    unmetered: round1(d.unmetered),
    testGrid: round1(d.testGrid),
  }));

  const finished = changes.filter((e) => isFinishing(e) && inWindow.has(finishDay(e)));
  const runsByProject = new Map<string, Map<string, Record<string, number>>>();
  for (const e of finished.filter((x) => x.kind === 'run')) {
    const project = e.project.name ?? e.project.arn;
    const byDay = runsByProject.get(project) ?? new Map(days.map((d) => [d, {} as Record<string, number>]));
    runsByProject.set(project, byDay);
    const day = byDay.get(finishDay(e));
    if (day !== undefined) count(day, e.to.result ?? e.to.status);
  }

  const deadlineByDay = new Map(days.map((d) => [d, {} as Record<string, number>]));
  for (const e of finished.filter((x) => x.kind === 'deadline-job')) {
    const day = deadlineByDay.get(finishDay(e));
    if (day !== undefined) count(day, e.to.status);
  }
  const byWorker: Record<string, number> = {};
  const byFleet: Record<string, number> = {};
  for (const e of changes.filter(isFailedSession)) {
    count(byWorker, e.state.deadline?.workerId ?? 'unknown worker');
    count(byFleet, e.state.deadline?.fleetId ?? 'unknown fleet');
  }
  const ranked = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([name, sessions]) => ({ name, sessions }))
      .sort((a, b) => b.sessions - a.sessions || a.name.localeCompare(b.name));

  const price = input.pricing;
  const longestSessions = finished
    .filter((e) => e.kind === 'remote-access-session')
    .map((e): ReportSession => {
      const m = e.state.minutes;
      const metered = m?.metered ?? 0;
      const total = m?.total ?? metered + (m?.unmetered ?? 0);
      return {
        name: e.name,
        arn: e.arn,
        project: e.project.name ?? e.project.arn,
        ...(e.state.device?.name === undefined ? {} : { device: e.state.device.name }),
        result: e.to.result ?? e.to.status,
        minutes: round1(total),
        cost: round2(costOf(metered, price.meteredDeviceMinute)),
        metered: metered > 0,
        ...(e.state.started === undefined ? {} : { started: e.state.started }),
      };
    })
    .sort((a, b) => b.minutes - a.minutes || a.name.localeCompare(b.name))
    .slice(0, LONGEST_SESSIONS);

  const guardActions = events
    .filter((e): e is GuardEvent => e.eventType === 'guard')
    .filter((e) => e.action === 'stop' || e.action === 'stopped-by-user' || e.action === 'would-stop')
    .map(
      (e): ReportGuardAction => ({
        name: e.name,
        arn: e.arn,
        project: e.project.name ?? e.project.arn,
        action: e.action,
        minutes: round1(e.minutes),
        ...(e.limitMinutes === undefined ? {} : { limitMinutes: e.limitMinutes }),
        at: e.at,
        ...(e.by === undefined ? {} : { by: e.by }),
      }),
    )
    .sort((a, b) => (a.at < b.at ? -1 : 1));

  const budgets = input.budgets.map((b): ReportBudget => {
    const perMinute = pricePerMinuteOf(b.meter, price);
    return {
      name: b.name,
      meter: b.meter,
      period: b.period,
      limitMinutes: b.limitMinutes,
      ...(b.limitUsd === undefined ? {} : { limitUsd: b.limitUsd }),
      dailyMinutes: round1(b.limitMinutes / periodDays(b.period, dayOf(input.until))),
      periods: input.usage
        .filter((u) => u.budget === b.name)
        .map((u) => ({
          key: u.periodKey,
          usedMinutes: round1(u.usedMinutes),
          usedCost: round2(costOf(u.usedMinutes, perMinute)),
          limitCost: b.limitUsd ?? round2(costOf(b.limitMinutes, perMinute)),
        })),
    };
  });

  const tests = testHealth(events);
  const sum = (pick: (d: DayMinutes) => number) => round1(minutesByDay.reduce((n, d) => n + pick(d), 0));
  const totals = {
    metered: sum((d) => d.metered),
    unmetered: sum((d) => d.unmetered),
    testGrid: sum((d) => d.testGrid),
  };
  return {
    title: input.project === undefined ? 'Vigil report' : `Vigil report: ${input.project}`,
    generatedAt: input.generatedAt,
    since: input.since,
    until: input.until,
    ...(input.project === undefined ? {} : { project: input.project }),
    days,
    pricing: price,
    minutesByDay,
    totals: {
      ...totals,
      meteredCost: round2(costOf(totals.metered, price.meteredDeviceMinute)),
      testGridCost: round2(costOf(totals.testGrid, price.testGridMinute)),
      runs: finished.filter((e) => e.kind === 'run').length,
      jobs: finished.filter((e) => e.kind === 'job').length,
    },
    budgets,
    runsByDay: [...runsByProject]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([project, byDay]) => ({ project, days: [...byDay].map(([day, byResult]) => ({ day, byResult })) })),
    devices: deviceHealth(events.filter((e) => !isChangeEvent(e) || inWindow.has(finishDay(e)))),
    failingTests: byFailures(tests).slice(0, TESTS_LISTED),
    flakyTests: byFlakiness(tests).slice(0, TESTS_LISTED),
    deadlineJobsByDay: [...deadlineByDay].map(([day, byStatus]) => ({ day, byStatus })),
    failedSessions: { byWorker: ranked(byWorker), byFleet: ranked(byFleet) },
    longestSessions,
    guardActions,
  };
}
