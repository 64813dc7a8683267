/**
 * Whether work is stuck, from its latest recorded state and the clock. Pure,
 * and needs no API call: the pollers already record every resource that can
 * still change.
 *
 * - Device Farm runs, jobs and remote access sessions move forward through
 *   PENDING, PENDING_CONCURRENCY, PENDING_DEVICE, PROCESSING, SCHEDULING and
 *   PREPARING before RUNNING; while in one of those they have waited since
 *   they were created (`created`). A job's recorded status can lag (its
 *   run's jobs are listed only when the run's own listing moves), so a job
 *   counts as waiting only as long as the last listing showed: until the
 *   later of its own and its run's last recorded change. A job whose run is
 *   itself waiting is the run's news, not its own.
 * - A Deadline Cloud job READY, ASSIGNED or STARTING has had no progress
 *   since its last recorded change (every poll lists each queue's jobs, and
 *   task counts moving are a change).
 */
import type { StuckMinutes } from '../../config/settings';
import type { StoredState } from '../../record/change-event';

/** Device Farm statuses before RUNNING. */
export const DEVICE_FARM_WAITING: ReadonlySet<string> = new Set([
  'PENDING',
  'PENDING_CONCURRENCY',
  'PENDING_DEVICE',
  'PROCESSING',
  'SCHEDULING',
  'PREPARING',
]);

/** Deadline Cloud job statuses in which its tasks wait for a worker. */
export const DEADLINE_WAITING: ReadonlySet<string> = new Set(['READY', 'ASSIGNED', 'STARTING']);

/** A resource that waits longer than its limit. */
export interface StuckVerdict {
  /** When the wait began (ISO). */
  readonly since: string;
  readonly waitedMinutes: number;
  readonly limitMinutes: number;
  readonly waitingStatus: string;
}

/** The limit that applies to a resource, in minutes (0: not watched). */
export function limitFor(state: Pick<StoredState, 'service' | 'kind'>, limits: StuckMinutes): number {
  if (state.service === 'deadline') return state.kind === 'deadline-job' ? limits.deadline : 0;
  if (state.kind === 'remote-access-session') return limits.remoteAccess;
  if (state.kind === 'run' || state.kind === 'job') return limits.deviceFarm;
  return 0;
}

/** True while the resource is in a status in which it waits. */
export function isWaiting(state: Pick<StoredState, 'service' | 'kind' | 'status'>): boolean {
  if (state.service === 'deadline') return state.kind === 'deadline-job' && DEADLINE_WAITING.has(state.status);
  return state.kind !== 'test-grid-session' && DEVICE_FARM_WAITING.has(state.status);
}

/** When the resource's current wait began. */
export function waitingSince(state: StoredState): string {
  return state.service === 'devicefarm' && state.created !== undefined ? state.created : state.observedAt;
}

const minutesBetween = (from: string, to: number) => (to - Date.parse(from)) / 60_000;

/**
 * Whether `state` is stuck at `now`; `parent` is a job's run as last
 * recorded (undefined when the run is not active any more).
 */
export function stuckness(
  state: StoredState,
  parent: StoredState | undefined,
  now: Date,
  limits: StuckMinutes,
): StuckVerdict | undefined {
  const limit = limitFor(state, limits);
  if (limit === 0 || state.terminal || !isWaiting(state)) return undefined;
  const since = waitingSince(state);
  let until = now.getTime();
  if (state.kind === 'job') {
    if (parent === undefined || isWaiting(parent)) return undefined;
    // Known to wait only as long as the last listing of the run's jobs showed.
    until = Math.min(until, Math.max(Date.parse(state.observedAt), Date.parse(parent.observedAt)));
  }
  const waited = minutesBetween(since, until);
  if (!(waited > limit)) return undefined;
  return { since, waitedMinutes: Math.round(waited * 10) / 10, limitMinutes: limit, waitingStatus: state.status };
}

/**
 * Whether a resource reported stuck since `since` has moved on, as far as
 * its latest recorded state says (undefined: no longer recorded, deleted or
 * expired). A Deadline job with a newer change has made progress.
 */
export function hasMoved(latest: StoredState | undefined, since: string): boolean {
  if (latest === undefined || latest.terminal || !isWaiting(latest)) return true;
  return waitingSince(latest) !== since;
}
