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
