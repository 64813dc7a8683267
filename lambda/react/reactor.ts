/**
 * React: the one stream consumer besides the notifier (DynamoDB Streams
 * allows two readers per shard). For each Device Farm change it runs the
 * budget accountant, then the session guard, in order; each is idempotent,
 * so a change is handled again safely after any failure. A change the
 * reactors have handled leaves the `react` outbox queue; one that failed
 * moves to its retry partition with backoff and never holds back the
 * changes after it, and the notifier is a separate consumer, so a failing
 * guard never delays a notification.
 */
import { errorFields, type Log } from '../core/log';
import type { Service } from '../core/observation';
import type { ChangeEvent, StoredState } from '../record/change-event';
import type { StateStore } from '../record/history-store';
import { changeEventsOf, nextRetry, type Outbox, type OutboxEntry } from '../record/outbox';
import { readEvents, type StreamRecordInput } from '../record/stream-events';
import { type AccountantDeps, accountChange } from './budgets/accountant';
import { announceBaselineCrossings } from './budgets/announce-baseline';
import { type GuardDeps, guardChange, guardSessions } from './guard/guard';
import { type ReminderDeps, reminderPass, reminderServices, trackChange } from './reminders/reminders';
import { type StuckDeps, stuckPass } from './stuck/stuck';

export interface ReactorDeps {
  readonly outbox: Outbox;
  /** Where the scheduled pass finds the sessions that can still run. */
  readonly store: Pick<StateStore, 'loadActive'>;
  /** Present when budgets are configured. */
  readonly accountant?: AccountantDeps;
  /** Present when Device Farm is watched. */
  readonly guard?: GuardDeps;
  /** Present when a stuck limit is on (rules.stuckMinutes); `services` are those whose work it watches. */
  readonly stuck?: StuckDeps & { readonly services: readonly Service[] };
  /** Present when a reminder is on (settings `reminders`). */
  readonly reminders?: ReminderDeps;
  readonly log: Log;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** What one reaction pass did. */
export interface ReactionReport {
  readonly changes: number;
  /** Changes handled now. */
  readonly handled: number;
  /** Changes whose handling failed; retried with backoff. */
  readonly retrying: number;
  /** Stream records to hand back as batchItemFailures (the table itself failed). */
  readonly failedSequenceNumbers: readonly string[];
}

const NONE: ReactionReport = { changes: 0, handled: 0, retrying: 0, failedSequenceNumbers: [] };

/** Runs the reactors on every change of `changes` that still waits in the `react` queue. */
export async function reactToChanges(
  changes: readonly ChangeEvent[],
  deps: ReactorDeps,
  entries: ReadonlyMap<string, OutboxEntry>,
): Promise<ReactionReport> {
  const now = (deps.now ?? (() => new Date()))();
  const settle: OutboxEntry[] = [];
  let retrying = 0;
  for (const change of changes) {
    const entry = entries.get(change.eventId);
    if (entry === undefined) continue; // handled before
    try {
      if (change.service === 'devicefarm') {
        if (deps.accountant !== undefined) await accountChange(change, deps.accountant);
        if (deps.guard !== undefined) await guardChange(change, deps.guard);
      }
      if (deps.reminders !== undefined) await trackChange(change, deps.reminders);
      settle.push(entry);
    } catch (error) {
      retrying++;
      const fields = errorFields(error);
      deps.log.error('Reacting to a change failed; it is retried with backoff, the others go on', {
        eventId: change.eventId,
        ...fields,
      });
      await deps.outbox.retryLater('react', change, entry, nextRetry(entry, String(fields.error), now));
    }
  }
  await deps.outbox.settle(settle);
  return { changes: changes.length, handled: settle.length, retrying, failedSequenceNumbers: [] };
}

/** The stream path: only a failure of the table itself fails the batch. */
export async function reactBatch(records: readonly StreamRecordInput[], deps: ReactorDeps): Promise<ReactionReport> {
  const { events, rejected } = readEvents(records);
  for (const r of rejected) deps.log.error('Skipping a stream record that is not a readable event', { ...r });
  const changes = changeEventsOf(events.map((e) => e.event));
  if (changes.length === 0) return NONE;
  try {
    return await reactToChanges(changes, deps, await deps.outbox.waiting('react', changes));
  } catch (error) {
    deps.log.error('Reacting to a stream batch failed; it is retried', errorFields(error));
    const first = records[0]?.dynamodb?.SequenceNumber;
    return { ...NONE, changes: changes.length, failedSequenceNumbers: first === undefined ? [] : [first] };
  }
}

/**
 * The reactors' sweeper: changes whose stream record nobody handled (older
 * than `staleAfterMs`) and retries that are due.
 */
export async function sweepReactions(
  deps: ReactorDeps,
  options: { readonly staleAfterMs: number; readonly limit: number },
): Promise<ReactionReport & { readonly swept: number }> {
  const now = (deps.now ?? (() => new Date()))();
  const due = await deps.outbox.due('react', now, new Date(now.getTime() - options.staleAfterMs), options.limit);
  if (due.length === 0) return { ...NONE, swept: 0 };
  const { found, missing } = await deps.outbox.load(due);
  await deps.outbox.settle(missing);
  const entries = new Map<string, OutboxEntry>();
  const changes: ChangeEvent[] = [];
  for (const [entry, event] of found) {
    if (event.eventType !== 'change') continue;
    entries.set(event.eventId, entry);
    changes.push(event);
  }
  const missed = [...found.keys()].filter((e) => e.attempts === 0).length;
  if (missed > 0) deps.log.warn('The sweeper found changes the reactors never handled; handling them now', { missed });
  return { ...(await reactToChanges(changes, deps, entries)), swept: found.size };
}

/** What the passes over the present state did (the schedule's, after its sweep). */
export interface PresentReport {
  /** Guard actions taken on sessions that ran on without changing. */
  readonly guardActions: number;
  /** Resources reported STUCK, and UNSTUCK. */
  readonly stuck: number;
  readonly unstuck: number;
  /** Budget alerts for thresholds the first poll found already crossed. */
  readonly announced: number;
  /** Reminders of conditions that persist. */
  readonly reminders: number;
}

/** What the scheduled pass did. */
export interface ScheduledReport extends ReactionReport, PresentReport {
  /** Changes the sweeper found (missed by the stream, or retries due). */
  readonly swept: number;
}

/**
 * What the reactors do on a schedule (every minute in AWS; every cycle of
 * `vigil run`): sweep the `react` queue, let the guard look at every
 * session that can still run (a session passes its limit while nothing
 * about it changes), and announce what the first poll found past a budget
 * threshold.
 */
export async function reactOnSchedule(
  deps: ReactorDeps,
  options: { readonly staleAfterMs: number; readonly limit: number },
): Promise<ScheduledReport> {
  const swept = await sweepReactions(deps, options);
  return { ...swept, ...(await presentPasses(deps)) };
}

/**
 * Everything the schedule decides on the present, after its sweep: the
 * guard, the stuck detector, the reminders and the budgets' baseline
 * announcement. The
 * active resources are read once (one Query per service's `active` index)
 * and shared; nothing here calls an AWS API but the guard's confirmation
 * right before it acts.
 */
export async function presentPasses(deps: ReactorDeps): Promise<PresentReport> {
  const services = new Set<Service>(deps.stuck?.services ?? []);
  if (deps.guard !== undefined) services.add('devicefarm');
  for (const service of deps.reminders === undefined ? [] : reminderServices(deps.reminders.settings)) {
    services.add(service);
  }
  const active = new Map<Service, StoredState[]>();
  for (const service of services) active.set(service, await deps.store.loadActive(service));
  const sessions = (active.get('devicefarm') ?? []).filter((s) => s.kind === 'remote-access-session');
  const guardActions = deps.guard === undefined ? 0 : (await guardSessions(sessions, deps.guard)).length;
  const stuck =
    deps.stuck === undefined
      ? { stuck: 0, unstuck: 0 }
      : await stuckPass(
          deps.stuck.services.flatMap((service) => active.get(service) ?? []),
          deps.stuck,
        );
  const reminders = deps.reminders === undefined ? 0 : await reminderPass([...active.values()].flat(), deps.reminders);
  const announced = await announcePass(deps);
  return { guardActions, ...stuck, reminders, announced };
}

/**
 * The budgets' one alert for what the first poll found already past a
 * threshold (react/budgets/announce-baseline.ts), once the changes that
 * counted it have been handled; the number of alerts written.
 */
export async function announcePass(deps: ReactorDeps): Promise<number> {
  if (deps.accountant === undefined) return 0;
  return (await announceBaselineCrossings(deps.accountant)).length;
}

/** The guard's look at every session that can still run; the number of actions it took. */
export async function guardPass(deps: ReactorDeps): Promise<number> {
  if (deps.guard === undefined) return 0;
  const active = await deps.store.loadActive('devicefarm');
  const sessions = active.filter((s) => s.kind === 'remote-access-session');
  return (await guardSessions(sessions, deps.guard)).length;
}
