/**
 * The Deadline Cloud operations the emulator implements: their restJson1 routes (as
 * in the SDK's schema) and each implementation, a pure function of the request and
 * the current step.
 */
import { notFound, validationError } from './errors';
import { type DeadlineIdPrefix, isDeadlineId } from './ids';
import type { DeadlineModel, FarmNode, JobNode, QueueNode } from './model';
import type { Page, PageTokens } from './pagination';

/** API version prefix of every Deadline Cloud route. */
export const API_PREFIX = '/2023-10-12';

/** Upper bound of `maxResults` on the list operations (the model's `@range(max: 100)`). */
export const MAX_RESULTS_LIMIT = 100;

/** Everything an operation may look at. */
export interface OperationContext {
  readonly model: DeadlineModel;
  readonly step: number;
  /** Server-side page cap; a smaller `maxResults` shrinks the page. */
  readonly pageSize: number;
  readonly tokens: PageTokens;
  /** The `empty-page` fault is armed for this call. */
  readonly emptyPage: boolean;
}

/** A request as the operation sees it: path labels and query parameters. */
export interface OperationRequest {
  /** Decoded path labels (`farmId`, `queueId`, ...). */
  readonly labels: Readonly<Record<string, string>>;
  /** Query parameters (first value of each). */
  readonly query: Readonly<Record<string, string>>;
}

/** Serializable reply of an operation. */
export type ResponseBody = object;

type Operation = (request: OperationRequest, ctx: OperationContext) => ResponseBody;

/** One restJson1 route. */
export interface Route {
  readonly operation: string;
  readonly method: 'GET';
  /** URI template as in the SDK's `http` trait, e.g. `/2023-10-12/farms/{farmId}`. */
  readonly uri: string;
}

/** The routes the emulator answers (method + URI template from the SDK schema). */
export const ROUTES: readonly Route[] = [
  { operation: 'ListFarms', method: 'GET', uri: `${API_PREFIX}/farms` },
  { operation: 'GetFarm', method: 'GET', uri: `${API_PREFIX}/farms/{farmId}` },
  { operation: 'ListQueues', method: 'GET', uri: `${API_PREFIX}/farms/{farmId}/queues` },
  { operation: 'GetQueue', method: 'GET', uri: `${API_PREFIX}/farms/{farmId}/queues/{queueId}` },
  { operation: 'ListJobs', method: 'GET', uri: `${API_PREFIX}/farms/{farmId}/queues/{queueId}/jobs` },
  { operation: 'GetJob', method: 'GET', uri: `${API_PREFIX}/farms/{farmId}/queues/{queueId}/jobs/{jobId}` },
  {
    operation: 'ListSessions',
    method: 'GET',
    uri: `${API_PREFIX}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/sessions`,
  },
  {
    operation: 'GetSession',
    method: 'GET',
    uri: `${API_PREFIX}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/sessions/{sessionId}`,
  },
];

/** The route matching `method` and `path`, with its decoded labels. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; labels: Record<string, string> } | { route: undefined; pathMatched: boolean } {
  const segments = path.split('/');
  let pathMatched = false;
  for (const route of ROUTES) {
    const template = route.uri.split('/');
    if (template.length !== segments.length) continue;
    const labels: Record<string, string> = {};
    let ok = true;
    template.forEach((part, i) => {
      const segment = segments[i] ?? '';
      if (part.startsWith('{') && part.endsWith('}')) {
        if (segment === '') ok = false;
        else labels[part.slice(1, -1)] = safeDecode(segment);
      } else if (part !== segment) {
        ok = false;
      }
    });
    if (!ok) continue;
    if (route.method === method) return { route, labels };
    pathMatched = true;
  }
  return { route: undefined, pathMatched };
}

/** Operation name → implementation. */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  ListFarms(request, ctx) {
    const all = ctx.model.farms.map((farm) => ctx.model.farmSummary(farm));
    const page = listPage(ctx, 'ListFarms', '', all, request);
    return withToken({ farms: page.items }, page);
  },

  GetFarm(request, ctx) {
    return ctx.model.farmView(findFarm(request, ctx));
  },

  ListQueues(request, ctx) {
    const farm = findFarm(request, ctx);
    const status = request.query.status;
    const all = farm.queues
      .map((queue) => ctx.model.queueView(queue, ctx.step))
      .filter((queue) => status === undefined || queue.status === status);
    const page = listPage(ctx, 'ListQueues', farm.spec.id, all, request);
    return withToken({ queues: page.items }, page);
  },

  GetQueue(request, ctx) {
    return ctx.model.queueView(findQueue(request, ctx), ctx.step);
  },

  ListJobs(request, ctx) {
    const queue = findQueue(request, ctx);
    const all = ctx.model.newestFirst(queue.jobs, ctx.step).map((job) => ctx.model.jobSummary(job, ctx.step));
    const page = listPage(ctx, 'ListJobs', `${queue.farm.spec.id}/${queue.spec.id}`, all, request);
    return withToken({ jobs: page.items }, page);
  },

  GetJob(request, ctx) {
    return ctx.model.jobView(findJob(request, ctx), ctx.step);
  },

  ListSessions(request, ctx) {
    const job = findJob(request, ctx);
    const all = ctx.model
      .newestFirst(job.sessions, ctx.step)
      .map((session) => ctx.model.sessionSummary(session, ctx.step));
    const scope = `${job.queue.farm.spec.id}/${job.queue.spec.id}/${job.spec.id}`;
    const page = listPage(ctx, 'ListSessions', scope, all, request);
    return withToken({ sessions: page.items }, page);
  },

  GetSession(request, ctx) {
    const job = findJob(request, ctx);
    const id = label(request, 'sessionId', 'session');
    const session = ctx.model.session(job, id);
    if (session === undefined || !ctx.model.visible(session, ctx.step)) throw notFound('session', id);
    return ctx.model.sessionView(session, ctx.step);
  },
};

/** Operation names the emulator answers. */
export const OPERATION_NAMES: readonly string[] = ROUTES.map((route) => route.operation);

/** The path label `name`, checked against the id pattern of `prefix`. */
function label(request: OperationRequest, name: string, prefix: DeadlineIdPrefix): string {
  const value = request.labels[name];
  if (!isDeadlineId(prefix, value)) {
    throw validationError(
      `Value '${value ?? ''}' at '${name}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${prefix}-[0-9a-f]{32}`,
      'FIELD_VALIDATION_FAILED',
      name,
    );
  }
  return value;
}

function findFarm(request: OperationRequest, ctx: OperationContext): FarmNode {
  const id = label(request, 'farmId', 'farm');
  const farm = ctx.model.farm(id);
  if (farm === undefined) throw notFound('farm', id);
  return farm;
}

function findQueue(request: OperationRequest, ctx: OperationContext): QueueNode {
  const farm = findFarm(request, ctx);
  const id = label(request, 'queueId', 'queue');
  const queue = ctx.model.queue(farm, id);
  if (queue === undefined) throw notFound('queue', id);
  return queue;
}

function findJob(request: OperationRequest, ctx: OperationContext): JobNode {
  const queue = findQueue(request, ctx);
  const id = label(request, 'jobId', 'job');
  const job = ctx.model.job(queue, id);
  if (job === undefined || !ctx.model.visible(job, ctx.step)) throw notFound('job', id);
  return job;
}

/** `maxResults` query parameter: an integer 1..100, or undefined. */
function maxResults(request: OperationRequest): number | undefined {
  const raw = request.query.maxResults;
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > MAX_RESULTS_LIMIT) {
    throw validationError(
      `Value '${raw}' at 'maxResults' failed to satisfy constraint: Member must be between 1 and ${MAX_RESULTS_LIMIT}`,
      'FIELD_VALIDATION_FAILED',
      'maxResults',
    );
  }
  return value;
}

function listPage<T>(
  ctx: OperationContext,
  op: string,
  scope: string,
  all: readonly T[],
  request: OperationRequest,
): Page<T> {
  const size = Math.min(maxResults(request) ?? ctx.pageSize, ctx.pageSize);
  const token = request.query.nextToken;
  return ctx.emptyPage ? ctx.tokens.emptyPage<T>(op, scope, token) : ctx.tokens.page(op, scope, all, token, size);
}

function withToken<T extends object>(body: T, page: Page<unknown>): T & { nextToken?: string } {
  return page.nextToken === undefined ? body : { ...body, nextToken: page.nextToken };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
