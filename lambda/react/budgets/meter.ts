/**
 * Which minutes of a change count toward a budget. Meters are never mixed:
 * `deviceMinutes.metered` counts metered device minutes of jobs and remote
 * access sessions, `billingMinutes` counts test grid billing minutes;
 * unmetered minutes count toward nothing. A run's minutes are its jobs'
 * minutes, so a run counts only when its jobs were never listed (a run
 * already finished when the first poll found it).
 */
import type { Meter } from '../../config/settings';
import type { ChangeEvent } from '../../record/change-event';

export type { Meter } from '../../config/settings';

/** The parts of a budget the meter needs. */
export interface MeteredBudget {
  readonly meter: Meter;
  /** Project names or ARNs; empty: every project. */
  readonly projects: readonly string[];
}

/** Minutes this change adds to the budget (0: it does not count), and the instant whose period they belong to. */
export function meteredMinutes(event: ChangeEvent, budget: MeteredBudget): { minutes: number; startedAt: string } {
  const startedAt = event.state.started ?? event.state.created ?? event.at;
  const none = { minutes: 0, startedAt };
  if (event.service !== 'devicefarm') return none;
  const { project } = event;
  if (
    budget.projects.length > 0 &&
    !budget.projects.some((p) => p === project.arn || (project.name !== undefined && p === project.name))
  ) {
    return none;
  }
  const delta = event.minutesDelta;
  let minutes = 0;
  if (budget.meter === 'deviceMinutes.metered') {
    if (event.kind === 'job' || event.kind === 'remote-access-session') minutes = delta.metered ?? 0;
    if (event.kind === 'run' && event.baseline && event.state.jobSummary === undefined) minutes = delta.metered ?? 0;
  } else if (event.kind === 'test-grid-session') {
    minutes = delta.billing ?? 0;
  }
  return { minutes: minutes > 0 ? minutes : 0, startedAt };
}
