/**
 * Paged reads from the Device Farm API. Each yields pages with the instant
 * the page arrived, which becomes the observation time of its items.
 * ListRemoteAccessSessions has no SDK paginator, so it loops on nextToken.
 */

import {
  type DeviceFarmClient,
  GetRemoteAccessSessionCommand,
  GetRunCommand,
  GetTestGridSessionCommand,
  type Job,
  ListRemoteAccessSessionsCommand,
  type Project,
  paginateListJobs,
  paginateListProjects,
  paginateListRuns,
  paginateListTestGridProjects,
  paginateListTestGridSessions,
  paginateListUniqueProblems,
  type RemoteAccessSession,
  type Run,
  type TestGridProject,
  type TestGridSession,
  type UniqueProblem,
} from '@aws-sdk/client-device-farm';
import { errorName } from '../../core/errors';

import type { Clock, Page } from '../page';

export type { Clock, Page } from '../page';

export async function listProjects(client: DeviceFarmClient): Promise<Project[]> {
  const projects: Project[] = [];
  for await (const page of paginateListProjects({ client }, {})) projects.push(...(page.projects ?? []));
  return projects;
}

export async function listTestGridProjects(client: DeviceFarmClient): Promise<TestGridProject[]> {
  const projects: TestGridProject[] = [];
  for await (const page of paginateListTestGridProjects({ client }, {})) {
    projects.push(...(page.testGridProjects ?? []));
  }
  return projects;
}

export async function* runPages(client: DeviceFarmClient, projectArn: string, now: Clock): AsyncGenerator<Page<Run>> {
  for await (const page of paginateListRuns({ client }, { arn: projectArn })) {
    yield { items: page.runs ?? [], at: now() };
  }
}

export async function* remoteAccessPages(
  client: DeviceFarmClient,
  projectArn: string,
  now: Clock,
): AsyncGenerator<Page<RemoteAccessSession>> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListRemoteAccessSessionsCommand({ arn: projectArn, nextToken }));
    yield { items: page.remoteAccessSessions ?? [], at: now() };
    nextToken = page.nextToken;
  } while (nextToken !== undefined && nextToken !== '');
}

export async function* testGridSessionPages(
  client: DeviceFarmClient,
  projectArn: string,
  createdAfter: Date | undefined,
  now: Clock,
): AsyncGenerator<Page<TestGridSession>> {
  const input = createdAfter === undefined ? { projectArn } : { projectArn, creationTimeAfter: createdAfter };
  for await (const page of paginateListTestGridSessions({ client }, input)) {
    yield { items: page.testGridSessions ?? [], at: now() };
  }
}

/** Every job of a run (a run has at most a few hundred), and when the last page arrived. */
export async function listJobs(client: DeviceFarmClient, runArn: string, now: Clock): Promise<Page<Job>> {
  const jobs: Job[] = [];
  for await (const page of paginateListJobs({ client }, { arn: runArn })) jobs.push(...(page.jobs ?? []));
  return { items: jobs, at: now() };
}

/**
 * Every unique problem of a run, page by page (ListUniqueProblems, one call
 * for the whole run: each unique problem names the jobs, suites, tests and
 * devices it happened on), keyed by result as the API returns them.
 */
export async function listUniqueProblems(
  client: DeviceFarmClient,
  runArn: string,
): Promise<Partial<Record<string, UniqueProblem[]>>[]> {
  const pages: Partial<Record<string, UniqueProblem[]>>[] = [];
  for await (const page of paginateListUniqueProblems({ client }, { arn: runArn })) {
    pages.push(page.uniqueProblems ?? {});
  }
  return pages;
}

/** Reads one resource; undefined when Device Farm answers NotFoundException (deleted). */
async function orMissing<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

export const getRun = (client: DeviceFarmClient, arn: string) =>
  orMissing(async () => (await client.send(new GetRunCommand({ arn }))).run);

export const getRemoteAccessSession = (client: DeviceFarmClient, arn: string) =>
  orMissing(async () => (await client.send(new GetRemoteAccessSessionCommand({ arn }))).remoteAccessSession);

export const getTestGridSession = (client: DeviceFarmClient, arn: string) =>
  orMissing(async () => (await client.send(new GetTestGridSessionCommand({ sessionArn: arn }))).testGridSession);
