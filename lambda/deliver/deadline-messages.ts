/**
 * The words of Deadline Cloud notices: a job reaching a status that matters,
 * and a job's sessions failing. IDs are shown as the AWS CLI takes them, with
 * the command that shows the job.
 */
import type { DeadlineDetail, Observation } from '../core/observation';
import type { ChangeEvent } from '../record/change-event';
import type { MessageParts, Severity } from './notification';
import type { ChangeNotice } from './rules';
import { named, subject } from './subject';

export type { Severity } from './notification';

const SEVERITY: Readonly<Record<string, Severity>> = {
  FAILED: 'error',
  NOT_COMPATIBLE: 'error',
  UPDATE_FAILED: 'error',
  CANCELED: 'warning',
  SUSPENDED: 'warning',
  SUCCEEDED: 'info',
};

function nameAndId(name: string | undefined, id: string): string {
  return name === undefined || name === id ? id : `${name} (${id})`;
}

/** "40: FAILED 12, SUCCEEDED 28" from a job's task counts. */
export function describeTasks(counts: Readonly<Record<string, number>> | undefined): string | undefined {
  if (counts === undefined) return undefined;
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (entries.length === 0) return undefined;
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return `${total}: ${entries
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status} ${n}`)
    .join(', ')}`;
}

function taskSummary(status: string, counts: Readonly<Record<string, number>> | undefined): string {
  const total = Object.values(counts ?? {}).reduce((sum, n) => sum + n, 0);
  if (total === 0) return '';
  const failed = counts?.FAILED ?? 0;
  if (failed > 0) return ` (${failed} of ${total} tasks failed)`;
  const done = counts?.SUCCEEDED ?? 0;
  return status === 'SUCCEEDED' ? ` (${total} tasks)` : ` (${done} of ${total} tasks succeeded)`;
}

function cliCommand(d: DeadlineDetail, region: string | undefined): string {
  return `aws deadline get-job --farm-id ${d.farmId} --queue-id ${d.queueId} --job-id ${d.jobId}${region ? ` --region ${region}` : ''}`;
}

/** The region in a Deadline ARN. */
function regionOf(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

function transition(event: ChangeEvent): string {
  return event.from === undefined || event.from.status === event.to.status
    ? event.to.status
    : `${event.from.status} → ${event.to.status}`;
}

/** Lines describing failed sessions, with where they ran and why they failed. */
function sessionLines(sessions: readonly ChangeEvent[]): string[] {
  return sessions.flatMap((s) => {
    const d = s.state.deadline;
    const where = [
      d?.workerId && `worker ${d.workerId}`,
      d?.fleetId && `fleet ${d.fleetId}`,
      d?.hostName && `host ${d.hostName}`,
      d?.ec2InstanceType,
    ].filter(Boolean);
    return [
      `- ${s.to.status}  session ${s.state.name}${where.length ? ` on ${where.join(', ')}` : ''}`,
      ...(d?.logError ? [`  log error: ${d.logError}`] : []),
      ...(d?.workerLogError ? [`  worker log error: ${d.workerLogError}`] : []),
    ];
  });
}

function jobRows(job: Observation, event: ChangeEvent): [string, string | undefined][] {
  const d = job.deadline;
  return [
    ['Job', d === undefined ? job.name : nameAndId(job.name, d.jobId)],
    ['ARN', job.arn],
    ['Queue', d === undefined ? job.project.name : nameAndId(d.queueName, d.queueId)],
    ['Farm', d === undefined ? undefined : nameAndId(d.farmName, d.farmId)],
    ['Status', transition(event)],
    ['Tasks', describeTasks(d?.taskRunStatusCounts)],
    ['Lifecycle', d?.lifecycleStatus],
    ['Started', job.started],
    ['Ended', job.stopped],
    ['Message', job.message],
    ['AWS CLI', d === undefined ? undefined : cliCommand(d, regionOf(job.arn))],
  ];
}

/** A Deadline job reached a configured status; failed sessions of the same batch are listed with it. */
export function deadlineJobMessage(notice: ChangeNotice): MessageParts {
  const event = notice.subject;
  const job = event.state;
  const status = job.status;
  const extra: string[] = [];
  if (notice.jobs.length > 0) extra.push('', 'Sessions that failed:', ...sessionLines(notice.jobs));
  return {
    // A job named only in, say, Japanese is still told apart by its ID in the ASCII subject.
    subject: subject`${status}: Deadline job ${named(job.name, { fallback: job.deadline?.jobId })}${taskSummary(status, job.deadline?.taskRunStatusCounts)}`,
    headline: `Deadline Cloud job ${job.name} is now ${status}.`,
    severity: SEVERITY[status] ?? 'warning',
    rows: jobRows(job, event),
    extra,
  };
}

/** Sessions of one job ended badly (UPDATE_FAILED, or ENDED with a log error). */
export function deadlineSessionsMessage(notice: ChangeNotice): MessageParts {
  const first = notice.subject.state;
  const jobName = first.parentName ?? first.deadline?.jobId ?? 'unknown job';
  const n = notice.jobs.length;
  const worst = notice.jobs.some((s) => s.to.status === 'UPDATE_FAILED') ? 'UPDATE_FAILED' : 'ENDED';
  const d = first.deadline;
  return {
    subject:
      n === 1
        ? subject`${worst}: session of Deadline job ${named(jobName, { fallback: d?.jobId })}`
        : subject`${worst}: ${n} sessions of Deadline job ${named(jobName, { fallback: d?.jobId })}`,
    headline:
      n === 1
        ? `A session of Deadline Cloud job ${jobName} ended with an error.`
        : `${n} sessions of Deadline Cloud job ${jobName} ended with errors.`,
    severity: 'error',
    rows: [
      ['Job', d === undefined ? jobName : nameAndId(jobName, d.jobId)],
      ['Job ARN', first.parentArn],
      ['Queue', d === undefined ? first.project.name : nameAndId(d.queueName, d.queueId)],
      ['Farm', d === undefined ? undefined : nameAndId(d.farmName, d.farmId)],
      ['AWS CLI', d === undefined ? undefined : cliCommand(d, first.parentArn ? regionOf(first.parentArn) : undefined)],
    ],
    extra: ['', n === 1 ? 'Session:' : 'Sessions:', ...sessionLines(notice.jobs)],
  };
}
