/**
 * Which changes notify, and how they are grouped: what a team wants at
 * 2 a.m., not a log. Pure: events in, notices out.
 *
 * - A run that finishes: one summary (its jobs by result, the ones that did
 *   not pass by name). Failing jobs of that run seen in the same batch are
 *   folded into it instead of being sent again.
 * - Jobs that finish with a configured result (FAILED, ERRORED, STOPPED,
 *   WARNED): one message per run per batch, however many jobs.
 * - A remote access session that finishes: one message.
 * - A test grid session reaching a configured status (ERRORED).
 * - A Deadline Cloud job reaching a configured status (SUCCEEDED, FAILED,
 *   CANCELED, SUSPENDED, NOT_COMPATIBLE), with its task counts.
 * - Deadline sessions ending with an error or UPDATE_FAILED: one message per
 *   job per batch, however many sessions; folded into the job's own notice
 *   when the job's change is in the same batch.
 * - A status Vigil does not know: one notice when it first appears.
 * - What the reactors derived: each budget threshold crossing and forecast,
 *   each session guard action, each reminder, one notice each; STUCK and
 *   UNSTUCK one per resource, a run's jobs in one batch grouped per run.
 * Baseline events (first poll of a project) and everything else notify nothing.
 */
import type { Rules } from '../config/settings';
import type { ChangeEvent } from '../record/change-event';
import { isFailedSession, isFinishing, isNewUnknown } from '../record/notable';
import {
  type BudgetEvent,
  type DigestEvent,
  type GuardEvent,
  isChangeEvent,
  type ReminderEvent,
  type StuckEvent,
  type VigilEvent,
} from '../record/vigil-event';

export type ChangeNoticeType =
  | 'run-finished'
  | 'jobs-finished'
  | 'session-finished'
  | 'test-grid-session'
  | 'deadline-job'
  | 'deadline-sessions-failed'
  | 'unknown-status';

export { isFailedSession, isFinishing } from '../record/notable';

export type NoticeType =
  | ChangeNoticeType
  | 'budget-threshold'
  | 'budget-forecast'
  | 'guard'
  | 'digest'
  | 'stuck'
  | 'unstuck'
  | 'reminder';

/** One message about observed changes, and every event it covers (each is marked delivered with it). */
export interface ChangeNotice {
  readonly type: ChangeNoticeType;
  /** The event the notice is about (the run, the session; the first job for a job group). */
  readonly subject: ChangeEvent;
  /** Children reported in the notice (failing jobs of a run; failed sessions of a Deadline job). */
  readonly jobs: readonly ChangeEvent[];
  /** Every event this notice covers, subject first. */
  readonly covers: readonly ChangeEvent[];
}

/** One message about a budget. */
export interface BudgetNotice {
  readonly type: 'budget-threshold' | 'budget-forecast';
  readonly subject: BudgetEvent;
  readonly jobs: readonly [];
  readonly covers: readonly [BudgetEvent];
}

/** One message about a guard action. */
export interface GuardNotice {
  readonly type: 'guard';
  readonly subject: GuardEvent;
  readonly jobs: readonly [];
  /**
   * The session's own completion, when it is announced in the same message
   * as the stop that ended it (deliver/guard-stops.ts): one message per stop.
   */
  readonly finished?: ChangeEvent;
  readonly covers: readonly [GuardEvent] | readonly [GuardEvent, ChangeEvent];
}

/** The daily digest. */
export interface DigestNotice {
  readonly type: 'digest';
  readonly subject: DigestEvent;
  readonly jobs: readonly [];
  readonly covers: readonly [DigestEvent];
}

/** Work that waits too long, or moved on after it was reported: one resource, or a run's jobs together. */
export interface StuckNotice {
  readonly type: 'stuck' | 'unstuck';
  /** The resource (the first job, for a group of a run's jobs). */
  readonly subject: StuckEvent;
  /** A run's jobs reported together (empty for a single resource). */
  readonly jobs: readonly StuckEvent[];
  readonly covers: readonly StuckEvent[];
}

/** A reminder that a condition persists. */
export interface ReminderNotice {
  readonly type: 'reminder';
  readonly subject: ReminderEvent;
  readonly jobs: readonly [];
  readonly covers: readonly [ReminderEvent];
}

export type Notice = ChangeNotice | BudgetNotice | GuardNotice | DigestNotice | StuckNotice | ReminderNotice;

/** Decides the notices for a batch of new events (in stream order). */
export function planNotices(events: readonly VigilEvent[], rules: Rules): Notice[] {
  const notices: Notice[] = planChangeNotices(events.filter(isChangeEvent), rules);
  for (const e of events) {
    if (e.eventType === 'budget-threshold' || e.eventType === 'budget-forecast') {
      notices.push({ type: e.eventType, subject: e, jobs: [], covers: [e] });
    } else if (e.eventType === 'guard') {
      notices.push({ type: 'guard', subject: e, jobs: [], covers: [e] });
    } else if (e.eventType === 'digest') {
      notices.push({ type: 'digest', subject: e, jobs: [], covers: [e] });
    } else if (e.eventType === 'reminder') {
      notices.push({ type: 'reminder', subject: e, jobs: [], covers: [e] });
    }
  }
  notices.push(...planStuckNotices(events));
  return notices;
}

/**
 * STUCK and UNSTUCK: one notice per resource, except a run's jobs in one
 * batch, which share one (a run whose 20 devices are all busy is one message).
 */
function planStuckNotices(events: readonly VigilEvent[]): StuckNotice[] {
  const notices: StuckNotice[] = [];
  const groups = new Map<string, StuckEvent[]>();
  for (const e of events) {
    if (e.eventType !== 'stuck' && e.eventType !== 'unstuck') continue;
    if (e.kind !== 'job' || e.parentArn === undefined) {
      notices.push({ type: e.eventType, subject: e, jobs: [], covers: [e] });
      continue;
    }
    const key = `${e.eventType}|${e.parentArn}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  for (const jobs of groups.values()) {
    const [first] = jobs;
    if (first === undefined) continue;
    notices.push({ type: first.eventType, subject: first, jobs: jobs.length > 1 ? jobs : [], covers: jobs });
  }
  return notices;
}

/**
 * The order of a group's members (a run's failing jobs, a Deadline job's
 * failed sessions): by ARN, not as read, so the same events make the same
 * message (subject, text) whichever path delivers them, the stream (in the
 * order concurrent polls recorded them) or the outbox sweeper (by time).
 */
const byArn = (a: ChangeEvent, b: ChangeEvent) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0);

function planChangeNotices(events: readonly ChangeEvent[], rules: Rules): ChangeNotice[] {
  const live = events.filter((e) => !e.baseline);
  const notices: ChangeNotice[] = [];

  const finishedRuns = new Map<string, ChangeEvent>();
  if (rules.runFinished) {
    for (const e of live) if (e.kind === 'run' && isFinishing(e)) finishedRuns.set(e.arn, e);
  }

  const failingJobsByRun = new Map<string, ChangeEvent[]>();
  for (const e of live) {
    if (e.kind !== 'job' || !isFinishing(e)) continue;
    if (e.to.result === undefined || !(rules.jobResults as readonly string[]).includes(e.to.result)) continue;
    const run = e.parentArn ?? e.arn;
    failingJobsByRun.set(run, [...(failingJobsByRun.get(run) ?? []), e]);
  }
  for (const jobs of failingJobsByRun.values()) jobs.sort(byArn);

  for (const run of finishedRuns.values()) {
    const jobs = failingJobsByRun.get(run.arn) ?? [];
    failingJobsByRun.delete(run.arn);
    notices.push({ type: 'run-finished', subject: run, jobs, covers: [run, ...jobs] });
  }
  for (const jobs of failingJobsByRun.values()) {
    const first = jobs[0];
    if (first !== undefined) notices.push({ type: 'jobs-finished', subject: first, jobs, covers: jobs });
  }

  for (const e of live) {
    if (e.kind === 'remote-access-session' && rules.remoteAccessFinished && isFinishing(e)) {
      notices.push({ type: 'session-finished', subject: e, jobs: [], covers: [e] });
    }
    if (
      e.kind === 'test-grid-session' &&
      e.from?.status !== e.to.status &&
      (rules.testGridStatuses as readonly string[]).includes(e.to.status)
    ) {
      notices.push({ type: 'test-grid-session', subject: e, jobs: [], covers: [e] });
    }
  }
  planDeadline(live, rules, notices);

  // An unknown value on an event another notice already reports is shown
  // there; only otherwise does it get a notice of its own.
  const reported = new Set(notices.flatMap((n) => n.covers.map((c) => c.eventId)));
  for (const e of live) {
    if (rules.unknownStatus && isNewUnknown(e) && !reported.has(e.eventId)) {
      notices.push({ type: 'unknown-status', subject: e, jobs: [], covers: [e] });
    }
  }
  return notices;
}

function planDeadline(live: readonly ChangeEvent[], rules: Rules, notices: ChangeNotice[]): void {
  const jobNotices = new Map<string, ChangeEvent>();
  for (const e of live) {
    if (e.kind !== 'deadline-job' || e.from?.status === e.to.status) continue;
    if ((rules.deadlineJobStatuses as readonly string[]).includes(e.to.status)) jobNotices.set(e.arn, e);
  }
  const failedByJob = new Map<string, ChangeEvent[]>();
  if (rules.deadlineSessionFailures) {
    for (const e of live) {
      if (!isFailedSession(e)) continue;
      const job = e.parentArn ?? e.arn;
      failedByJob.set(job, [...(failedByJob.get(job) ?? []), e]);
    }
  }
  for (const sessions of failedByJob.values()) sessions.sort(byArn);
  for (const job of jobNotices.values()) {
    const sessions = failedByJob.get(job.arn) ?? [];
    failedByJob.delete(job.arn);
    notices.push({ type: 'deadline-job', subject: job, jobs: sessions, covers: [job, ...sessions] });
  }
  for (const sessions of failedByJob.values()) {
    const first = sessions[0];
    if (first !== undefined)
      notices.push({ type: 'deadline-sessions-failed', subject: first, jobs: sessions, covers: sessions });
  }
}
