/**
 * The session guard: for each remote access session that can still run,
 * decide (decide.ts) whether to warn, stop or alert, record each action once
 * with its event (record/guard-ledger.ts), and call StopRemoteAccessSession
 * after the stop is recorded. A session is never stopped twice: the stop is
 * recorded before the call, and the call is repeated only when a previous
 * run crashed between the two (no `stopCalledAt`) and the session still runs.
 *
 * Decisions are made on the present, never on a snapshot the table has
 * since superseded: a stream record is acted on only while it is still the
 * session's latest state, a candidate from the (eventually consistent)
 * active index is read again before anything is done, and a stop is
 * confirmed with GetRemoteAccessSession right before it is made.
 */

import type { GuardSettings } from '../../config/settings';
import { errorName } from '../../core/errors';
import { errorFields, type Log } from '../../core/log';
import type { Observation } from '../../core/observation';
import type { ChangeEvent, StoredState } from '../../record/change-event';
import type { GuardLedger, GuardState } from '../../record/guard-ledger';
import type { GuardEvent } from '../../record/vigil-event';
import {
  decideGuard,
  type GuardAction,
  type GuardPolicy,
  HARD_LIMIT_MINUTES,
  isStoppable,
  minutesSoFar,
} from './decide';

export interface GuardDeps {
  readonly ledger: GuardLedger;
  readonly settings: GuardSettings;
  /** The session's latest recorded state (a strongly consistent read); undefined when none is stored. */
  readonly current: (session: Observation) => Promise<StoredState | undefined>;
  /** The session's status at Device Farm now (GetRemoteAccessSession); undefined when it no longer exists. */
  readonly status: (arn: string) => Promise<string | undefined>;
  /** Calls StopRemoteAccessSession. */
  readonly stop: (arn: string) => Promise<void>;
  readonly log: Log;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** Where a session's limit comes from: its own, its project's, else the global one. */
export function policyFor(
  session: Observation,
  state: GuardState | undefined,
  settings: GuardSettings,
): GuardPolicy & { limitSource?: GuardEvent['limitSource'] } {
  const base = { warnAt: settings.warnAt, autoStop: settings.autoStop, dryRun: settings.dryRun };
  if (state?.limitMinutes !== undefined) return { ...base, limitMinutes: state.limitMinutes, limitSource: 'session' };
  const project = session.project;
  const projectLimit =
    settings.projects[project.arn] ?? (project.name === undefined ? undefined : settings.projects[project.name]);
  if (projectLimit !== undefined) return { ...base, limitMinutes: projectLimit, limitSource: 'project' };
  if (settings.maxMinutes !== undefined) return { ...base, limitMinutes: settings.maxMinutes, limitSource: 'global' };
  return base;
}

/**
 * The guard for one recorded change of a session (the stream path): acted on
 * only while that change is still the session's latest state. A record
 * processed late (a retried batch, a consumer catching up) is skipped: the
 * newer change has its own record, and the scheduled pass sees the present.
 */
export async function guardChange(change: ChangeEvent, deps: GuardDeps): Promise<GuardEvent[]> {
  if (change.kind !== 'remote-access-session') return [];
  const latest = await deps.current(change.state);
  if (latest === undefined || latest.version !== change.version) {
    deps.log.debug('Skipping a session change the table has since superseded', {
      arn: change.arn,
      version: change.version,
      latestVersion: latest?.version,
    });
    return [];
  }
  return guardSessions([latest], deps, { present: true });
}

/**
 * Evaluates the given sessions. Unless `present` says they were just read
 * consistently, each session the guard would act on is read again first and
 * the decision made on what the table holds now.
 */
export async function guardSessions(
  sessions: readonly Observation[],
  deps: GuardDeps,
  options: { readonly present?: boolean } = {},
): Promise<GuardEvent[]> {
  const now = (deps.now ?? (() => new Date()))();
  const running = sessions.filter((s) => s.kind === 'remote-access-session' && isStoppable(s.status));
  const states = await deps.ledger.states(running.map((s) => s.arn));
  const recorded: GuardEvent[] = [];
  for (const candidate of running) {
    const state = states.get(candidate.arn);
    const done = new Set<GuardAction>((state?.done ?? []).filter((a): a is GuardAction => a !== 'stopped-by-user'));
    const unfinishedStop = done.has('stop') && state?.stopCalledAt === undefined;
    const wouldAct =
      decideGuard(candidate, policyFor(candidate, state, deps.settings), done, now).length > 0 || unfinishedStop;
    if (!wouldAct) continue;
    const session = options.present === true ? candidate : await deps.current(candidate);
    if (session === undefined || !isStoppable(session.status)) continue;
    const policy = policyFor(session, state, deps.settings);
    // A run that recorded a stop but crashed before calling Device Farm: call it now.
    if (unfinishedStop && decideGuard(session, policy, new Set(), now).includes('stop')) {
      if (await stillRunning(session, deps)) await stopOnce(session.arn, deps, now);
      continue;
    }
    for (const action of decideGuard(session, policy, done, now)) {
      // The one irreversible action is checked against Device Farm itself right before it is made.
      if (action === 'stop' && !(await stillRunning(session, deps))) break;
      const event = guardEvent(session, action, policy, now);
      if ((await deps.ledger.record(event)) === 'duplicate') continue;
      recorded.push(event);
      if (action === 'would-stop') {
        deps.log.warn('Dry run: the guard would stop this remote access session', {
          arn: session.arn,
          minutes: event.minutes,
        });
      }
      if (action === 'stop') await stopOnce(session.arn, deps, now);
    }
  }
  return recorded;
}

/** Whether Device Farm still reports the session as stoppable (one GetRemoteAccessSession). */
async function stillRunning(session: Observation, deps: GuardDeps): Promise<boolean> {
  const status = await deps.status(session.arn);
  if (isStoppable(status)) return true;
  deps.log.info('The session is no longer running at Device Farm; the guard does not stop it', {
    arn: session.arn,
    recordedStatus: session.status,
    status: status ?? 'not found',
  });
  return false;
}

function guardEvent(
  session: Observation,
  action: GuardAction,
  policy: ReturnType<typeof policyFor>,
  now: Date,
): GuardEvent {
  const { version: _version, terminal: _terminal, ...state } = session as Partial<StoredState> & Observation;
  return {
    eventId: `${session.arn}#guard-${action}`,
    eventType: 'guard',
    service: 'devicefarm',
    kind: 'remote-access-session',
    arn: session.arn,
    name: session.name,
    project: session.project,
    at: now.toISOString(),
    action,
    minutes: Math.round(minutesSoFar(session, now) * 10) / 10,
    ...(action === 'hard-limit-warning'
      ? { limitMinutes: HARD_LIMIT_MINUTES, limitSource: 'hard-limit' as const }
      : policy.limitMinutes === undefined
        ? {}
        : {
            limitMinutes: policy.limitMinutes,
            ...(policy.limitSource ? { limitSource: policy.limitSource } : {}),
          }),
    state: state as Observation,
  };
}

async function stopOnce(arn: string, deps: GuardDeps, now: Date): Promise<void> {
  try {
    await deps.stop(arn);
  } catch (error) {
    // Device Farm refuses to stop a session that is already stopping or over:
    // nothing is left to do, so that counts as stopped.
    if (errorName(error) !== 'ArgumentException') throw error;
    deps.log.info('The session was already stopping or over when the guard stopped it', { arn, ...errorFields(error) });
  }
  await deps.ledger.markStopCalled(arn, now.toISOString());
}
