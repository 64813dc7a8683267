/**
 * In-process HTTP server speaking Device Farm's awsJson1_1 protocol, so the real
 * `@aws-sdk/client-device-farm` client (pointed at it with `AWS_ENDPOINT_URL_DEVICE_FARM`
 * or `endpoint`) exercises its full serializer, error parser, retry and pagination code.
 */
import { type RunningEmulator, startEmulatorServer } from '../shared/http-server';
import type { EmulatorProtocol, RecordedCall } from '../shared/protocol';
import { headerValue, readBody, signingRegionOf } from '../shared/request';
import { DeviceFarmApiError, limitExceeded } from './errors';
import type { FaultInjection } from './faults';
import { DeviceFarmModel, type WireRemoteAccessSession } from './model';
import { NotFoundAnswers } from './not-found';
import { OPERATIONS, type RequestBody } from './operations';
import { PageTokens } from './pagination';
import type { DeviceFarmScenario } from './scenario';

/** `X-Amz-Target` prefix of every Device Farm operation. */
export const DEVICE_FARM_TARGET_PREFIX = 'DeviceFarm_20150623.';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Options of {@link startDeviceFarmEmulator}. */
export interface DeviceFarmEmulatorOptions {
  scenario: DeviceFarmScenario;
  /** Items per page of ListRuns, ListJobs, ListRemoteAccessSessions, ListProjects, ListDevices. Default 50. */
  pageSize?: number;
  /** Added to every call. Default 0. */
  latencyMs?: number;
  /** Token bucket (burst = rate); calls over it get LimitExceededException. Default: unlimited. */
  rateLimitPerSecond?: number;
}

/** One call received by the emulator. */
export interface CallRecord extends RecordedCall {
  /** Operation name from `X-Amz-Target` (`<none>` when the header is missing). */
  operation: string;
  /** Parsed request body. */
  input: unknown;
}

/** A running Device Farm emulator (see {@link RunningEmulator} for the shared members). */
export interface DeviceFarmEmulator extends RunningEmulator<CallRecord, FaultInjection> {
  /**
   * A remote access session (scripted or made by CreateRemoteAccessSession) as
   * GetRemoteAccessSession would answer it at the current step, without making a call
   * (nothing is logged or counted); undefined when it does not exist at this step.
   * Wire shape: timestamps are epoch seconds. A fresh copy: changing it changes nothing.
   */
  remoteAccessSession(arn: string): WireRemoteAccessSession | undefined;
  /**
   * The next `times` (default 1) GetRun, GetJob, GetRemoteAccessSession or
   * GetTestGridSession calls naming `arn` answer NotFoundException, though the
   * resource exists: a transient NotFound. Lists still return the resource.
   */
  answerNotFound(arn: string, times?: number): void;
  /** NotFound answers armed by {@link answerNotFound} and not yet given. */
  readonly pendingNotFound: number;
}

/** Starts a Device Farm emulator on 127.0.0.1 and a random free port. */
export async function startDeviceFarmEmulator(options: DeviceFarmEmulatorOptions): Promise<DeviceFarmEmulator> {
  const model = new DeviceFarmModel(options.scenario);
  const notFound = new NotFoundAnswers();
  const server = await startEmulatorServer(
    { protocol: awsJson1_1(model, notFound), clock: model.clock, defaultPageSize: 50 },
    options,
  );
  return Object.assign(server, {
    remoteAccessSession(arn: string): WireRemoteAccessSession | undefined {
      const session = model.remoteAccessSession(arn);
      if (session === undefined || !model.visible(session, server.step)) return undefined;
      return model.remoteAccessSessionView(session, server.step);
    },
    answerNotFound(arn: string, times = 1): void {
      notFound.arm(arn, times);
    },
    get pendingNotFound(): number {
      return notFound.pending;
    },
  });
}

/** Device Farm's awsJson1_1: operation from `X-Amz-Target`, input and errors as JSON bodies. */
function awsJson1_1(
  model: DeviceFarmModel,
  notFound: NotFoundAnswers,
): EmulatorProtocol<CallRecord, FaultInjection, DeviceFarmApiError> {
  const tokens = new PageTokens();
  return {
    contentType: CONTENT_TYPE,
    errorType: DeviceFarmApiError,

    async readCall(req) {
      const raw = await readBody(req);
      const target = headerValue(req, 'x-amz-target');
      const known = target?.startsWith(DEVICE_FARM_TARGET_PREFIX) === true;
      const operation = known ? target.slice(DEVICE_FARM_TARGET_PREFIX.length) : (target ?? '<none>');
      const parsed = parseBody(raw);
      const call: CallRecord = {
        operation,
        input: parsed.ok ? parsed.body : raw,
        status: 0,
        signingRegion: signingRegionOf(req),
      };
      const implementation = known ? OPERATIONS[operation] : undefined;
      if (req.method !== 'POST' || implementation === undefined) {
        const message = `Unknown operation ${target ?? '(no X-Amz-Target)'}`;
        return { call, refusal: new DeviceFarmApiError('UnknownOperationException', 400, message) };
      }
      if (!parsed.ok) {
        const message = 'Request body is not a JSON object';
        return { call, refusal: new DeviceFarmApiError('SerializationException', 400, message) };
      }
      return { call, run: (env) => implementation(parsed.body, { model, tokens, notFound, ...env }) };
    },

    /** `__type` and `message` in the body, the type also in `x-amzn-errortype`. */
    errorReply: (error) => ({
      body: { __type: error.type, message: error.message },
      headers: { 'x-amzn-errortype': error.type },
    }),

    bugError: (message) => new DeviceFarmApiError('InternalServiceException', 500, message),

    rateLimitError: () => limitExceeded('Rate exceeded'),

    faultError(fault) {
      switch (fault.fault) {
        case 'throttle':
          return limitExceeded('Rate exceeded (injected)');
        case 'server-error':
          return fault.status === 503
            ? new DeviceFarmApiError('InternalServiceException', 503, 'Service unavailable (injected)')
            : new DeviceFarmApiError('ServiceAccountException', 500, 'Internal error (injected)');
        default:
          return undefined;
      }
    },
  };
}

type ParsedBody = { ok: true; body: RequestBody } | { ok: false };

function parseBody(raw: string): ParsedBody {
  if (raw.trim() === '') return { ok: true, body: {} };
  try {
    const body: unknown = JSON.parse(raw);
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return { ok: true, body: body as RequestBody };
    return { ok: false };
  } catch {
    return { ok: false };
  }
}
