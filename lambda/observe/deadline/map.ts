/**
 * Deadline Cloud API objects → observations. A job's status is its
 * combined task run status (PENDING … SUCCEEDED, FAILED, NOT_COMPATIBLE);
 * a session's is its lifecycle status (STARTED … UPDATE_FAILED, ENDED).
 * Optional fields stay absent; a missing status becomes UNKNOWN; a missing
 * ID makes the item unrecordable (reported by the caller).
 */
import type { GetJobResponse, GetSessionResponse, JobSummary, SessionSummary } from '@aws-sdk/client-deadline';
import type { DeadlineDetail, Observation } from '../../core/observation';
import { isoOf } from '../poll-cycle-base';
import { type DeadlineLocation, jobArn, sessionKey } from './arns';

/** Status recorded when the API omitted one. */
export const MISSING_STATUS = 'UNKNOWN';

/** A queue, the scope of its jobs, with the names messages show. */
export interface QueueRef {
  /** The queue's ARN: the scope its jobs are stored and loaded under. */
  readonly arn: string;
  readonly name?: string;
  readonly farmId: string;
  readonly farmName?: string;
  readonly queueId: string;
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A job, from ListJobs (JobSummary) or GetJob. Undefined without a job ID. */
export function deadlineJobObservation(
  job: JobSummary | GetJobResponse,
  queue: QueueRef,
  at: DeadlineLocation,
  observedAt: string,
): Observation | undefined {
  if (job.jobId === undefined) return undefined;
  const arn = jobArn(at, queue.farmId, queue.queueId, job.jobId);
  const detail: DeadlineDetail = compact({
    farmId: queue.farmId,
    farmName: queue.farmName,
    queueId: queue.queueId,
    queueName: queue.name,
    jobId: job.jobId,
    lifecycleStatus: job.lifecycleStatus,
    taskRunStatusCounts: counts(job.taskRunStatusCounts),
    priority: job.priority,
  });
  return compact({
    service: 'deadline' as const,
    kind: 'deadline-job' as const,
    arn,
    name: job.name ?? job.jobId,
    scope: queue.arn,
    project: compact({ arn: queue.arn, name: queue.name }),
    status: job.taskRunStatus ?? MISSING_STATUS,
    created: isoOf(job.createdAt),
    started: isoOf(job.startedAt),
    stopped: isoOf(job.endedAt),
    // Lifecycle messages are boilerplate ("Job creation complete.") except when the lifecycle failed.
    message: job.lifecycleStatus?.endsWith('_FAILED') ? job.lifecycleStatusMessage || undefined : undefined,
    deadline: detail,
    observedAt,
  });
}

/** Task counts without zero entries, so a count appearing at 0 is not a change. */
function counts(value: Partial<Record<string, number>> | undefined): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  const nonZero = Object.entries(value).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0);
  return Object.fromEntries(nonZero.sort(([a], [b]) => a.localeCompare(b)));
}

/** What a session's observation takes from its job. */
export type SessionParent = Pick<Observation, 'arn' | 'name' | 'project' | 'deadline'>;

/** A session's job as the session's own stored state names it (for a job whose state was not read). */
export function parentOfSession(session: Observation): SessionParent {
  const { farmId, farmName, queueId, queueName, jobId } = session.deadline ?? {};
  return {
    arn: session.scope,
    name: session.parentName ?? session.scope,
    project: session.project,
    deadline:
      farmId === undefined || queueId === undefined || jobId === undefined
        ? undefined
        : compact({ farmId, farmName, queueId, queueName, jobId }),
  };
}

/** A session, from ListSessions (summary) or GetSession (with worker, host and log errors). */
export function deadlineSessionObservation(
  session: SessionSummary | GetSessionResponse,
  job: SessionParent,
  observedAt: string,
): Observation | undefined {
  if (session.sessionId === undefined || job.deadline === undefined) return undefined;
  const full = session as Partial<GetSessionResponse>;
  const detail: DeadlineDetail = compact({
    farmId: job.deadline.farmId,
    farmName: job.deadline.farmName,
    queueId: job.deadline.queueId,
    queueName: job.deadline.queueName,
    jobId: job.deadline.jobId,
    sessionId: session.sessionId,
    workerId: session.workerId,
    fleetId: session.fleetId,
    hostName: full.hostProperties?.hostName,
    ec2InstanceType: full.hostProperties?.ec2InstanceType,
    logError: full.log?.error || undefined,
    workerLogError: full.workerLog?.error || undefined,
  });
  return compact({
    service: 'deadline' as const,
    kind: 'deadline-session' as const,
    arn: sessionKey(job.arn, session.sessionId),
    name: session.sessionId,
    scope: job.arn,
    project: job.project,
    parentArn: job.arn,
    parentName: job.name,
    status: session.lifecycleStatus ?? MISSING_STATUS,
    created: isoOf(session.startedAt),
    started: isoOf(session.startedAt),
    stopped: isoOf(session.endedAt),
    deadline: detail,
    observedAt,
  });
}
