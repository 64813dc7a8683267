/**
 * What Vigil knows about each kind's statuses. Every enum is open: a value
 * not listed here is recorded and shown as it is, treated as "still
 * running" (so Vigil keeps watching), and can trigger an unknown-status notice.
 */
import type { Kind } from './observation';

const RUN_OR_JOB = [
  'PENDING',
  'PENDING_CONCURRENCY',
  'PENDING_DEVICE',
  'PROCESSING',
  'SCHEDULING',
  'PREPARING',
  'RUNNING',
  'COMPLETED',
  'STOPPING',
] as const;

/** Deadline Cloud task run statuses (a job's status is the combination of its tasks'). */
export const DEADLINE_TASK_RUN_STATUSES = [
  'PENDING',
  'READY',
  'ASSIGNED',
  'STARTING',
  'SCHEDULED',
  'INTERRUPTING',
  'RUNNING',
  'SUSPENDED',
  'CANCELED',
  'FAILED',
  'SUCCEEDED',
  'NOT_COMPATIBLE',
] as const;

/** Deadline Cloud session lifecycle statuses. */
export const DEADLINE_SESSION_STATUSES = [
  'STARTED',
  'UPDATE_IN_PROGRESS',
  'UPDATE_SUCCEEDED',
  'UPDATE_FAILED',
  'ENDED',
] as const;

/** Statuses documented by AWS per kind. */
export const KNOWN_STATUSES: Readonly<Record<Kind, readonly string[]>> = {
  run: RUN_OR_JOB,
  job: RUN_OR_JOB,
  'remote-access-session': RUN_OR_JOB,
  'test-grid-session': ['ACTIVE', 'CLOSED', 'ERRORED'],
  'deadline-job': DEADLINE_TASK_RUN_STATUSES,
  'deadline-session': DEADLINE_SESSION_STATUSES,
};

/** Results documented by AWS (runs, jobs, remote access sessions). */
export const KNOWN_RESULTS: readonly string[] = [
  'PENDING',
  'PASSED',
  'WARNED',
  'FAILED',
  'SKIPPED',
  'ERRORED',
  'STOPPED',
];

/**
 * Vigil's own terminal status for a resource that the API no longer returns
 * (deleted while Vigil was following it), so it leaves the active set.
 */
export const GONE_STATUS = 'NOT_FOUND';

const TERMINAL: Readonly<Record<Kind, readonly string[]>> = {
  run: ['COMPLETED', GONE_STATUS],
  job: ['COMPLETED', GONE_STATUS],
  'remote-access-session': ['COMPLETED', GONE_STATUS],
  'test-grid-session': ['CLOSED', 'ERRORED', GONE_STATUS],
  // A FAILED or CANCELED job can be requeued; Vigil still sees that, because
  // it lists each queue's jobs every cycle (see observe/deadline).
  'deadline-job': ['SUCCEEDED', 'FAILED', 'CANCELED', 'NOT_COMPATIBLE', GONE_STATUS],
  'deadline-session': ['ENDED', GONE_STATUS],
};

/** True when the resource can no longer change. Unknown statuses are not terminal. */
export function isTerminal(kind: Kind, status: string): boolean {
  return TERMINAL[kind].includes(status);
}

/** True when AWS documents this status for this kind (or it is Vigil's own {@link GONE_STATUS}). */
export function isKnownStatus(kind: Kind, status: string): boolean {
  return KNOWN_STATUSES[kind].includes(status) || status === GONE_STATUS;
}

/** True for a result value AWS documents (absent results count as known). */
export function isKnownResult(result: string | undefined): boolean {
  return result === undefined || KNOWN_RESULTS.includes(result);
}
