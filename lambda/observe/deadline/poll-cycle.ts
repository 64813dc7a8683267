/**
 * One Deadline Cloud poll cycle: farms → queues → jobs → sessions, for the
 * farms and queues the settings select. The poll is the truth; EventBridge
 * events (ingest.ts) only make it faster, through the same recording code.
 *
 * - Stored state comes from one Query on the `active` index per cycle.
 * - Each queue's jobs are listed in full every cycle (ListJobs has no
 *   status filter and no documented order), but a job already recorded as
 *   finished is skipped without any further call or read, unless it comes
 *   back (a requeued job shows a non-final status again).
 * - Sessions are listed only for jobs that can still change or changed this
 *   cycle; GetSession is called only for a session that is new or changed.
 */
import type { DeadlineClient, FarmSummary, GetJobResponse, JobSummary, QueueSummary } from '@aws-sdk/client-deadline';
import type { DeadlineSettings, Settings } from '../../config/settings';
import type { Log } from '../../core/log';
import type { Observation } from '../../core/observation';
import { GONE_STATUS, isTerminal } from '../../core/status';
import type { StoredState } from '../../record/change-event';
import type { StateStore } from '../../record/history-store';
import { AdaptiveBound, gateClient } from '../adaptive-bound';
import { goneObservation } from '../gone';
import type { Clock, Page } from '../page';
import {
  type CycleBudget,
  type CycleReport,
  isoOf,
  matchesAny,
  PollCycle,
  type ResumePoint,
  type ScopeUnit,
} from '../poll-cycle-base';
import { type DeadlineLocation, parseJobArn, queueArn } from './arns';
import {
  deadlineJobObservation,
  deadlineSessionObservation,
  parentOfSession,
  type QueueRef,
  type SessionParent,
} from './map';
import { getJob, getSession, jobPages, listFarms, listQueues, listSessions } from './pages';

export interface DeadlinePollDeps {
  readonly client: DeadlineClient;
  readonly store: StateStore;
  readonly settings: Settings;
  readonly log: Log;
  /** Region and account that Deadline ARNs are built with. */
  readonly location: DeadlineLocation;
  /** @default () => new Date() */
  readonly now?: Clock;
  /**
   * API calls in flight when the cycle starts; the bound then halves when
   * Deadline Cloud throttles and grows while it does not (adaptive-bound.ts).
   * @default 4
   */
  readonly concurrency?: number;
  /** Most API calls in flight, however well the API answers. @default 16 */
  readonly maxConcurrency?: number;
  /** Time the cycle may go on starting scopes (the Lambda's). @default no limit (the CLI) */
  readonly budget?: CycleBudget;
  /** Where this cycle starts and the next one resumes, when the budget runs out. */
  readonly resume?: ResumePoint;
  /**
   * Deadline's EventBridge events reach this poller's table (the stack is in
   * Deadline's region): new jobs arrive through them, so a queue is listed in
   * full only every `deadline.fullListingMinutes`. @default false (list every cycle)
   */
  readonly eventsArrive?: boolean;
}

/** How long sessions still active when their job finished are followed after their last change. */
export const FOLLOW_FINISHED_JOB_SESSIONS_MS = 24 * 3600 * 1000;

/** Whether a farm or queue passes an include list (empty: all) and an exclude list. */
function selected(item: { id: string; name?: string }, include: readonly string[], exclude: readonly string[]) {
  const ref = { arn: item.id, id: item.id, ...(item.name === undefined ? {} : { name: item.name }) };
  return (include.length === 0 || matchesAny(ref, include)) && !matchesAny(ref, exclude);
}

/** The queues to follow, with their farm's name. */
export async function selectedQueues(client: DeadlineClient, settings: DeadlineSettings, location: DeadlineLocation) {
  const farms = (await listFarms(client)).filter(
    (f): f is FarmSummary & { farmId: string } =>
      f.farmId !== undefined && selected({ id: f.farmId, name: f.displayName }, settings.farms, settings.excludeFarms),
  );
  const queues: QueueRef[] = [];
  for (const farm of farms) {
    const all = await listQueues(client, farm.farmId);
    for (const q of all.filter((q): q is QueueSummary & { queueId: string } => q.queueId !== undefined)) {
      if (!selected({ id: q.queueId, name: q.displayName }, settings.queues, settings.excludeQueues)) continue;
      queues.push({
        arn: queueArn(location, farm.farmId, q.queueId),
        farmId: farm.farmId,
        queueId: q.queueId,
        ...(q.displayName === undefined ? {} : { name: q.displayName }),
        ...(farm.displayName === undefined ? {} : { farmName: farm.displayName }),
      });
    }
  }
  return queues;
}

/** Runs one poll cycle over every selected queue. Never throws for one queue's failure. */
export async function pollDeadline(deps: DeadlinePollDeps): Promise<CycleReport> {
  const cycle = await PollCycle.open('deadline', deps.store, deps.log, deps.now);
  const bound = new AdaptiveBound({ initial: deps.concurrency, max: deps.maxConcurrency });
  const gated = { ...deps, client: gateClient(deps.client, bound) };
  const queues = await selectedQueues(gated.client, deps.settings.deadline, deps.location);
  const units: ScopeUnit[] = queues.map((queue) => ({
    scope: queue.arn,
    kind: 'deadline-job',
    run: () => pollQueue(cycle, gated, queue),
  }));
  await cycle.runScopes(units, bound.max, deps.budget, deps.resume);
  return cycle.report(queues.length, bound.summary());
}

async function pollQueue(cycle: PollCycle, deps: DeadlinePollDeps, queue: QueueRef): Promise<void> {
  const { client, location } = deps;
  const handled = new Set<string>();
  // ListJobs has no status filter and no documented order: listing a queue reads every job it
  // keeps (finished ones up to 120 days). With events announcing new jobs, a poll reads only the
  // jobs that can still change (one GetJob each) and lists in full at baseline and at the interval.
  const listEveryCycle = deps.eventsArrive !== true || cycle.cursor(queue.arn, 'deadline-job') === undefined;
  await cycle.pollListed<JobSummary | GetJobResponse>(queue, {
    kind: 'deadline-job',
    pages: (full) => (listEveryCycle || full ? jobPages(client, queue.farmId, queue.queueId, cycle.now) : noPages()),
    listing: 'complete',
    ...(listEveryCycle
      ? {}
      : {
          fullListing: {
            everyMs: deps.settings.deadline.fullListingMinutes * 60_000,
            retentionDays: deps.settings.history.eventRetentionDays,
          },
        }),
    createdOf: (job) => isoOf(job.createdAt),
    toObservation: (job, at) => deadlineJobObservation(job, queue, location, at),
    readOne: async (arn) => {
      const ids = parseJobArn(arn);
      return ids === undefined ? undefined : getJob(client, ids);
    },
    handle: async (stored, observation, baseline) => {
      handled.add(observation.arn);
      await recordJob(cycle, client, stored, observation, baseline);
    },
  });
  await pollSessionsOfFinishedJobs(cycle, client, queue, handled);
}

/** A listing that lists nothing: the walk then reads each job it follows with GetJob. */
async function* noPages(): AsyncGenerator<Page<JobSummary>> {}

/**
 * A job can finish while some of its sessions are still ending. The job is
 * then recorded as finished and skipped by later cycles, so its sessions
 * still active in the index are listed here until they end: one ListSessions
 * and one Query per such job per cycle. The job is named from its sessions'
 * stored state, not read. A session that has not changed for a day after its
 * job finished is left as last recorded, so a session Deadline never ends
 * does not cost calls forever.
 */
async function pollSessionsOfFinishedJobs(
  cycle: PollCycle,
  client: DeadlineClient,
  queue: QueueRef,
  handled: ReadonlySet<string>,
): Promise<void> {
  const since = cycle.now().getTime() - FOLLOW_FINISHED_JOB_SESSIONS_MS;
  // A job still active was listed or read by the walk (which lists its sessions when it can).
  const followed = new Set(cycle.activeIn(queue.arn, 'deadline-job').map((job) => job.arn));
  for (const [jobArn, sessions] of cycle.activeChildrenOf(queue.arn, 'deadline-session')) {
    const session = sessions.find((s) => Date.parse(s.observedAt) >= since);
    if (handled.has(jobArn) || followed.has(jobArn) || session === undefined) continue;
    try {
      await recordSessions(cycle, client, parentOfSession(session), true, false);
    } catch (error) {
      cycle.failed({ scope: queue.arn, kind: 'deadline-session', resource: jobArn }, error);
    }
  }
}

/**
 * Records a job and, unless it is history (finished when a baseline poll
 * first saw it), its sessions first, so the job's event can be read with
 * its sessions' states already recorded.
 */
export async function recordJob(
  cycle: PollCycle,
  client: DeadlineClient,
  stored: StoredState | undefined,
  observation: Observation,
  baseline: boolean,
  sessionReads?: SessionReads,
): Promise<void> {
  // A job not in the active index may still be stored (recorded by an event,
  // or by a cycle that failed before its cursor moved): read it once.
  const previous = stored ?? (await cycle.store.getLatest(observation.scope, observation.kind, observation.arn));
  const history = baseline && isTerminal('deadline-job', observation.status);
  const finishedBefore = previous?.terminal === true && previous.status === observation.status;
  if (observation.status === GONE_STATUS) await recordSessionsGone(cycle, observation.arn, baseline);
  else if (!history && !finishedBefore)
    await recordSessions(cycle, client, observation, previous !== undefined, baseline, sessionReads);
  await cycle.record(previous, observation, baseline);
}

/**
 * How many sessions one recording may read with GetSession (one call each).
 * The event path sets it: a large job's event must finish within its
 * Lambda's time, and the sessions it leaves the next poll reads.
 */
export interface SessionReads {
  left: number;
  /** Sessions that changed but were left for the next poll. */
  skipped: number;
}

/**
 * A job whose deletion two reads confirmed (gone.ts) took its sessions with
 * it: the ones still active are recorded gone too, without a ListSessions
 * that could only answer NotFound.
 */
async function recordSessionsGone(cycle: PollCycle, jobArn: string, baseline: boolean): Promise<void> {
  const at = cycle.now().toISOString();
  for (const session of await cycle.store.loadScope(jobArn)) {
    if (session.terminal !== true) await cycle.record(session, goneObservation(session, at), baseline);
  }
}

/**
 * Lists a job's sessions; reads each new or changed one with GetSession and
 * records it. Stored sessions are read only for a job recorded before
 * (`jobKnown`): a new job has none.
 */
export async function recordSessions(
  cycle: PollCycle,
  client: DeadlineClient,
  job: SessionParent,
  jobKnown: boolean,
  baseline: boolean,
  reads?: SessionReads,
): Promise<void> {
  const ids = job.deadline;
  if (ids === undefined) return;
  const page = await listSessions(client, { farmId: ids.farmId, queueId: ids.queueId, jobId: ids.jobId }, cycle.now);
  const stored = !jobKnown
    ? new Map<string, StoredState>()
    : new Map((await cycle.store.loadScope(job.arn)).map((s) => [s.arn, s]));
  if (page === undefined) {
    // ListSessions answered NotFound: the job was deleted, or the answer was
    // transient. Each active session is recorded gone only when the next
    // cycle's read answers NotFound too (gone.ts).
    for (const session of stored.values()) {
      if (session.terminal !== true) await cycle.notFound(session, (gone) => cycle.record(session, gone, baseline));
    }
    return;
  }
  for (const summary of page.items) {
    const brief = deadlineSessionObservation(summary, job, page.at.toISOString());
    if (brief === undefined) {
      cycle.malformed(job.arn, 'deadline-session');
      continue;
    }
    const previous = stored.get(brief.arn);
    if (previous !== undefined && previous.status === brief.status && previous.stopped === brief.stopped) continue;
    if (reads !== undefined) {
      // Unchanged in the table, so the next poll finds it changed and reads it then.
      if (reads.left <= 0) {
        reads.skipped++;
        continue;
      }
      reads.left--;
    }
    const full =
      summary.sessionId === undefined
        ? undefined
        : await getSession(client, {
            farmId: ids.farmId,
            queueId: ids.queueId,
            jobId: ids.jobId,
            sessionId: summary.sessionId,
          });
    const observation = full === undefined ? brief : deadlineSessionObservation(full, job, cycle.now().toISOString());
    if (observation !== undefined) await cycle.record(previous, observation, baseline);
  }
}
