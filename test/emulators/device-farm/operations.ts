/**
 * The Device Farm operations the emulator implements. Each is a function of the
 * request body and the current step; CreateRemoteAccessSession and
 * StopRemoteAccessSession also change the model (see `DeviceFarmModel`).
 */
import { isDeviceFarmArn } from './arns';
import { deviceFilter } from './device-filters';
import { argumentError, notFound } from './errors';
import { inListingOrder } from './listing-order';
import type { DeviceFarmModel, TestGridSessionNode } from './model';
import type { NotFoundAnswers } from './not-found';
import type { Page, PageTokens } from './pagination';

/** Everything an operation may look at. */
export interface OperationContext {
  readonly model: DeviceFarmModel;
  readonly step: number;
  /** Page size of ListRuns, ListJobs, ListRemoteAccessSessions, ListDevices (and the test grid lists without `maxResult`). */
  readonly pageSize: number;
  readonly tokens: PageTokens;
  /** The `empty-page` fault is armed for this call. */
  readonly emptyPage: boolean;
  /** Transient NotFound answers armed per ARN for the Get operations. */
  readonly notFound: NotFoundAnswers;
}

/** A request body: awsJson1_1 always sends a JSON object. */
export type RequestBody = Record<string, unknown>;

/** Serializable reply of an operation. */
export type ResponseBody = object;

type Operation = (input: RequestBody, ctx: OperationContext) => ResponseBody;

/** Operation name → implementation (names as in `X-Amz-Target: DeviceFarm_20150623.<name>`). */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  ListProjects(input, ctx) {
    const all = ctx.model.projects.map((project) => ctx.model.projectView(project));
    const page = listPage(ctx, 'ListProjects', '', all, input.nextToken, ctx.pageSize);
    return withToken({ projects: page.items }, page);
  },

  ListRuns(input, ctx) {
    const arn = requiredArn(input, 'arn');
    const project = ctx.model.project(arn);
    if (project === undefined) throw notFound('Project', arn);
    // Paged before projecting: only the runs on the page are rendered (a synthetic project may hold thousands).
    const all = inListingOrder(project.runs, ctx.step, project.spec.listing);
    const page = listPage(ctx, 'ListRuns', arn, all, input.nextToken, project.spec.listing?.pageSize ?? ctx.pageSize);
    return withToken({ runs: page.items.map((run) => ctx.model.runView(run, ctx.step)) }, page);
  },

  GetRun(input, ctx) {
    const arn = requiredArn(input, 'arn');
    const run = ctx.model.run(arn);
    if (run === undefined || !ctx.model.visible(run, ctx.step) || ctx.notFound.take(arn)) throw notFound('Run', arn);
    return { run: ctx.model.runView(run, ctx.step) };
  },

  ListJobs(input, ctx) {
    const arn = requiredArn(input, 'arn');
    const run = ctx.model.run(arn);
    if (run === undefined || !ctx.model.visible(run, ctx.step)) throw notFound('Run', arn);
    const all = ctx.model.newestFirst(run.jobs, ctx.step);
    const page = listPage(ctx, 'ListJobs', arn, all, input.nextToken, ctx.pageSize);
    return withToken({ jobs: page.items.map((job) => ctx.model.jobView(job, ctx.step)) }, page);
  },

  GetJob(input, ctx) {
    const arn = requiredArn(input, 'arn');
    const job = ctx.model.job(arn);
    if (job === undefined || !ctx.model.visible(job, ctx.step) || ctx.notFound.take(arn)) throw notFound('Job', arn);
    return { job: ctx.model.jobView(job, ctx.step) };
  },

  ListUniqueProblems(input, ctx) {
    const arn = requiredArn(input, 'arn');
    const all = ctx.model.uniqueProblems(arn, ctx.step);
    if (all === undefined) {
      if (!/:(run|job):/.test(arn))
        throw argumentError(`Invalid arn: ${arn} (this emulator answers for runs and jobs)`);
      throw notFound(arn.includes(':job:') ? 'Job' : 'Run', arn);
    }
    // Paged over unique problems, then grouped by result again: the map of one page holds that page's.
    const page = listPage(ctx, 'ListUniqueProblems', arn, all, input.nextToken, ctx.pageSize);
    const uniqueProblems: Record<string, object[]> = {};
    for (const [result, unique] of page.items) uniqueProblems[result] = [...(uniqueProblems[result] ?? []), unique];
    return withToken({ uniqueProblems }, page);
  },

  ListRemoteAccessSessions(input, ctx) {
    const arn = requiredArn(input, 'arn');
    const project = ctx.model.project(arn);
    if (project === undefined) throw notFound('Project', arn);
    const all = inListingOrder(project.remoteAccessSessions, ctx.step, project.spec.listing).map((session) =>
      ctx.model.remoteAccessSessionView(session, ctx.step),
    );
    const size = project.spec.listing?.pageSize ?? ctx.pageSize;
    const page = listPage(ctx, 'ListRemoteAccessSessions', arn, all, input.nextToken, size);
    return withToken({ remoteAccessSessions: page.items }, page);
  },

  GetRemoteAccessSession(input, ctx) {
    const arn = requiredArn(input, 'arn');
    const session = ctx.model.remoteAccessSession(arn);
    if (session === undefined || !ctx.model.visible(session, ctx.step) || ctx.notFound.take(arn)) {
      throw notFound('Remote access session', arn);
    }
    return { remoteAccessSession: ctx.model.remoteAccessSessionView(session, ctx.step) };
  },

  CreateRemoteAccessSession(input, ctx) {
    const projectArn = requiredArn(input, 'projectArn');
    const wantedDevice = requiredArn(input, 'deviceArn');
    const name = optionalString(input, 'name');
    const interactionMode = optionalEnum(input, 'interactionMode', INTERACTION_MODES) ?? 'INTERACTIVE';
    const skipAppResign = optionalBoolean(input, 'skipAppResign') ?? false;
    const configuration = optionalObject(input, 'configuration') ?? {};
    const billingMethod = optionalEnum(configuration, 'billingMethod', BILLING_METHODS) ?? 'METERED';
    const project = ctx.model.project(projectArn);
    if (project === undefined) throw notFound('Project', projectArn);
    const device = ctx.model.device(wantedDevice);
    if (device === undefined) throw argumentError(`Invalid device: ${wantedDevice} does not exist`);
    if (device.spec.remoteAccessEnabled === false) {
      throw argumentError(`Device ${device.spec.name} (${wantedDevice}) is not enabled for remote access`);
    }
    const session = ctx.model.createRemoteAccessSession(
      { project, device, name, billingMethod, interactionMode, skipAppResign },
      ctx.step,
    );
    return { remoteAccessSession: ctx.model.remoteAccessSessionView(session, ctx.step) };
  },

  StopRemoteAccessSession(input, ctx) {
    const arn = requiredArn(input, 'arn');
    const session = ctx.model.remoteAccessSession(arn);
    if (session === undefined || !ctx.model.visible(session, ctx.step)) throw notFound('Remote access session', arn);
    if (!ctx.model.isRunning(session, ctx.step)) {
      const { status } = ctx.model.remoteAccessSessionView(session, ctx.step);
      throw argumentError(`Remote access session ${arn} is not running (status ${status})`);
    }
    ctx.model.stopRemoteAccessSession(session, ctx.step);
    return { remoteAccessSession: ctx.model.remoteAccessSessionView(session, ctx.step) };
  },

  ListDevices(input, ctx) {
    let scope = '';
    if (input.arn !== undefined && input.arn !== null) {
      scope = requiredArn(input, 'arn');
      if (ctx.model.project(scope) === undefined) throw notFound('Project', scope);
    }
    const matches = deviceFilter(input.filters);
    const all = ctx.model.devices.map((device) => ctx.model.deviceDetailView(device)).filter(matches);
    const page = listPage(ctx, 'ListDevices', scope, all, input.nextToken, ctx.pageSize);
    return withToken({ devices: page.items }, page);
  },

  GetDevice(input, ctx) {
    const arn = requiredArn(input, 'arn');
    const device = ctx.model.device(arn);
    if (device === undefined) throw notFound('Device', arn);
    return { device: ctx.model.deviceDetailView(device) };
  },

  ListTestGridProjects(input, ctx) {
    const all = ctx.model.testGridProjects.map((project) => ctx.model.testGridProjectView(project));
    const size = maxResult(input) ?? ctx.pageSize;
    const page = listPage(ctx, 'ListTestGridProjects', '', all, input.nextToken, size);
    return withToken({ testGridProjects: page.items }, page);
  },

  ListTestGridSessions(input, ctx) {
    const projectArn = requiredArn(input, 'projectArn');
    const project = ctx.model.testGridProject(projectArn);
    if (project === undefined) throw notFound('Test grid project', projectArn);
    const filter = sessionFilter(input);
    const all = ctx.model
      .newestFirst(project.sessions, ctx.step)
      .map((session) => ctx.model.testGridSessionView(session, ctx.step))
      .filter(filter);
    const size = maxResult(input) ?? ctx.pageSize;
    const page = listPage(ctx, 'ListTestGridSessions', projectArn, all, input.nextToken, size);
    return withToken({ testGridSessions: page.items }, page);
  },

  GetTestGridSession(input, ctx) {
    let session: TestGridSessionNode | undefined;
    let wanted: string;
    if (input.sessionArn !== undefined) {
      wanted = requiredArn(input, 'sessionArn');
      session = ctx.model.testGridSession(wanted);
    } else if (input.projectArn !== undefined && input.sessionId !== undefined) {
      const projectArn = requiredArn(input, 'projectArn');
      const sessionId = requiredString(input, 'sessionId');
      wanted = `${projectArn} session ${sessionId}`;
      session = ctx.model.testGridProject(projectArn)?.sessions.find((candidate) => candidate.spec.id === sessionId);
    } else {
      throw argumentError('Either sessionArn or both projectArn and sessionId must be given');
    }
    if (session === undefined || !ctx.model.visible(session, ctx.step) || ctx.notFound.take(session.arn)) {
      throw notFound('Test grid session', wanted);
    }
    return { testGridSession: ctx.model.testGridSessionView(session, ctx.step) };
  },
};

/** Operation names the emulator answers. */
export const OPERATION_NAMES: readonly string[] = Object.keys(OPERATIONS);

function listPage<T>(
  ctx: OperationContext,
  op: string,
  scope: string,
  all: readonly T[],
  token: unknown,
  size: number,
): Page<T> {
  return ctx.emptyPage ? ctx.tokens.emptyPage<T>(op, scope, token) : ctx.tokens.page(op, scope, all, token, size);
}

function withToken<T extends object>(body: T, page: Page<unknown>): T & { nextToken?: string } {
  return page.nextToken === undefined ? body : { ...body, nextToken: page.nextToken };
}

function requiredString(input: RequestBody, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value.length === 0) throw argumentError(`${name} is required`);
  return value;
}

function optionalString(input: RequestBody, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw argumentError(`${name} must be a string`);
  return value;
}

function optionalBoolean(input: RequestBody, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw argumentError(`${name} must be a boolean`);
  return value;
}

function optionalObject(input: RequestBody, name: string): RequestBody | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw argumentError(`${name} must be a structure`);
  return value as RequestBody;
}

/** An optional enum member; a value outside `allowed` is an ArgumentException, like the service's validation. */
function optionalEnum(input: RequestBody, name: string, allowed: readonly string[]): string | undefined {
  const value = optionalString(input, name);
  if (value !== undefined && !allowed.includes(value)) {
    throw argumentError(`${name} must be one of ${allowed.join(', ')}`);
  }
  return value;
}

const INTERACTION_MODES: readonly string[] = ['INTERACTIVE', 'NO_VIDEO', 'VIDEO_ONLY'];
const BILLING_METHODS: readonly string[] = ['METERED', 'UNMETERED'];

function requiredArn(input: RequestBody, name: string): string {
  const value = requiredString(input, name);
  if (!isDeviceFarmArn(value)) throw argumentError(`Invalid ${name}: ${value}`);
  return value;
}

/** `maxResult` of the test grid lists: 1..1000 like the service. */
function maxResult(input: RequestBody): number | undefined {
  const value = input.maxResult;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1000) {
    throw argumentError('maxResult must be an integer between 1 and 1000');
  }
  return value;
}

/** Optional epoch-seconds timestamp member (awsJson1_1 sends Dates as numbers). */
function optionalTime(input: RequestBody, name: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw argumentError(`${name} must be a timestamp`);
  return value;
}

/**
 * Filters of ListTestGridSessions. Windows are half-open (`after` inclusive, `before`
 * exclusive) so consecutive polling windows neither miss nor repeat a session; a
 * session that has not ended never matches an end-time filter.
 */
function sessionFilter(input: RequestBody): (session: { status: string; created: number; ended?: number }) => boolean {
  const status = input.status;
  if (status !== undefined && typeof status !== 'string') throw argumentError('status must be a string');
  const createdAfter = optionalTime(input, 'creationTimeAfter');
  const createdBefore = optionalTime(input, 'creationTimeBefore');
  const endedAfter = optionalTime(input, 'endTimeAfter');
  const endedBefore = optionalTime(input, 'endTimeBefore');
  const wantsEnd = endedAfter !== undefined || endedBefore !== undefined;
  return (session) =>
    (status === undefined || session.status === status) &&
    (createdAfter === undefined || session.created >= createdAfter) &&
    (createdBefore === undefined || session.created < createdBefore) &&
    (!wantsEnd || session.ended !== undefined) &&
    (endedAfter === undefined || (session.ended !== undefined && session.ended >= endedAfter)) &&
    (endedBefore === undefined || (session.ended !== undefined && session.ended < endedBefore));
}
