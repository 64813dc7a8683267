/**
 * The session guard: for each remote access session that can still run,
 * decide (decide.ts) whether to warn, stop or alert, record each action once
 * with its event (record/guard-ledger.ts), and call StopRemoteAccessSession
 * after the stop is recorded. A session is never stopped twice: the stop is
 * recorded before the call, and the call is repeated only when a previous
 * run crashed between the two (no `stopCalledAt`) and the session still runs.
 */
import { errorFields, type Log } from '../../core/log';
import type { Observation } from '../../core/observation';
import type { GuardSettings } from '../../core/settings';
import type { GuardLedger, GuardState } from '../../record/guard-ledger';
import type { GuardEvent } from '../../record/vigil-event';
import { decideGuard, type GuardAction, type GuardPolicy, HARD_LIMIT_MINUTES, minutesSoFar } from './decide';

export interface GuardDeps {
  readonly ledger: GuardLedger;
  readonly settings: GuardSettings;
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

/** Evaluates the given sessions (active remote access sessions, as last observed). */
export async function guardSessions(sessions: readonly Observation[], deps: GuardDeps): Promise<GuardEvent[]> {
  const now = (deps.now ?? (() => new Date()))();
  const running = sessions.filter((s) => s.kind === 'remote-access-session');
  const states = await deps.ledger.states(running.map((s) => s.arn));
  const recorded: GuardEvent[] = [];
  for (const session of running) {
    const state = states.get(session.arn);
    const policy = policyFor(session, state, deps.settings);
    const done = new Set<GuardAction>((state?.done ?? []).filter((a): a is GuardAction => a !== 'stopped-by-user'));
    // A run that recorded a stop but crashed before calling Device Farm: call it now.
    if (
      done.has('stop') &&
      state?.stopCalledAt === undefined &&
      decideGuard(session, policy, new Set(), now).includes('stop')
    ) {
      await stopOnce(session.arn, deps, now);
    }
    for (const action of decideGuard(session, policy, done, now)) {
      const event: GuardEvent = {
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
        state: session,
      };
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

async function stopOnce(arn: string, deps: GuardDeps, now: Date): Promise<void> {
  try {
    await deps.stop(arn);
  } catch (error) {
    // Device Farm refuses to stop a session that is already stopping or over:
    // nothing is left to do, so that counts as stopped.
    if ((error as { name?: string }).name !== 'ArgumentException') throw error;
    deps.log.info('The session was already stopping or over when the guard stopped it', { arn, ...errorFields(error) });
  }
  await deps.ledger.markStopCalled(arn, now.toISOString());
}
