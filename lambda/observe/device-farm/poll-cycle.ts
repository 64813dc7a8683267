/**
 * One Device Farm poll cycle: discover projects, follow what can still
 * change, record every change. The poller sends nothing itself: recorded
 * events reach the notifier through the table's stream.
 *
 * Cost grows with what changes, not with history:
 * - stored state is loaded with one Query on the sparse `active` index
 *   (plus one per active run for its jobs), never per item;
 * - runs and remote access sessions are listed newest first only down to
 *   the scope's watermark; active ones not on those pages are read with Get;
 * - test grid sessions are listed with a creation-time filter;
 * - finished runs' jobs are never listed again.
 */
import type { DeviceFarmClient, Project, RemoteAccessSession, Run, TestGridProject } from '@aws-sdk/client-device-farm';
import type { Log } from '../../core/log';
import type { Observation } from '../../core/observation';
import type { Settings } from '../../core/settings';
import { GONE_STATUS, isTerminal } from '../../core/status';
import type { StoredState } from '../../record/change-event';
import type { StateStore } from '../../record/history-store';
import type { Clock } from '../page';
import { type CycleReport, PollCycle, type ScopeRef, type ScopeUnit, selectByNameOrArn } from '../poll-cycle-base';
import { jobObservation, remoteAccessObservation, runObservation, summarizeJobs, testGridObservation } from './map';
import {
  getRemoteAccessSession,
  getRun,
  getTestGridSession,
  listJobs,
  listProjects,
  listTestGridProjects,
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
  /** Scopes (project × kind) polled at once. @default 4 */
  readonly concurrency?: number;
}

/** Default number of scopes polled concurrently: gentle on Device Farm's token bucket. */
const DEFAULT_CONCURRENCY = 4;

/** Margin subtracted from creation-time filters: the API's time granularity is seconds. */
const FILTER_MARGIN_MS = 1000;

const iso = (date: Date | undefined) => date?.toISOString();

/** Runs one poll cycle over every selected project. Never throws for one project's failure. */
export async function pollDeviceFarm(deps: DeviceFarmPollDeps): Promise<CycleReport> {
  const cycle = await PollCycle.open('devicefarm', deps.store, deps.log, deps.now);
  const [projects, gridProjects] = await Promise.all([listProjects(deps.client), listTestGridProjects(deps.client)]);
  const wanted = deps.settings.deviceFarm.projects;
  const selected = selectByNameOrArn(projects, wanted, deps.log, 'Device Farm projects');
  const selectedGrid = selectByNameOrArn(gridProjects, wanted, deps.log, 'Device Farm projects', [
    ...projects,
    ...gridProjects,
  ]);

  const units: ScopeUnit[] = [];
  for (const project of selected) {
    units.push({ scope: project.arn, kind: 'run', run: () => pollRuns(cycle, deps.client, project) });
    units.push({
      scope: project.arn,
      kind: 'remote-access-session',
      run: () => pollRemoteAccess(cycle, deps.client, project),
    });
  }
  for (const project of selectedGrid) {
    units.push({ scope: project.arn, kind: 'test-grid-session', run: () => pollTestGrid(cycle, deps.client, project) });
  }
  await cycle.runScopes(units, deps.concurrency ?? DEFAULT_CONCURRENCY);
  return cycle.report(selected.length + selectedGrid.length);
}

async function pollRuns(cycle: PollCycle, client: DeviceFarmClient, project: ScopeRef & Project): Promise<void> {
  await cycle.pollListed<Run>(project, {
    kind: 'run',
    pages: runPages(client, project.arn, cycle.now),
    listing: 'newest-first',
    createdOf: (run) => iso(run.created),
    toObservation: (run, at) => runObservation(run, project, at),
    readOne: (arn) => getRun(client, arn),
    handle: async (stored, observation, baseline) => {
      // A run already finished when first seen by a baseline poll is history:
      // its jobs are not listed. Otherwise every poll of an unfinished run
      // lists its jobs, and the run is recorded after them with their summary.
      const listJobsNow = !(baseline && isTerminal('run', observation.status)) && stored?.terminal !== true;
      const withJobs = listJobsNow
        ? await pollJobs(cycle, client, project, observation, stored, baseline)
        : observation;
      await cycle.record(stored, withJobs, baseline);
    },
  });
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

async function pollRemoteAccess(cycle: PollCycle, client: DeviceFarmClient, project: ScopeRef): Promise<void> {
  await cycle.pollListed<RemoteAccessSession>(project, {
    kind: 'remote-access-session',
    pages: remoteAccessPages(client, project.arn, cycle.now),
    listing: 'newest-first',
    createdOf: (session) => iso(session.created),
    toObservation: (session, at) => remoteAccessObservation(session, project, at),
    readOne: (arn) => getRemoteAccessSession(client, arn),
  });
}

async function pollTestGrid(
  cycle: PollCycle,
  client: DeviceFarmClient,
  project: ScopeRef & TestGridProject,
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
  await cycle.pollListed(project, {
    kind,
    pages: testGridSessionPages(client, project.arn, from, cycle.now),
    listing: 'complete',
    createdOf: (session) => iso(session.created),
    toObservation: (session, at) => testGridObservation(session, project, at),
    readOne: (arn) => getTestGridSession(client, arn),
  });
}
