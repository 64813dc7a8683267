/**
 * The fewest API calls a cycle can make and still observe every resource
 * that can have changed and discover every new one, and the fewest writes
 * (one change transaction per resource that changed). Computed from the
 * fleet's shape and the generator's ground truth (fleets.ts), never from what
 * Vigil did. BENCHMARKS.md spells the same definitions out.
 */
import {
  type DeadlineFleet,
  type DeviceFarmFleet,
  deadlineTruth,
  deviceFarmTruth,
  type Fleet,
  parentsVisibleAt,
  type ScopeTruth,
} from './fleets';

/** Device Farm's page size for every list the emulator serves (the service's is 50 as well). */
export const DEVICE_FARM_PAGE = 50;
/** Deadline's ListJobs/ListSessions take at most 100 a page. */
export const DEADLINE_PAGE = 100;

export interface LowerBound {
  /** Calls when a run's own listing (status, result, counters, minutes) is evidence about its jobs. */
  readonly calls: number;
  /** Calls when every active run's jobs must be listed whether the run changed or not (the literal bound). */
  readonly strictCalls: number;
  /** Change transactions: one per resource first seen or changed. */
  readonly changes: number;
  readonly byOperation: Record<string, number>;
  readonly truth: ScopeTruth;
}

const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));

/** The bound for a cycle at step `to` after one at `from` (undefined: the baseline over an empty table). */
export function lowerBound(fleet: Fleet, from: number | undefined, to: number): LowerBound {
  const visibleParents = parentsVisibleAt(fleet, to);
  return fleet.service === 'devicefarm'
    ? deviceFarmBound(fleet, from, to, visibleParents)
    : deadlineBound(fleet, from, to, visibleParents);
}

function deviceFarmBound(fleet: DeviceFarmFleet, from: number | undefined, to: number, visibleRuns: number) {
  const truth = deviceFarmTruth(fleet, from, to);
  const P = fleet.projects;
  const jobPages = pages(fleet.jobsPerRun, DEVICE_FARM_PAGE);
  const byOperation: Record<string, number> = {
    ListProjects: pages(P, DEVICE_FARM_PAGE),
    ListTestGridProjects: 1,
  };
  let runPages: number;
  let extraGets = 0;
  let listJobs: number;
  let strictListJobs: number;
  if (from === undefined) {
    // A baseline reads every page (nothing is known yet) and the jobs of every unfinished run.
    runPages = pages(visibleRuns, DEVICE_FARM_PAGE);
    listJobs = truth.childListings * jobPages;
    strictListJobs = listJobs;
  } else {
    // Down to the first known run; the active runs are the newest, so deeper ones cost one GetRun each.
    runPages = pages(truth.newParents + 1, DEVICE_FARM_PAGE);
    extraGets = Math.max(0, truth.newParents + truth.activeParents - runPages * DEVICE_FARM_PAGE);
    listJobs = (truth.newParents + truth.changedParents) * jobPages;
    strictListJobs = truth.childListings * jobPages;
  }
  byOperation.ListRuns = runPages * P;
  if (extraGets > 0) byOperation.GetRun = extraGets * P;
  byOperation.ListRemoteAccessSessions =
    (from === undefined ? pages(fleet.remoteAccessSessionsPerProject, DEVICE_FARM_PAGE) : 1) * P;
  byOperation.ListJobs = listJobs * P;
  // One ListUniqueProblems page per run that finished this cycle with a job that did not pass: its failing tests.
  if (truth.failingRunsFinished > 0) byOperation.ListUniqueProblems = truth.failingRunsFinished * P;
  const others = Object.entries(byOperation)
    .filter(([op]) => op !== 'ListJobs')
    .reduce((n, [, v]) => n + v, 0);
  return {
    calls: others + listJobs * P,
    strictCalls: others + strictListJobs * P,
    changes: truth.changes * P,
    byOperation,
    truth,
  };
}

function deadlineBound(fleet: DeadlineFleet, from: number | undefined, to: number, visibleJobs: number) {
  const truth = deadlineTruth(fleet, from, to);
  const Q = fleet.queues;
  const byOperation: Record<string, number> = {
    ListFarms: 1,
    ListQueues: pages(Q, DEADLINE_PAGE),
    // No status filter and no documented order: every page of every queue.
    ListJobs: pages(visibleJobs, DEADLINE_PAGE) * Q,
    ListSessions: truth.childListings * pages(fleet.sessionsPerJob, DEADLINE_PAGE) * Q,
    GetSession: truth.childChanges * Q,
  };
  const calls = Object.values(byOperation).reduce((a, b) => a + b, 0);
  return { calls, strictCalls: calls, changes: truth.changes * Q, byOperation, truth };
}
