/**
 * When a followed resource counts as deleted. One NotFoundException is not
 * enough: a read can reach a replica that has not caught up, and a resource
 * taken for gone is never followed again (its result never sent). So a first
 * NotFound is a failed read, reported and noted on the resource's latest
 * item (`notFoundAt`: the table is the only memory that outlives a Lambda
 * container); only a second NotFound on the next cycle's read records the
 * resource as {@link GONE_STATUS}. A read that answers in between clears the
 * note (see PollCycle.record).
 */
import { type Observation, SERVICE_NAMES } from '../core/observation';
import { GONE_STATUS } from '../core/status';
import type { StoredState } from '../record/change-event';

/** A followed resource the API no longer returns: recorded once as NOT_FOUND, then left alone. */
export function goneObservation(stored: StoredState, at: string): Observation {
  const { version: _version, terminal: _terminal, notFoundAt: _notFoundAt, ...last } = stored;
  const message = `${SERVICE_NAMES[stored.service]} no longer returns this resource`;
  return { ...last, status: GONE_STATUS, message, observedAt: at };
}

/** The failure a first NotFound is reported as (the cycle's failures: exit code, metrics). */
export function firstNotFoundMessage(stored: StoredState): string {
  return (
    `${SERVICE_NAMES[stored.service]} answered NotFound for this ${stored.kind} (status ${stored.status}); ` +
    'it is read again next cycle and recorded as deleted only if that read answers NotFound too'
  );
}
