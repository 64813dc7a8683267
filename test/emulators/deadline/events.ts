/**
 * The EventBridge events Deadline Cloud sends for job and task transitions, in the
 * documented shape (developer guide, "Deadline Cloud events detail reference"), so
 * tests can feed Vigil's ingest path exactly what the service would have sent.
 *
 * Delivery is best effort in production: tests may drop or repeat these events to
 * check that polling reconciles.
 */
import { createHash, randomUUID } from 'node:crypto';
import { deadlineId, hex32 } from './ids';
import {
  DEFAULT_DEADLINE_ACCOUNT_ID,
  DEFAULT_DEADLINE_REGION,
  DEFAULT_JOB_LIFECYCLE_STATUS,
  type DeadlineScenario,
  type JobStateAt,
  ScenarioClock,
  type TaskRunStatusCounts,
  Timeline,
} from './scenario';

/** Every task run status, in the order of the documented `taskRunStatusCounts`. */
export const TASK_RUN_STATUSES = [
  'PENDING',
  'READY',
  'RUNNING',
  'ASSIGNED',
  'STARTING',
  'SCHEDULED',
  'INTERRUPTING',
  'SUSPENDED',
  'CANCELED',
  'FAILED',
  'SUCCEEDED',
  'NOT_COMPATIBLE',
] as const;

/** A documented task run status. */
export type TaskRunStatus = (typeof TASK_RUN_STATUSES)[number];

/** `taskRunStatusCounts` of a Job Run Status Change: every documented status (0 when none), plus any unknown ones. */
export type EventTaskRunStatusCounts = Record<TaskRunStatus, number> & Record<string, number>;

/** The EventBridge envelope of a Deadline Cloud event. */
export interface DeadlineEvent<TDetailType extends string, TDetail> {
  version: '0';
  id: string;
  'detail-type': TDetailType;
  source: 'aws.deadline';
  account: string;
  /** ISO-8601 without fractional seconds, as EventBridge writes it. */
  time: string;
  region: string;
  resources: string[];
  detail: TDetail;
}

/** Detail of `Job Run Status Change`. */
export interface JobRunStatusChangeDetail {
  farmId: string;
  queueId: string;
  jobId: string;
  /** Absent on the event of a job's creation. */
  previousTaskRunStatus?: string;
  taskRunStatus: string;
  taskRunStatusCounts: EventTaskRunStatusCounts;
}

/** Detail of `Job Lifecycle Status Change`. */
export interface JobLifecycleStatusChangeDetail {
  farmId: string;
  queueId: string;
  jobId: string;
  /** Absent on the event of a job's creation. */
  previousLifecycleStatus?: string;
  lifecycleStatus: string;
}

/** Detail of `Task Run Status Change`. */
export interface TaskRunStatusChangeDetail {
  farmId: string;
  queueId: string;
  jobId: string;
  stepId: string;
  taskId: string;
  /** Task events name their fields runStatus/previousRunStatus (job and step events say taskRunStatus). */
  previousRunStatus: string;
  runStatus: string;
}

export type JobRunStatusChangeEvent = DeadlineEvent<'Job Run Status Change', JobRunStatusChangeDetail>;
export type JobLifecycleStatusChangeEvent = DeadlineEvent<
  'Job Lifecycle Status Change',
  JobLifecycleStatusChangeDetail
>;
export type TaskRunStatusChangeEvent = DeadlineEvent<'Task Run Status Change', TaskRunStatusChangeDetail>;

/** Any event {@link eventsBetween} produces. */
export type DeadlineJobEvent = JobRunStatusChangeEvent | JobLifecycleStatusChangeEvent | TaskRunStatusChangeEvent;

/** Envelope values of one event. */
export interface EventEnvelopeOptions {
  account: string;
  region: string;
  time: Date;
  /** Defaults to a random UUID. */
  id?: string;
}

/** Full documented counts: missing statuses are 0; unknown keys pass through. */
export function eventCounts(counts: TaskRunStatusCounts | undefined): EventTaskRunStatusCounts {
  const full = Object.fromEntries(TASK_RUN_STATUSES.map((status) => [status, 0])) as EventTaskRunStatusCounts;
  for (const [status, count] of Object.entries(counts ?? {})) if (count !== undefined) full[status] = count;
  return full;
}

/** Builds a `Job Run Status Change` event. */
export function jobRunStatusChangeEvent(
  detail: JobRunStatusChangeDetail,
  envelope: EventEnvelopeOptions,
): JobRunStatusChangeEvent {
  return wrap('Job Run Status Change', detail, envelope);
}

/** Builds a `Job Lifecycle Status Change` event. */
export function jobLifecycleStatusChangeEvent(
  detail: JobLifecycleStatusChangeDetail,
  envelope: EventEnvelopeOptions,
): JobLifecycleStatusChangeEvent {
  return wrap('Job Lifecycle Status Change', detail, envelope);
}

/** Builds a `Task Run Status Change` event. */
export function taskRunStatusChangeEvent(
  detail: TaskRunStatusChangeDetail,
  envelope: EventEnvelopeOptions,
): TaskRunStatusChangeEvent {
  return wrap('Task Run Status Change', detail, envelope);
}

/** Synthetic step id used for a job's task events (the scenario does not model steps). */
export function syntheticStepId(jobId: string): string {
  return deadlineId('step', jobId);
}

/** Synthetic task id `task-<32 hex>-<index>` of a job's `index`-th task. */
export function syntheticTaskId(jobId: string, index: number): string {
  return `task-${hex32('task', jobId)}-${index}`;
}

/** Account and region of the events; default to the scenario's (then `123456789012`, `us-west-2`). */
export interface EventsBetweenOptions {
  account?: string;
  region?: string;
}

/**
 * The events Deadline would have emitted for every job transition in `(fromStep, toStep]`,
 * oldest first, each stamped with its transition's time:
 *
 * - a job's first entry (creation): `Job Lifecycle Status Change` without
 *   `previousLifecycleStatus`, and `Job Run Status Change` without `previousTaskRunStatus`;
 * - a later entry whose `lifecycleStatus` differs: `Job Lifecycle Status Change`;
 * - a later entry whose `taskRunStatus` differs: `Job Run Status Change`;
 * - an entry whose `taskRunStatusCounts.FAILED` rose by n: n `Task Run Status Change`
 *   events (RUNNING → FAILED) with synthetic step and task ids (tasks numbered from the
 *   previous FAILED count).
 *
 * Within one transition the order is lifecycle, task failures, job run status. Event ids
 * are deterministic (same scenario, same ids), so tests can check de-duplication.
 */
export function eventsBetween(
  scenario: DeadlineScenario,
  fromStep: number,
  toStep: number,
  options: EventsBetweenOptions = {},
): DeadlineJobEvent[] {
  if (toStep < fromStep) throw new Error(`eventsBetween: toStep ${toStep} is before fromStep ${fromStep}`);
  const clock = new ScenarioClock(scenario.startTime, scenario.stepSeconds);
  const account = options.account ?? scenario.accountId ?? DEFAULT_DEADLINE_ACCOUNT_ID;
  const region = options.region ?? scenario.region ?? DEFAULT_DEADLINE_REGION;
  const timed: { ms: number; seq: number; event: DeadlineJobEvent }[] = [];

  for (const farm of scenario.farms) {
    for (const queue of farm.queues) {
      for (const job of queue.jobs) {
        const ids = { farmId: farm.id, queueId: queue.id, jobId: job.id };
        const entries = new Timeline<JobStateAt>(job.timeline, `job ${job.id}`).entries;
        entries.forEach((entry, i) => {
          if (entry.step <= fromStep || entry.step > toStep) return;
          const previous = i === 0 ? undefined : entries[i - 1];
          const time = new Date(clock.msAt(entry.step));
          const push = (event: DeadlineJobEvent): void => {
            timed.push({ ms: time.getTime(), seq: timed.length, event });
          };
          const envelope = (kind: string, index = 0): EventEnvelopeOptions => ({
            account,
            region,
            time,
            id: eventId(kind, job.id, entry.step, i, index),
          });

          const lifecycle = entry.lifecycleStatus ?? DEFAULT_JOB_LIFECYCLE_STATUS;
          const previousLifecycle =
            previous === undefined ? undefined : (previous.lifecycleStatus ?? DEFAULT_JOB_LIFECYCLE_STATUS);
          if (previousLifecycle !== lifecycle) {
            const detail: JobLifecycleStatusChangeDetail =
              previousLifecycle === undefined
                ? { ...ids, lifecycleStatus: lifecycle }
                : { ...ids, previousLifecycleStatus: previousLifecycle, lifecycleStatus: lifecycle };
            push(jobLifecycleStatusChangeEvent(detail, envelope('lifecycle')));
          }

          const failedBefore = previous?.taskRunStatusCounts?.FAILED ?? 0;
          const failedNow = entry.taskRunStatusCounts?.FAILED;
          if (failedNow !== undefined && failedNow > failedBefore) {
            for (let task = failedBefore; task < failedNow; task += 1) {
              push(
                taskRunStatusChangeEvent(
                  {
                    ...ids,
                    stepId: syntheticStepId(job.id),
                    taskId: syntheticTaskId(job.id, task),
                    previousRunStatus: 'RUNNING',
                    runStatus: 'FAILED',
                  },
                  envelope('task', task),
                ),
              );
            }
          }

          if (previous === undefined || previous.taskRunStatus !== entry.taskRunStatus) {
            const current = {
              taskRunStatus: entry.taskRunStatus,
              taskRunStatusCounts: eventCounts(entry.taskRunStatusCounts),
            };
            const detail: JobRunStatusChangeDetail =
              previous === undefined
                ? { ...ids, ...current }
                : { ...ids, previousTaskRunStatus: previous.taskRunStatus, ...current };
            push(jobRunStatusChangeEvent(detail, envelope('run')));
          }
        });
      }
    }
  }
  return timed.sort((a, b) => a.ms - b.ms || a.seq - b.seq).map((entry) => entry.event);
}

function wrap<TDetailType extends string, TDetail>(
  detailType: TDetailType,
  detail: TDetail,
  envelope: EventEnvelopeOptions,
): DeadlineEvent<TDetailType, TDetail> {
  return {
    version: '0',
    id: envelope.id ?? randomUUID(),
    'detail-type': detailType,
    source: 'aws.deadline',
    account: envelope.account,
    time: envelope.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: envelope.region,
    resources: [],
    detail,
  };
}

/** A UUID-shaped id derived from the transition, so repeated calls yield the same ids. */
function eventId(kind: string, jobId: string, step: number, entryIndex: number, index: number): string {
  const hex = createHash('sha256').update(`${kind}|${jobId}|${step}|${entryIndex}|${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
