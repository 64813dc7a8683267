/**
 * The yardstick: the straightforward poller Vigil is compared with. Every
 * cycle it lists everything (every page of every list, the jobs of every
 * run, the sessions of every Deadline job), calls Get for every item it
 * listed, and writes every observation (BatchWriteItem, 25 a request),
 * without reading what it stored before. Not product code.
 *
 * It can poll a sample of the projects (queues): every project of a bench
 * fleet has the same shape, so per-project counts multiplied by the number of
 * projects are the full fleet's counts, exactly.
 */
import { type DeadlineClient, GetJobCommand, GetSessionCommand } from '@aws-sdk/client-deadline';
import {
  type DeviceFarmClient,
  GetJobCommand as GetDeviceFarmJobCommand,
  GetRemoteAccessSessionCommand,
  GetRunCommand,
  GetTestGridSessionCommand,
} from '@aws-sdk/client-device-farm';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapBounded } from '../../lambda/core/concurrency';
import type { Observation } from '../../lambda/core/observation';
import type { Tally } from '../../lambda/core/tally';
import { queueArn } from '../../lambda/observe/deadline/arns';
import { deadlineJobObservation, deadlineSessionObservation } from '../../lambda/observe/deadline/map';
import { jobPages, listFarms, listQueues, listSessions } from '../../lambda/observe/deadline/pages';
import {
  jobObservation,
  remoteAccessObservation,
  runObservation,
  testGridObservation,
} from '../../lambda/observe/device-farm/map';
import {
  listJobs,
  listProjects,
  listTestGridProjects,
  remoteAccessPages,
  runPages,
  testGridSessionPages,
} from '../../lambda/observe/device-farm/pages';
import type { Page } from '../../lambda/observe/page';

/** Requests in flight at once: the naive poller is not rate-aware, only bounded. */
const CONCURRENCY = 8;
const BATCH = 25;

/** Writes every observation it is given, 25 items a BatchWriteItem request. */
export class NaiveWriter {
  private pending: Record<string, unknown>[] = [];
  items = 0;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async write(observation: Observation | undefined): Promise<void> {
    if (observation === undefined) return;
    this.pending.push({ pk: `N#${observation.scope}`, sk: observation.arn, entity: 'naive', ...observation });
    if (this.pending.length >= BATCH) await this.flush(BATCH);
  }

  /** Writes what is pending in requests of 25; with `atLeast`, only while that many are waiting. */
  async flush(atLeast = 1): Promise<void> {
    while (this.pending.length >= atLeast && this.pending.length > 0) {
      const chunk = this.pending.splice(0, BATCH);
      this.items += chunk.length;
      let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const out = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }
}

/** What a naive cycle did, with per-scope calls kept apart so a sample can be scaled. */
export interface NaiveCycle {
  /** Account-level calls (ListProjects, ListFarms, ...): made once whatever the sample. */
  readonly accountCalls: Record<string, number>;
  /** Calls made for the sampled scopes. */
  readonly scopeCalls: Record<string, number>;
  readonly sampled: number;
  readonly scopes: number;
  readonly observations: number;
}

/** Every item of every page: the naive poller reads every list to its end, with Vigil's own page readers. */
async function all<T>(pages: AsyncIterable<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page.items);
  return out;
}

const now = () => new Date();

async function settledOrThrow<T>(results: Promise<PromiseSettledResult<T>[]>): Promise<T[]> {
  return (await results).map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
}

/** One naive Device Farm cycle over the first `sample` projects. */
export async function naiveDeviceFarmCycle(
  client: DeviceFarmClient,
  writer: NaiveWriter,
  tally: Tally,
  sample: number,
): Promise<NaiveCycle> {
  const start = tally.snapshot();
  const projects = await listProjects(client);
  const gridProjects = await listTestGridProjects(client);
  const accountCalls = tally.since(start);
  const afterAccount = tally.snapshot();
  let observations = 0;
  const write = async (o: Observation | undefined) => {
    if (o === undefined) return;
    observations++;
    await writer.write(o);
  };
  const chosen = projects.slice(0, sample);
  for (const project of chosen) {
    const ref = { arn: project.arn as string, name: project.name };
    const runs = await all(runPages(client, ref.arn, now));
    await settledOrThrow(
      mapBounded(runs, CONCURRENCY, async (listed) => {
        const run = (await client.send(new GetRunCommand({ arn: listed.arn }))).run ?? listed;
        const at = new Date().toISOString();
        const runRef = { arn: run.arn as string, name: run.name };
        const jobs = (await listJobs(client, runRef.arn, now)).items;
        for (const job of jobs) {
          const full = (await client.send(new GetDeviceFarmJobCommand({ arn: job.arn }))).job ?? job;
          await write(jobObservation(full, runRef, ref, new Date().toISOString()));
        }
        await write(runObservation(run, ref, at));
      }),
    );
    for (const listed of await all(remoteAccessPages(client, ref.arn, now))) {
      const session = (await client.send(new GetRemoteAccessSessionCommand({ arn: listed.arn }))).remoteAccessSession;
      await write(remoteAccessObservation(session ?? listed, ref, new Date().toISOString()));
    }
  }
  for (const grid of gridProjects.slice(0, sample)) {
    const ref = { arn: grid.arn as string, name: grid.name };
    for (const listed of await all(testGridSessionPages(client, ref.arn, undefined, now))) {
      const session = (await client.send(new GetTestGridSessionCommand({ sessionArn: listed.arn }))).testGridSession;
      await write(testGridObservation(session ?? listed, ref, new Date().toISOString()));
    }
  }
  await writer.flush();
  return {
    accountCalls,
    scopeCalls: tally.since(afterAccount),
    sampled: chosen.length,
    scopes: projects.length,
    observations,
  };
}

/** One naive Deadline cycle over the first `sample` queues. */
export async function naiveDeadlineCycle(
  client: DeadlineClient,
  writer: NaiveWriter,
  tally: Tally,
  sample: number,
  location: { region: string; accountId: string },
): Promise<NaiveCycle> {
  const start = tally.snapshot();
  const farms = await listFarms(client);
  const queues = [];
  for (const farm of farms) {
    const listed = await listQueues(client, farm.farmId as string);
    queues.push(...listed.map((q) => ({ farm, queue: q })));
  }
  const accountCalls = tally.since(start);
  const afterAccount = tally.snapshot();
  let observations = 0;
  const chosen = queues.slice(0, sample);
  for (const { farm, queue } of chosen) {
    const farmId = farm.farmId as string;
    const queueId = queue.queueId as string;
    const ref = {
      arn: queueArn(location, farmId, queueId),
      farmId,
      queueId,
      ...(queue.displayName === undefined ? {} : { name: queue.displayName }),
      ...(farm.displayName === undefined ? {} : { farmName: farm.displayName }),
    };
    const jobs = await all(jobPages(client, farmId, queueId, now));
    await settledOrThrow(
      mapBounded(jobs, CONCURRENCY, async (summary) => {
        const ids = { farmId, queueId, jobId: summary.jobId as string };
        const job = await client.send(new GetJobCommand(ids));
        const observation = deadlineJobObservation(job, ref, location, new Date().toISOString());
        if (observation === undefined) return;
        observations++;
        await writer.write(observation);
        const sessions = (await listSessions(client, ids, now))?.items ?? [];
        for (const s of sessions) {
          const full = await client.send(new GetSessionCommand({ ...ids, sessionId: s.sessionId }));
          const session = deadlineSessionObservation(full, observation, new Date().toISOString());
          if (session === undefined) continue;
          observations++;
          await writer.write(session);
        }
      }),
    );
  }
  await writer.flush();
  return {
    accountCalls,
    scopeCalls: tally.since(afterAccount),
    sampled: chosen.length,
    scopes: queues.length,
    observations,
  };
}

/** The full fleet's counts from a sampled cycle: per-scope counts × scopes / sampled, plus the account-level ones. */
export function scaled(
  cycle: NaiveCycle,
  account: Record<string, number>,
  counts: Record<string, number>,
): Record<string, number> {
  const factor = cycle.scopes / Math.max(1, cycle.sampled);
  const out: Record<string, number> = { ...account };
  for (const [name, n] of Object.entries(counts)) out[name] = (out[name] ?? 0) + n * factor;
  return out;
}
