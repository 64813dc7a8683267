/**
 * The session guard's decisions for one remote access session. Pure: the
 * caller supplies what was already done, so each action happens once.
 *
 * Minutes so far are Device Farm's `deviceMinutes.total` when it sends one,
 * else the time since `started`. Device Farm ends every remote access
 * session at 150 minutes; sessions nearing that get a warning even when no
 * guard limit is configured.
 */
import type { Observation } from '../../core/observation';

/** Device Farm's hard limit on a remote access session, in minutes. */
export const HARD_LIMIT_MINUTES = 150;

export type GuardAction =
  /** The session passed the warning fraction of its limit. */
  | 'warning'
  /** The session reached its limit and was (to be) stopped. */
  | 'stop'
  /** Dry run: the session would have been stopped. */
  | 'would-stop'
  /** The session reached its limit; autoStop is off, so only an alert. */
  | 'over-limit'
  /** The session nears Device Farm's 150-minute hard stop. */
  | 'hard-limit-warning';

export interface GuardPolicy {
  /** The session's limit in minutes, if any (its own, else its project's, else the global one). */
  readonly limitMinutes?: number;
  /** Fraction of the limit at which to warn. @default 0.8 */
  readonly warnAt: number;
  readonly autoStop: boolean;
  readonly dryRun: boolean;
}

/** Statuses in which a session can still be stopped (it is neither stopping nor finished). */
const STOPPABLE = new Set([
  'PENDING',
  'PENDING_CONCURRENCY',
  'PENDING_DEVICE',
  'PROCESSING',
  'SCHEDULING',
  'PREPARING',
  'RUNNING',
]);

/** True while a session can still be stopped (neither stopping nor finished). */
export function isStoppable(status: string | undefined): boolean {
  return status !== undefined && STOPPABLE.has(status);
}

/** Minutes the session has run: Device Farm's count, else elapsed since start. */
export function minutesSoFar(session: Observation, now: Date): number {
  const reported = session.minutes?.total;
  if (reported !== undefined) return reported;
  if (session.started === undefined) return 0;
  return Math.max(0, (now.getTime() - Date.parse(session.started)) / 60_000);
}

/** What to do now, given what was already done for this session. */
export function decideGuard(
  session: Observation,
  policy: GuardPolicy,
  done: ReadonlySet<GuardAction>,
  now: Date,
): GuardAction[] {
  if (session.kind !== 'remote-access-session' || !STOPPABLE.has(session.status)) return [];
  const minutes = minutesSoFar(session, now);
  const actions: GuardAction[] = [];
  const limit = policy.limitMinutes;
  if (limit !== undefined) {
    const reached = minutes >= limit;
    if (!reached && minutes >= limit * policy.warnAt && !done.has('warning')) actions.push('warning');
    const stopAction: GuardAction = !policy.autoStop ? 'over-limit' : policy.dryRun ? 'would-stop' : 'stop';
    if (reached && !done.has(stopAction)) actions.push(stopAction);
  }
  // With a limit (at most 150), its own warning comes first: the hard-limit warning is for unguarded sessions.
  const hardWarningAt = HARD_LIMIT_MINUTES * policy.warnAt;
  if (limit === undefined && minutes >= hardWarningAt && !done.has('hard-limit-warning')) {
    actions.push('hard-limit-warning');
  }
  return actions;
}
