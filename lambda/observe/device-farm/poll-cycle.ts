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
import { mapBounded } from '../../core/concurrency';
import { errorFields, type Log } from '../../core/log';
import type { Kind, Observation } from '../../core/observation';
import type { Settings } from '../../core/settings';
import { GONE_STATUS, isTerminal } from '../../core/status';
import type { ChangeEvent, StoredState } from '../../record/change-event';
import type { Cursor, StateStore } from '../../record/history-store';
import { recordObservation } from '../../record/recorder';
import { takeUntilKnown } from '../watermark';
import {
  jobObservation,
  type ProjectRef,
  remoteAccessObservation,
  runObservation,
  summarizeJobs,
  testGridObservation,
} from './map';
import {
  type Clock,
  getRemoteAccessSession,
  getRun,
  getTestGridSession,
  listJobs,
  listProjects,
  listTestGridProjects,
  type Page,
  remoteAccessPages,
  runPages,
  testGridSessionPages,
} from './pages';

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

/** A scope that could not be polled this cycle; the others went on. */
export interface ScopeFailure {
  readonly scope: string;
  readonly kind: Kind;
  readonly error: string;
}

/** What one cycle did, for logs, metrics and the CLI. */
export interface CycleReport {
  readonly cycleId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly projects: number;
  readonly observed: number;
  readonly unchanged: number;
  /** Observations older than the stored state (an overlapping cycle got there first). */
  readonly stale: number;
  /** API items without an ARN: reported, not recordable. */
  readonly malformed: number;
  readonly events: readonly ChangeEvent[];
  readonly failures: readonly ScopeFailure[];
}

/** Default number of scopes polled concurrently: gentle on Device Farm's token bucket. */
const DEFAULT_CONCURRENCY = 4;

/** Margin subtracted from creation-time filters: the API's time granularity is seconds. */
const FILTER_MARGIN_MS = 1000;

interface CycleState {
  readonly deps: DeviceFarmPollDeps;
  readonly now: Clock;
  readonly cycleId: string;
  readonly startedAt: string;
  readonly cursors: Map<string, Cursor>;
  /** Active runs and sessions by `<project arn>#<kind>`. */
  readonly active: Map<string, Map<string, StoredState>>;
  counts: { observed: number; unchanged: number; stale: number; malformed: number };
  readonly events: ChangeEvent[];
}

const scopeKey = (scope: string, kind: Kind) => `${scope}#${kind}`;

/** A cycle id that sorts by time and is unique across overlapping cycles. */
function newCycleId(at: Date): string {
  return `${at.toISOString()}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Runs one poll cycle over every selected project. Never throws for one project's failure. */
export async function pollDeviceFarm(deps: DeviceFarmPollDeps): Promise<CycleReport> {
  const now = deps.now ?? (() => new Date());
  const start = now();
  const [activeStates, cursorList] = await Promise.all([
    deps.store.loadActive('devicefarm'),
    deps.store.loadCursors('devicefarm'),
  ]);
  const state: CycleState = {
    deps,
    now,
    cycleId: newCycleId(start),
    startedAt: start.toISOString(),
    cursors: new Map(cursorList.map((c) => [scopeKey(c.scope, c.kind), c])),
    active: groupActive(activeStates),
    counts: { observed: 0, unchanged: 0, stale: 0, malformed: 0 },
    events: [],
  };

  const failures: ScopeFailure[] = [];
  const [projects, gridProjects] = await Promise.all([listProjects(deps.client), listTestGridProjects(deps.client)]);
  const selected = selectProjects(projects, deps.settings.deviceFarm.projects, deps.log);
  const selectedGrid = selectProjects(gridProjects, deps.settings.deviceFarm.projects, deps.log, projects);

  type Unit = { scope: string; kind: Kind; run: () => Promise<void> };
  const units: Unit[] = [];
  for (const project of selected) {
    units.push({ scope: project.arn, kind: 'run', run: () => pollRuns(state, project) });
    units.push({ scope: project.arn, kind: 'remote-access-session', run: () => pollRemoteAccess(state, project) });
  }
  for (const project of selectedGrid) {
    units.push({ scope: project.arn, kind: 'test-grid-session', run: () => pollTestGrid(state, project) });
  }
  const settled = await mapBounded(units, deps.concurrency ?? DEFAULT_CONCURRENCY, (unit) => unit.run());
  settled.forEach((result, index) => {
    const unit = units[index];
    if (result.status === 'rejected' && unit !== undefined) {
      deps.log.error('Polling a Device Farm scope failed; the other scopes went on', {
        scope: unit.scope,
        kind: unit.kind,
        cycleId: state.cycleId,
        ...errorFields(result.reason),
      });
      failures.push({ scope: unit.scope, kind: unit.kind, error: errorFields(result.reason).error as string });
    }
  });

  return {
    cycleId: state.cycleId,
    startedAt: state.startedAt,
    finishedAt: now().toISOString(),
    projects: selected.length + selectedGrid.length,
    ...state.counts,
    events: state.events,
    failures,
  };
}

function groupActive(states: readonly StoredState[]): Map<string, Map<string, StoredState>> {
  const grouped = new Map<string, Map<string, StoredState>>();
  for (const s of states) {
    if (s.kind === 'job') continue; // jobs are loaded per run, consistently, when the run is polled
    const key = scopeKey(s.scope, s.kind);
    const group = grouped.get(key) ?? new Map<string, StoredState>();
    group.set(s.arn, s);
    grouped.set(key, group);
  }
  return grouped;
}

interface Named {
  readonly arn?: string;
  readonly name?: string;
}

/**
 * The projects to follow: all, or those whose name or ARN the settings list.
 * A listed name that matches nothing is logged (once per cycle) rather than
 * failing the cycle: the project may not exist yet.
 */
function selectProjects<T extends Named>(
  projects: readonly T[],
  wanted: readonly string[],
  log: Log,
  alsoSearched: readonly Named[] = [],
): (ProjectRef & T & { arn: string })[] {
  const withArn = projects.filter((p): p is T & { arn: string } => typeof p.arn === 'string');
  const refs = withArn.map((p) => ({ ...p, arn: p.arn, ...(p.name === undefined ? {} : { name: p.name }) }));
  if (wanted.length === 0) return refs;
  const chosen = refs.filter((p) => wanted.includes(p.arn) || (p.name !== undefined && wanted.includes(p.name)));
  if (alsoSearched.length > 0) {
    const everything = [...projects, ...alsoSearched];
    const missing = wanted.filter((w) => !everything.some((p) => p.arn === w || p.name === w));
    if (missing.length > 0) log.warn('Configured Device Farm projects not found', { projects: missing });
  }
  return chosen;
}

/** Records one observation and keeps the cycle's counts. */
async function record(state: CycleState, stored: StoredState | undefined, observation: Observation, baseline: boolean) {
  state.counts.observed++;
  const outcome = await recordObservation(state.deps.store, stored, observation, {
    cycleId: state.cycleId,
    baseline,
  });
  if (outcome.kind === 'written') state.events.push(outcome.event);
  else state.counts[outcome.kind]++;
  return outcome;
}

/**
 * The shared walk for a listed kind: list down to the watermark, record
 * what is new or active, read active ones the pages did not reach, then
 * advance the watermark if everything listed was recorded.
 */
/** How one listed kind is read and recorded. */
interface ListedKind<T> {
  readonly kind: Kind;
  readonly pages: AsyncIterable<Page<T>>;
  /** A newest-first list stops at the watermark; a list the API already filtered by creation time is read to its end. */
  readonly listing: 'newest-first' | 'filtered';
  readonly toObservation: (item: T, at: string) => Observation | undefined;
  readonly readOne: (arn: string) => Promise<T | undefined>;
  /** Records one observation. @default record it as it is */
  readonly handle?: (stored: StoredState | undefined, observation: Observation, baseline: boolean) => Promise<void>;
}

async function pollListedKind<T extends { created?: Date }>(
  state: CycleState,
  project: ProjectRef,
  listed: ListedKind<T>,
): Promise<void> {
  const { kind, pages, toObservation, readOne } = listed;
  const handle =
    listed.handle ??
    (async (stored: StoredState | undefined, observation: Observation, baseline: boolean) => {
      await record(state, stored, observation, baseline);
    });
  const key = scopeKey(project.arn, kind);
  const cursor = state.cursors.get(key);
  const baseline = cursor === undefined;
  const activeHere = new Map(state.active.get(key) ?? []);
  const stopAt = listed.listing === 'newest-first' ? cursor?.seenThrough : undefined;
  const taken = await takeUntilKnown(pages, (item) => item.created?.toISOString(), stopAt);

  let newest = cursor?.seenThrough;
  let complete = true;
  for (const page of taken) {
    for (const item of page.items) {
      const observation = toObservation(item, page.at.toISOString());
      if (observation === undefined) {
        state.counts.malformed++;
        state.deps.log.warn('Device Farm returned an item without an ARN; it cannot be recorded', {
          scope: project.arn,
          kind,
        });
        continue;
      }
      let stored = activeHere.get(observation.arn);
      activeHere.delete(observation.arn);
      const known =
        stored === undefined &&
        cursor?.seenThrough !== undefined &&
        observation.created !== undefined &&
        observation.created <= cursor.seenThrough;
      if (known && isTerminal(kind, observation.status)) continue; // recorded before and finished
      if (known) stored = await state.deps.store.getLatest(project.arn, kind, observation.arn);
      try {
        await handle(stored, observation, baseline);
        if (observation.created !== undefined && (newest === undefined || observation.created > newest)) {
          newest = observation.created;
        }
      } catch (error) {
        complete = false;
        state.deps.log.error('Recording a Device Farm resource failed; it is retried next cycle', {
          arn: observation.arn,
          cycleId: state.cycleId,
          ...errorFields(error),
        });
      }
    }
  }

  // Active resources the pages did not reach (older than the watermark): read each.
  for (const stored of activeHere.values()) {
    const item = await readOne(stored.arn);
    const at = state.now().toISOString();
    const observation = item === undefined ? goneObservation(stored, at) : toObservation(item, at);
    if (observation !== undefined) await handle(stored, observation, false);
  }

  // Baseline is only over once everything it listed is recorded, so no
  // baseline resource can later be mistaken for news.
  if (baseline && !complete) return;
  if (!baseline && (!complete || newest === cursor?.seenThrough)) return;
  await state.deps.store.saveCursor({
    service: 'devicefarm',
    scope: project.arn,
    kind,
    ...(newest === undefined ? {} : { seenThrough: newest }),
    firstPolledAt: cursor?.firstPolledAt ?? state.startedAt,
  });
}

/** A followed resource the API no longer returns: recorded once as NOT_FOUND, then left alone. */
function goneObservation(stored: StoredState, at: string): Observation {
  const { version: _version, terminal: _terminal, ...last } = stored;
  return { ...last, status: GONE_STATUS, message: 'Device Farm no longer returns this resource', observedAt: at };
}

async function pollRuns(state: CycleState, project: ProjectRef & Project): Promise<void> {
  const { client } = state.deps;
  await pollListedKind<Run>(state, project, {
    kind: 'run',
    pages: runPages(client, project.arn, state.now),
    listing: 'newest-first',
    toObservation: (run, at) => runObservation(run, project, at),
    readOne: (arn) => getRun(client, arn),
    handle: async (stored, observation, baseline) => {
      // A run already finished when first seen by a baseline poll is history:
      // its jobs are not listed. Otherwise every poll of an unfinished run
      // lists its jobs, and the run is recorded after them with their summary.
      const listJobsNow = !(baseline && isTerminal('run', observation.status)) && stored?.terminal !== true;
      const withJobs = listJobsNow ? await pollJobs(state, project, observation, stored, baseline) : observation;
      await record(state, stored, withJobs, baseline);
    },
  });
}

async function pollJobs(
  state: CycleState,
  project: ProjectRef,
  run: Observation,
  storedRun: StoredState | undefined,
  baseline: boolean,
): Promise<Observation> {
  if (run.status === GONE_STATUS) return run;
  const page = await listJobs(state.deps.client, run.arn, state.now);
  // A run never stored has no stored jobs worth a Query (a crash between
  // recording its jobs and the run is caught by the conditional write).
  const storedJobs =
    storedRun === undefined
      ? new Map<string, StoredState>()
      : new Map((await state.deps.store.loadScope(run.arn)).map((j) => [j.arn, j]));
  const observations: Observation[] = [];
  for (const job of page.items) {
    const observation = jobObservation(job, run, project, page.at.toISOString());
    if (observation === undefined) {
      state.counts.malformed++;
      continue;
    }
    observations.push(observation);
    await record(state, storedJobs.get(observation.arn), observation, baseline);
  }
  return { ...run, jobSummary: summarizeJobs(observations) };
}

async function pollRemoteAccess(state: CycleState, project: ProjectRef): Promise<void> {
  const { client } = state.deps;
  await pollListedKind<RemoteAccessSession>(state, project, {
    kind: 'remote-access-session',
    pages: remoteAccessPages(client, project.arn, state.now),
    listing: 'newest-first',
    toObservation: (session, at) => remoteAccessObservation(session, project, at),
    readOne: (arn) => getRemoteAccessSession(client, arn),
  });
}

async function pollTestGrid(state: CycleState, project: ProjectRef & TestGridProject): Promise<void> {
  const { client } = state.deps;
  const kind: Kind = 'test-grid-session';
  const cursor = state.cursors.get(scopeKey(project.arn, kind));
  // Everything that can have changed was created after the oldest active
  // session or after the watermark: one filtered list covers both.
  const active = [...(state.active.get(scopeKey(project.arn, kind))?.values() ?? [])];
  const candidates = [cursor?.seenThrough, ...active.map((s) => s.created)].filter((t): t is string => t !== undefined);
  const from =
    cursor === undefined || cursor.seenThrough === undefined || candidates.length === 0
      ? undefined
      : new Date(Date.parse(candidates.sort()[0] as string) - FILTER_MARGIN_MS);
  await pollListedKind(state, project, {
    kind,
    pages: testGridSessionPages(client, project.arn, from, state.now),
    listing: 'filtered',
    toObservation: (session, at) => testGridObservation(session, project, at),
    readOne: (arn) => getTestGridSession(client, arn),
  });
}
