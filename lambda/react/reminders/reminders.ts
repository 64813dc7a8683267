/**
 * Reminders for conditions that persist (settings `reminders`, each off
 * unless turned on): one every `everyHours` after the condition began (a
 * budget at most once a day), at most `max`, never after it ended.
 *
 * - a remote access session still running past its limit (the guard said
 *   OVER LIMIT, or DRY RUN, and did not stop it);
 * - a budget at or over 100% of its limit in the current period;
 * - a Deadline Cloud job still SUSPENDED, or FAILED and not requeued;
 * - a Device Farm project whose latest run, or a device whose latest job,
 *   failed (FAILED or ERRORED) with no passing one since.
 *
 * Decided on the present, by the reactors' schedule: sessions and suspended
 * jobs from the active resources it already read, budgets from their usage
 * items, failed jobs read again before each reminder. What the active index
 * cannot show (a finished job, a project's latest run) is tracked by the
 * reactors' stream path as it begins and ends ({@link trackChange}). No API call.
 */
import type { Budget, GuardSettings, ReminderSettings } from '../../config/settings';
import type { Log } from '../../core/log';
import type { Kind } from '../../core/observation';
import type { BudgetLedger } from '../../record/budget-ledger';
import type { ChangeEvent, StoredState } from '../../record/change-event';
import type { GuardLedger } from '../../record/guard-ledger';
import { isFinishing } from '../../record/notable';
import type { ReminderItem, ReminderLedger } from '../../record/reminder-ledger';
import { budgetArn, type ReminderCondition, type ReminderEvent } from '../../record/vigil-event';
import { periodOf } from '../budgets/period';
import { isStoppable, minutesSoFar } from '../guard/decide';
import { policyFor } from '../guard/guard';

export interface ReminderDeps {
  readonly ledger: ReminderLedger;
  readonly settings: ReminderSettings;
  /** The guard's records and settings (session over limit). */
  readonly guard?: { readonly ledger: Pick<GuardLedger, 'states'>; readonly settings: GuardSettings };
  /** The budgets and their usage (budget over limit). */
  readonly budgets?: { readonly ledger: Pick<BudgetLedger, 'usage'>; readonly budgets: readonly Budget[] };
  /** A resource's latest state (strongly consistent), to confirm a tracked condition before reminding. */
  readonly latest: (scope: string, kind: Kind, arn: string) => Promise<StoredState | undefined>;
  readonly log: Log;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * A condition as the pass finds it now. `confirm` reads the present once
 * more before a reminder is written (a tracked condition: read only when a
 * reminder is due, so a hundred failed jobs cost no read a minute).
 */
type Holding = Omit<ReminderItem, 'reminded'> & { readonly confirm?: () => Promise<boolean> };

const HOUR = 3_600_000;
const key = (c: { condition: ReminderCondition; arn: string }) => `${c.condition}#${c.arn}`;
const FAILING_RESULTS = new Set(['FAILED', 'ERRORED']);

/** Hours between two reminders of a condition: budgets at most once a day. */
export function intervalHours(condition: ReminderCondition, settings: ReminderSettings): number {
  return condition === 'budget-over-limit' ? Math.max(24, settings.everyHours) : settings.everyHours;
}

/** The services whose active resources the reminders read. */
export function reminderServices(settings: ReminderSettings): ('devicefarm' | 'deadline')[] {
  return [
    ...(settings.sessionOverLimit ? (['devicefarm'] as const) : []),
    ...(settings.deadlineJobs ? (['deadline'] as const) : []),
  ];
}

/** The conditions that hold now. */
async function holding(
  active: readonly StoredState[],
  tracked: readonly ReminderItem[],
  deps: ReminderDeps,
  now: Date,
): Promise<Holding[]> {
  const found: Holding[] = [];
  const at = now.toISOString();
  const { settings } = deps;

  if (settings.sessionOverLimit && deps.guard !== undefined) {
    const running = active.filter((s) => s.kind === 'remote-access-session' && isStoppable(s.status));
    const states = running.length === 0 ? new Map() : await deps.guard.ledger.states(running.map((s) => s.arn));
    for (const session of running) {
      const state = states.get(session.arn);
      const done = state?.done ?? [];
      if (!done.includes('over-limit') && !done.includes('would-stop')) continue;
      const limit = policyFor(session, state, deps.guard.settings).limitMinutes;
      found.push({
        condition: 'session-over-limit',
        arn: session.arn,
        name: session.name,
        kind: 'remote-access-session',
        service: 'devicefarm',
        project: session.project,
        occurrence: 'over-limit',
        since: at,
        detail: {
          status: session.status,
          minutes: Math.round(minutesSoFar(session, now) * 10) / 10,
          ...(limit === undefined ? {} : { limitMinutes: limit }),
        },
      });
    }
  }

  if (settings.budgetOverLimit && deps.budgets !== undefined) {
    for (const budget of deps.budgets.budgets) {
      const period = periodOf(at, budget.period, budget.timeZone);
      const usage = await deps.budgets.ledger.usage(budget.name, period.key);
      if (usage === undefined || usage.usedMinutes < budget.limitMinutes) continue;
      const arn = budgetArn(budget.name, period.key);
      found.push({
        condition: 'budget-over-limit',
        arn,
        name: budget.name,
        kind: 'budget',
        service: 'devicefarm',
        project: { arn, name: budget.name },
        occurrence: period.key,
        since: at,
        detail: { minutes: usage.usedMinutes, limitMinutes: budget.limitMinutes, periodKey: period.key },
      });
    }
  }

  if (settings.deadlineJobs) {
    const suspended = active.filter((s) => s.kind === 'deadline-job' && s.status === 'SUSPENDED');
    for (const job of suspended) {
      found.push({
        condition: 'deadline-job',
        arn: job.arn,
        name: job.name,
        kind: 'deadline-job',
        service: 'deadline',
        project: job.project,
        scope: job.scope,
        occurrence: `v${job.version}`,
        since: job.observedAt,
        detail: { status: job.status },
      });
    }
    // A FAILED job is finished, so not active: its tracked item says where to read it, once a reminder is due.
    const seen = new Set(suspended.map((s) => s.arn));
    for (const item of tracked) {
      if (item.condition !== 'deadline-job' || seen.has(item.arn) || item.scope === undefined) continue;
      const scope = item.scope;
      const { reminded: _r, ...fields } = item;
      found.push({
        ...fields,
        confirm: async () => {
          const latest = await deps.latest(scope, 'deadline-job', item.arn);
          return latest?.status === 'FAILED' && `v${latest.version}` === item.occurrence;
        },
      });
    }
  }

  if (settings.failingRuns) {
    for (const item of tracked) {
      if (item.condition === 'failing-project' || item.condition === 'failing-device') {
        const { reminded: _r, ...fields } = item;
        found.push(fields);
      }
    }
  }
  return found;
}

/** The reminder event for the n-th reminder of `item`. */
function reminderEvent(item: ReminderItem, count: number, settings: ReminderSettings, now: Date): ReminderEvent {
  return {
    eventId: `${item.arn}#reminder-${item.condition}-${item.since}-${count}`,
    eventType: 'reminder',
    service: item.service,
    kind: item.kind,
    arn: item.arn,
    name: item.name,
    project: item.project,
    at: now.toISOString(),
    condition: item.condition,
    since: item.since,
    count,
    max: settings.max,
    everyHours: intervalHours(item.condition, settings),
    detail: item.detail,
  };
}

/** The scheduled pass: follows what holds, reminds what is due, forgets what ended. Returns the reminders written. */
export async function reminderPass(active: readonly StoredState[], deps: ReminderDeps): Promise<number> {
  const now = (deps.now ?? (() => new Date()))();
  const tracked = await deps.ledger.all();
  const byKey = new Map(tracked.map((item) => [key(item), item]));
  const present = await holding(active, tracked, deps, now);
  const holds = new Set(present.map(key));
  let written = 0;

  for (const h of present) {
    const { confirm, ...fields } = h;
    let item = byKey.get(key(h));
    if (item === undefined || item.occurrence !== h.occurrence) {
      // A new occurrence (or one first seen now): followed from here, with nothing reminded yet.
      const started: ReminderItem = { ...fields, reminded: 0 };
      if (!(await deps.ledger.start(started, item))) continue;
      item = started;
    }
    // What the condition looks like now goes in the reminder; since and count stay the occurrence's.
    const current: ReminderItem = { ...item, detail: h.detail };
    const count = current.reminded + 1;
    const due = Date.parse(current.since) + count * intervalHours(current.condition, deps.settings) * HOUR;
    if (count > deps.settings.max || now.getTime() < due) continue;
    if (confirm !== undefined && !(await confirm())) {
      await deps.ledger.forget(current); // it ended (requeued, deleted) and the stream path has not said so yet
      continue;
    }
    const event = reminderEvent(current, count, deps.settings, now);
    if ((await deps.ledger.remind(current, event)) === 'recorded') {
      written++;
      deps.log.info('A condition persists: reminder written', {
        arn: current.arn,
        condition: current.condition,
        count,
      });
    }
  }
  for (const item of tracked) {
    if (!holds.has(key(item))) await deps.ledger.forget(item);
  }
  return written;
}

/**
 * The stream path: a change that begins or ends a condition the active
 * index cannot show. A run or job finishing FAILED or ERRORED makes its
 * project or device failing, a PASSED one ends that; a Deadline job
 * becoming FAILED is followed until it changes again.
 */
export async function trackChange(change: ChangeEvent, deps: ReminderDeps): Promise<void> {
  const { settings } = deps;
  if (change.baseline) return;
  if (change.kind === 'deadline-job' && settings.deadlineJobs && change.from?.status !== change.to.status) {
    if (change.to.status === 'FAILED') {
      await deps.ledger.track({
        condition: 'deadline-job',
        arn: change.arn,
        name: change.name,
        kind: 'deadline-job',
        service: 'deadline',
        project: change.project,
        scope: change.state.scope,
        occurrence: `v${change.version}`,
        since: endedAt(change),
        reminded: 0,
        detail: { status: 'FAILED' },
        created: change.at,
      });
    } else if (change.from?.status === 'FAILED') {
      await deps.ledger.untrack('deadline-job', change.arn, change.at);
    }
    return;
  }
  if (!settings.failingRuns || (change.kind !== 'run' && change.kind !== 'job') || !isFinishing(change)) return;
  const result = change.to.result ?? '';
  const created = change.state.created ?? change.at;
  const subject =
    change.kind === 'run'
      ? {
          condition: 'failing-project' as const,
          arn: change.project.arn,
          name: change.project.name ?? change.project.arn,
          kind: 'run' as const,
        }
      : deviceSubject(change);
  if (subject === undefined) return;
  if (result === 'PASSED') {
    await deps.ledger.untrack(subject.condition, subject.arn, created);
    return;
  }
  if (!FAILING_RESULTS.has(result)) return;
  await deps.ledger.track({
    ...subject,
    service: 'devicefarm',
    project: change.project,
    occurrence: change.arn,
    since: endedAt(change),
    reminded: 0,
    detail: {
      failing: { arn: change.arn, name: change.name, result, at: endedAt(change) },
      ...(subject.kind === 'job' ? { device: subject.name } : {}),
    },
    created,
  });
}

/** When the resource ended, as the service reports it (else when Vigil saw it end). */
function endedAt(change: ChangeEvent): string {
  return change.state.stopped ?? change.at;
}

/** A job's device as the subject of a failing-device condition. */
function deviceSubject(change: ChangeEvent) {
  const device = change.state.device;
  if (device?.name === undefined && device?.arn === undefined) return undefined;
  const name = device.name ?? device.arn ?? '';
  return {
    condition: 'failing-device' as const,
    arn: device.arn ?? `vigil:device/${name}`,
    name,
    kind: 'job' as const,
  };
}
