/**
 * The event fast path: one Deadline Cloud EventBridge event in, the same
 * observation and recording code as the poll out. The event says which job
 * changed; GetJob (and, for the job's sessions, ListSessions/GetSession)
 * says what it looks like now. A transition seen by an event and again by
 * the next poll is recorded once (the second finds nothing changed), and an
 * event that never arrives is caught by the poll.
 */
import type { DeadlineClient } from '@aws-sdk/client-deadline';
import * as z from 'zod';
import type { Settings } from '../../config/settings';
import { errorFields, type Log } from '../../core/log';
import type { ChangeEvent } from '../../record/change-event';
import type { StateStore } from '../../record/history-store';
import type { Clock } from '../page';
import { matchesAny, PollCycle } from '../poll-cycle-base';
import { queueArn } from './arns';
import { DEADLINE_EVENT_SOURCE, DEADLINE_JOB_EVENT_TYPES, DEADLINE_TASK_EVENT_TYPES } from './event-types';
import { deadlineJobObservation, type QueueRef } from './map';
import { getFarmName, getJob, getQueueName } from './pages';
import { recordJob, type SessionReads } from './poll-cycle';

const eventSchema = z.looseObject({
  id: z.string(),
  'detail-type': z.string(),
  source: z.literal(DEADLINE_EVENT_SOURCE),
  account: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  detail: z.looseObject({
    farmId: z.string().regex(/^farm-[0-9a-f]+$/),
    queueId: z.string().regex(/^queue-[0-9a-f]+$/),
    jobId: z.string().regex(/^job-[0-9a-f]+$/),
  }),
});

export interface IngestDeps {
  readonly client: DeadlineClient;
  readonly store: StateStore;
  readonly settings: Settings;
  readonly log: Log;
  /** @default () => new Date() */
  readonly now?: Clock;
  /** Farm and queue names by ID, kept for the life of the container. */
  readonly names?: Map<string, string | undefined>;
  /**
   * GetSession calls one event may make (a large job's event must finish in
   * the function's 30 s; the next poll reads the sessions it leaves).
   * @default DEFAULT_EVENT_SESSION_READS
   */
  readonly maxSessionReads?: number;
}

/** GetSession calls per event: a few seconds of calls, well inside the ingest function's 30 s. */
export const DEFAULT_EVENT_SESSION_READS = 20;

/** What one event led to. */
export type IngestOutcome =
  | { readonly outcome: 'recorded'; readonly events: readonly ChangeEvent[] }
  | { readonly outcome: 'ignored'; readonly reason: string }
  | { readonly outcome: 'rejected'; readonly reason: string };

async function nameOf(key: string, names: Map<string, string | undefined>, read: () => Promise<string | undefined>) {
  if (!names.has(key)) names.set(key, await read());
  return names.get(key);
}

/**
 * Records what one event reports. An event Vigil cannot read is rejected
 * (logged, not retried: retrying cannot fix it); one for a farm or queue the
 * settings exclude, or a detail type Vigil does not follow, is ignored.
 */
export async function ingestDeadlineEvent(input: unknown, deps: IngestDeps): Promise<IngestOutcome> {
  const parsed = eventSchema.safeParse(input);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
    deps.log.error('A Deadline Cloud event could not be read; the next poll covers it', { reason });
    return { outcome: 'rejected', reason };
  }
  const event = parsed.data;
  const { farmId, queueId, jobId } = event.detail;
  const followed: readonly string[] = [...DEADLINE_JOB_EVENT_TYPES, ...DEADLINE_TASK_EVENT_TYPES];
  if (!followed.includes(event['detail-type'])) {
    return { outcome: 'ignored', reason: `detail-type ${event['detail-type']} is not followed` };
  }
  const settings = deps.settings.deadline;
  const names = deps.names ?? new Map<string, string | undefined>();
  const farmName = await nameOf(farmId, names, () => getFarmName(deps.client, farmId));
  const queueName = await nameOf(`${farmId}/${queueId}`, names, () => getQueueName(deps.client, farmId, queueId));
  const farm = { arn: farmId, id: farmId, ...(farmName === undefined ? {} : { name: farmName }) };
  const queue = { arn: queueId, id: queueId, ...(queueName === undefined ? {} : { name: queueName }) };
  if (
    (settings.farms.length > 0 && !matchesAny(farm, settings.farms)) ||
    matchesAny(farm, settings.excludeFarms) ||
    (settings.queues.length > 0 && !matchesAny(queue, settings.queues)) ||
    matchesAny(queue, settings.excludeQueues)
  ) {
    return { outcome: 'ignored', reason: `farm ${farmId} or queue ${queueId} is not followed` };
  }

  const location = { region: event.region, accountId: event.account };
  const ref: QueueRef = {
    arn: queueArn(location, farmId, queueId),
    farmId,
    queueId,
    ...(queueName === undefined ? {} : { name: queueName }),
    ...(farmName === undefined ? {} : { farmName }),
  };
  const job = await getJob(deps.client, { farmId, queueId, jobId });
  if (job === undefined) return { outcome: 'ignored', reason: `job ${jobId} no longer exists` };
  const cycle = PollCycle.forEvent('deadline', deps.store, deps.log, deps.now);
  const observation = deadlineJobObservation(job, ref, location, cycle.now().toISOString());
  if (observation === undefined) return { outcome: 'rejected', reason: 'GetJob returned no jobId' };
  const reads: SessionReads = { left: deps.maxSessionReads ?? DEFAULT_EVENT_SESSION_READS, skipped: 0 };
  try {
    await recordJob(cycle, deps.client, undefined, observation, false, reads);
  } catch (error) {
    deps.log.error('Recording a Deadline Cloud event failed', { eventId: event.id, jobId, ...errorFields(error) });
    throw error;
  }
  if (reads.skipped > 0) {
    deps.log.info('A large job: the sessions this event did not read are left for the next poll', {
      jobId,
      left: reads.skipped,
    });
  }
  return { outcome: 'recorded', events: cycle.events };
}
