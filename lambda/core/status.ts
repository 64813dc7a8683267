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

/** Statuses documented by AWS per kind. */
export const KNOWN_STATUSES: Readonly<Record<Kind, readonly string[]>> = {
  run: RUN_OR_JOB,
  job: RUN_OR_JOB,
  'remote-access-session': RUN_OR_JOB,
  'test-grid-session': ['ACTIVE', 'CLOSED', 'ERRORED'],
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
