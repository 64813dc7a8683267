/**
 * One Device Farm poll cycle: discover projects, follow what can still
 * change, record every change. The poller sends nothing itself: recorded
 * events reach the notifier through the table's stream.
 *
 * Cost grows with what changes, not with history:
 * - stored state is loaded with one Query on the sparse `active` index
 *   (plus one per active run for its jobs), never per item;
 * - runs and remote access sessions are listed down to the scope's
 *   watermark while every page confirms they are listed newest first (the
 *   API documents no order); active ones not on those pages are read with Get;
 * - test grid sessions are listed with a creation-time filter;
 * - finished runs' jobs are never listed again, and an unfinished run's
 *   jobs only when the run's own listing changed.
 * Every listing is also read in full every `deviceFarm.fullListingMinutes`
 * (and every cycle once found out of order), compared with the stored
 * states, as the safety net under the watermark (listed-walk.ts).
 */
import type {
  DeviceFarmClient,
  Project,
  RemoteAccessSession,
  Run,
  TestGridProject,
  TestGridSession,
} from '@aws-sdk/client-device-farm';
import type { Settings } from '../../config/settings';
import { changedFields } from '../../core/change';
import { errorMessage, errorName } from '../../core/errors';
import type { Log } from '../../core/log';
import type { Observation } from '../../core/observation';
import { GONE_STATUS, isTerminal } from '../../core/status';
import type { StoredState } from '../../record/change-event';
import type { StateStore } from '../../record/history-store';
import { AdaptiveBound, gateClient } from '../adaptive-bound';
import type { FullListingPolicy } from '../full-listing';
import type { Clock } from '../page';
import {
  type CycleBudget,
  type CycleReport,
  isoOf,
  PollCycle,
  type ResumePoint,
  type ScopeRef,
  type ScopeUnit,
  selectByNameOrArn,
} from '../poll-cycle-base';
import {
  failingTests,
  jobObservation,
  remoteAccessObservation,
  runObservation,
  summarizeJobs,
  testGridObservation,
} from './map';
import {
  getRemoteAccessSession,
  getRun,
  getTestGridSession,
  listJobs,
  listProjects,
  listTestGridProjects,
  listUniqueProblems,
  remoteAccessPages,
  runPages,
  testGridSessionPages,
} from './pages';

export type { CycleReport, ScopeFailure } from '../poll-cycle-base';

export interface DeviceFarmPollDeps {
  readonly client: DeviceFarmClient;
  readonly store: StateStore;
  readonly settings: Settings;
  readonly log: Log;
  /** @default () => new Date() */
  readonly now?: Clock;
  /**
   * API calls in flight when the cycle starts; the bound then halves when
   * Device Farm throttles and grows while it does not (adaptive-bound.ts).
   * @default 4
   */
  readonly concurrency?: number;
  /** Most API calls in flight, however well the API answers. @default 16 */
  readonly maxConcurrency?: number;
  /** Time the cycle may go on starting scopes (the Lambda's). @default no limit (the CLI) */
  readonly budget?: CycleBudget;
  /** Where this cycle starts and the next one resumes, when the budget runs out. */
  readonly resume?: ResumePoint;
}

/** Margin subtracted from creation-time filters: the API's time granularity is seconds. */
const FILTER_MARGIN_MS = 1000;

/** Runs one poll cycle over every selected project. Never throws for one project's failure. */
export async function pollDeviceFarm(deps: DeviceFarmPollDeps): Promise<CycleReport> {
  const cycle = await PollCycle.open('devicefarm', deps.store, deps.log, deps.now);
  const bound = new AdaptiveBound({ initial: deps.concurrency, max: deps.maxConcurrency });
  const client = gateClient(deps.client, bound);
  // Two account-wide listings, each failing alone: a failed test grid listing holds back no project's runs.
  const [listedProjects, listedGrid] = await Promise.allSettled([listProjects(client), listTestGridProjects(client)]);
  if (listedProjects.status === 'rejected' && listedGrid.status === 'rejected') throw listedProjects.reason;
  const projects = listedProjects.status === 'fulfilled' ? listedProjects.value : [];
  const gridProjects = listedGrid.status === 'fulfilled' ? listedGrid.value : [];
  if (listedProjects.status === 'rejected') cycle.listingFailed('ListProjects', 'run', listedProjects.reason);
  if (listedGrid.status === 'rejected')
    cycle.listingFailed('ListTestGridProjects', 'test-grid-session', listedGrid.reason);
  const wanted = deps.settings.deviceFarm.projects;
  const selected = selectByNameOrArn(projects, wanted, deps.log, 'Device Farm projects');
  // A configured name is said missing only when both listings answered.
  const everyListing = listedProjects.status === 'fulfilled' && listedGrid.status === 'fulfilled';
  const selectedGrid = selectByNameOrArn(
    gridProjects,
    wanted,
    deps.log,
    'Device Farm projects',
    everyListing ? [...projects, ...gridProjects] : undefined,
  );

  const full: FullListingPolicy = {
    everyMs: deps.settings.deviceFarm.fullListingMinutes * 60_000,
    retentionDays: deps.settings.history.eventRetentionDays,
  };
  const units: ScopeUnit[] = [];
  for (const project of selected) {
    units.push({ scope: project.arn, kind: 'run', run: () => pollRuns(cycle, client, project, full) });
    units.push({
      scope: project.arn,
      kind: 'remote-access-session',
      run: () => pollRemoteAccess(cycle, client, project, full),
    });
  }
  for (const project of selectedGrid) {
    units.push({
      scope: project.arn,
      kind: 'test-grid-session',
      run: () => pollTestGrid(cycle, client, project, full),
    });
  }
  await cycle.runScopes(units, bound.max, deps.budget, deps.resume);
  return cycle.report(selected.length + selectedGrid.length, bound.summary());
}

async function pollRuns(
  cycle: PollCycle,
  client: DeviceFarmClient,
  project: ScopeRef & Project,
  fullListing: FullListingPolicy,
): Promise<void> {
  await cycle.pollListed<Run>(project, {
    kind: 'run',
    pages: () => runPages(client, project.arn, cycle.now),
    listing: 'newest-first',
    fullListing,
    createdOf: (run) => isoOf(run.created),
    toObservation: (run, at) => runObservation(run, project, at),
    readOne: (arn) => getRun(client, arn),
    handle: async (stored, observation, baseline) => {
      // A run already finished when first seen by a baseline poll is history:
      // its jobs are not listed. A run whose own listing (status, result,
      // counters, completed jobs, minutes) is what was recorded is taken as
      // evidence that its jobs did not finish or move either. Otherwise the
      // run's jobs are listed, and the run is recorded after them with their
      // summary.
      const listJobsNow =
        !(baseline && isTerminal('run', observation.status)) &&
        stored?.terminal !== true &&
        !unchangedRun(stored, observation);
      const withJobs = listJobsNow
        ? await pollJobs(cycle, client, project, observation, stored, baseline)
        : observation;
      const withTests = finishesFailing(stored, withJobs, baseline)
        ? { ...withJobs, failingTests: await readFailingTests(cycle, client, withJobs.arn) }
        : withJobs;
      await cycle.record(stored, withTests, baseline);
    },
  });
}

/**
 * True when the run was recorded before and its listing shows nothing new:
 * its jobs are not listed, which keeps a quiet cycle at one page per project
 * however many runs are in progress. A job finishing always shows in the
 * run's listing (`completedJobs`), and tests passing or failing in a running
 * job move the run's counters. What waits: a job's move between two
 * unfinished statuses (PENDING → RUNNING) that changes none of these is
 * recorded when the run next changes. No notice depends on that move.
 */
function unchangedRun(stored: StoredState | undefined, observation: Observation): boolean {
  return stored !== undefined && stored.jobSummary !== undefined && changedFields(stored, observation).length === 0;
}

/** Results of a run or job that passed. */
const PASSING_RESULTS: ReadonlySet<string> = new Set(['PASSED', 'SKIPPED']);

/**
 * True when this observation is the run finishing (news, not baseline) with
 * jobs that did not pass: the one moment its failing tests are read.
 */
function finishesFailing(stored: StoredState | undefined, run: Observation, baseline: boolean): boolean {
  if (baseline || stored?.terminal === true || run.status === GONE_STATUS || !isTerminal('run', run.status)) {
    return false;
  }
  const summary = run.jobSummary;
  if (summary === undefined) return !PASSING_RESULTS.has(run.result ?? '');
  return summary.notPassed.length + summary.notPassedTruncated > 0;
}

/**
 * The run's failing tests: one paginated ListUniqueProblems for the whole
 * run. A read that fails (no permission, the API down past its retries) is
 * recorded as unavailable rather than holding back the run's summary.
 */
async function readFailingTests(cycle: PollCycle, client: DeviceFarmClient, runArn: string) {
  try {
    return failingTests(await listUniqueProblems(client, runArn));
  } catch (error) {
    const why = `${errorName(error) ?? 'Error'}: ${errorMessage(error)}`;
    cycle.log.warn("A finished run's failing tests could not be read; its summary goes without them", {
      arn: runArn,
      error: why,
    });
    return { tests: [], total: 0, unavailable: why };
  }
}

async function pollJobs(
  cycle: PollCycle,
  client: DeviceFarmClient,
  project: ScopeRef,
  run: Observation,
  storedRun: StoredState | undefined,
  baseline: boolean,
): Promise<Observation> {
  if (run.status === GONE_STATUS) return run;
  const page = await listJobs(client, run.arn, cycle.now);
  // A run never stored has no stored jobs worth a Query (a crash between
  // recording its jobs and the run is caught by the conditional write).
  const storedJobs =
    storedRun === undefined
      ? new Map<string, StoredState>()
      : new Map((await cycle.store.loadScope(run.arn)).map((j) => [j.arn, j]));
  const observations: Observation[] = [];
  for (const job of page.items) {
    const observation = jobObservation(job, run, project, page.at.toISOString());
    if (observation === undefined) {
      cycle.malformed(run.arn, 'job');
      continue;
    }
    observations.push(observation);
    await cycle.record(storedJobs.get(observation.arn), observation, baseline);
  }
  return { ...run, jobSummary: summarizeJobs(observations) };
}

async function pollRemoteAccess(
  cycle: PollCycle,
  client: DeviceFarmClient,
  project: ScopeRef,
  fullListing: FullListingPolicy,
): Promise<void> {
  await cycle.pollListed<RemoteAccessSession>(project, {
    kind: 'remote-access-session',
    pages: () => remoteAccessPages(client, project.arn, cycle.now),
    listing: 'newest-first',
    fullListing,
    createdOf: (session) => isoOf(session.created),
    toObservation: (session, at) => remoteAccessObservation(session, project, at),
    readOne: (arn) => getRemoteAccessSession(client, arn),
  });
}

async function pollTestGrid(
  cycle: PollCycle,
  client: DeviceFarmClient,
  project: ScopeRef & TestGridProject,
  fullListing: FullListingPolicy,
): Promise<void> {
  const kind = 'test-grid-session';
  const cursor = cycle.cursor(project.arn, kind);
  // Everything that can have changed was created after the oldest active
  // session or after the watermark: one filtered list covers both.
  const candidates = [cursor?.seenThrough, ...cycle.activeIn(project.arn, kind).map((s) => s.created)].filter(
    (t): t is string => t !== undefined,
  );
  const from =
    cursor === undefined || cursor.seenThrough === undefined || candidates.length === 0
      ? undefined
      : new Date(Date.parse(candidates.sort()[0] as string) - FILTER_MARGIN_MS);
  await cycle.pollListed<TestGridSession>(project, {
    kind,
    // A full listing drops the filter: it is what finds a session listed late, below the watermark.
    pages: (full) => testGridSessionPages(client, project.arn, full ? undefined : from, cycle.now),
    listing: 'complete',
    fullListing,
    createdOf: (session) => isoOf(session.created),
    toObservation: (session, at) => testGridObservation(session, project, at),
    readOne: (arn) => getTestGridSession(client, arn),
  });
}
