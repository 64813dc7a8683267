/**
 * Which recorded changes could ever be news, whatever the rules say. The
 * recorder writes an event into the notifier's outbox only when this holds,
 * and the notifier's rules (deliver/rules.ts) decide from the same
 * predicates, so the two cannot drift: a change no rule can notify (a job
 * moving from PENDING to RUNNING, tests ticking up) costs no outbox write.
 * Pure.
 */
import { GONE_STATUS, isKnownResult, isKnownStatus, isTerminal } from '../core/status';
import type { ChangeEvent } from './change-event';

/** True when this event is the resource's move into a finished state. */
export function isFinishing(event: ChangeEvent): boolean {
  if (event.to.status === GONE_STATUS) return false;
  if (!isTerminal(event.kind, event.to.status)) return false;
  return event.from === undefined || !isTerminal(event.kind, event.from.status);
}

/** A status or result value AWS does not document, appearing on this change. */
export function isNewUnknown(event: ChangeEvent): boolean {
  const statusIsNew = event.from?.status !== event.to.status;
  const resultIsNew = event.from?.result !== event.to.result;
  return (
    (statusIsNew && !isKnownStatus(event.kind, event.to.status)) || (resultIsNew && !isKnownResult(event.to.result))
  );
}

/** A Deadline session that ended badly: UPDATE_FAILED, or ENDED with a log error (not right after an UPDATE_FAILED). */
export function isFailedSession(event: ChangeEvent): boolean {
  if (event.kind !== 'deadline-session' || event.from?.status === event.to.status) return false;
  if (event.to.status === 'UPDATE_FAILED') return true;
  // Deadline ends a session it failed to update: that failure was the news, and was told then.
  if (event.from?.status === 'UPDATE_FAILED') return false;
  const detail = event.state.deadline;
  return event.to.status === 'ENDED' && (detail?.logError !== undefined || detail?.workerLogError !== undefined);
}

/**
 * True when some setting of the rules could notify this change: a resource
 * finishing, a test grid session or Deadline job changing status (their
 * notifying statuses are configurable), a Deadline session failing, or a
 * value Vigil does not know. Baseline changes (the first poll's) never notify.
 */
export function mayNotify(event: ChangeEvent): boolean {
  if (event.baseline) return false;
  if (isFinishing(event) || isNewUnknown(event) || isFailedSession(event)) return true;
  const statusChanged = event.from?.status !== event.to.status;
  return statusChanged && (event.kind === 'test-grid-session' || event.kind === 'deadline-job');
}

/**
 * True when the reactors must see this change: every remote access session
 * change (the guard), and every Device Farm change that adds metered or
 * billed minutes (the budgets), baseline ones included, since the first
 * poll's minutes count toward the period in progress.
 */
export function needsReaction(event: ChangeEvent): boolean {
  if (event.service !== 'devicefarm') return false;
  if (event.kind === 'remote-access-session') return true;
  const delta = event.minutesDelta;
  return (delta.metered ?? 0) > 0 || (delta.billing ?? 0) > 0;
}

/** Which reminders follow conditions from the stream (settings `reminders`). */
export interface TrackedFailures {
  /** Runs and jobs finishing (a project's or device's latest failing). */
  readonly failingRuns: boolean;
  /** Deadline jobs moving into or out of FAILED. */
  readonly deadlineJobs: boolean;
}

/**
 * True when the reminders must see this change, beyond {@link needsReaction}:
 * with `failingRuns`, a run or job finishing; with `deadlineJobs`, a Deadline
 * Cloud job moving into or out of FAILED. Never at baseline: what the first
 * poll finds is history. Only asked for when those reminders are on, so no
 * one pays an outbox write for a reminder they did not turn on.
 */
export function tracksFailure(event: ChangeEvent, tracked: TrackedFailures): boolean {
  if (event.baseline) return false;
  if (tracked.deadlineJobs && isFailureTurn(event)) return true;
  return (
    tracked.failingRuns &&
    event.service === 'devicefarm' &&
    (event.kind === 'run' || event.kind === 'job') &&
    isFinishing(event)
  );
}

/** A Deadline job moving into FAILED, or out of it (requeued, deleted). */
export function isFailureTurn(event: ChangeEvent): boolean {
  if (event.kind !== 'deadline-job' || event.baseline || event.from?.status === event.to.status) return false;
  return event.to.status === 'FAILED' || event.from?.status === 'FAILED';
}
