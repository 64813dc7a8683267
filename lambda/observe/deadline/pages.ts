/**
 * Paged reads from the Deadline Cloud API (farms → queues → jobs → sessions).
 * Sessions can only be listed per job; GetSession adds the worker, host and
 * log errors the summary lacks.
 */

import {
  type DeadlineClient,
  type FarmSummary,
  GetFarmCommand,
  GetJobCommand,
  type GetJobResponse,
  GetQueueCommand,
  GetSessionCommand,
  type GetSessionResponse,
  type JobSummary,
  paginateListFarms,
  paginateListJobs,
  paginateListQueues,
  paginateListSessions,
  type QueueSummary,
  type SessionSummary,
} from '@aws-sdk/client-deadline';
import { errorName } from '../../core/errors';
import type { Clock, Page } from '../page';

/** ListJobs and ListSessions take at most 100 per page. */
const PAGE_SIZE = 100;

export async function listFarms(client: DeadlineClient): Promise<FarmSummary[]> {
  const farms: FarmSummary[] = [];
  for await (const page of paginateListFarms({ client }, {})) farms.push(...(page.farms ?? []));
  return farms;
}

export async function listQueues(client: DeadlineClient, farmId: string): Promise<QueueSummary[]> {
  const queues: QueueSummary[] = [];
  for await (const page of paginateListQueues({ client }, { farmId })) queues.push(...(page.queues ?? []));
  return queues;
}

export async function* jobPages(
  client: DeadlineClient,
  farmId: string,
  queueId: string,
  now: Clock,
): AsyncGenerator<Page<JobSummary>> {
  for await (const page of paginateListJobs({ client, pageSize: PAGE_SIZE }, { farmId, queueId })) {
    yield { items: page.jobs ?? [], at: now() };
  }
}

/** Every session of a job; undefined when the job is gone (ResourceNotFoundException). */
export async function listSessions(
  client: DeadlineClient,
  ids: { farmId: string; queueId: string; jobId: string },
  now: Clock,
): Promise<Page<SessionSummary> | undefined> {
  return orMissing(async () => {
    const sessions: SessionSummary[] = [];
    for await (const page of paginateListSessions({ client, pageSize: PAGE_SIZE }, ids)) {
      sessions.push(...(page.sessions ?? []));
    }
    return { items: sessions, at: now() };
  });
}

/** Reads one resource; undefined when Deadline answers ResourceNotFoundException (deleted). */
async function orMissing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

export const getJob = (
  client: DeadlineClient,
  ids: { farmId: string; queueId: string; jobId: string },
): Promise<GetJobResponse | undefined> => orMissing(() => client.send(new GetJobCommand(ids)));

export const getSession = (
  client: DeadlineClient,
  ids: { farmId: string; queueId: string; jobId: string; sessionId: string },
): Promise<GetSessionResponse | undefined> => orMissing(() => client.send(new GetSessionCommand(ids)));

export const getFarmName = async (client: DeadlineClient, farmId: string): Promise<string | undefined> =>
  (await orMissing(() => client.send(new GetFarmCommand({ farmId }))))?.displayName;

export const getQueueName = async (client: DeadlineClient, farmId: string, queueId: string) =>
  (await orMissing(() => client.send(new GetQueueCommand({ farmId, queueId }))))?.displayName;
