/**
 * In-process HTTP server speaking Deadline Cloud's restJson1 protocol, so the real
 * `@aws-sdk/client-deadline` client (pointed at it with `AWS_ENDPOINT_URL_DEADLINE` or
 * `endpoint`, plus `disableHostPrefix: true`) exercises its full serializer, error
 * parser, retry and pagination code.
 */
import { type RunningEmulator, startEmulatorServer } from '../shared/http-server';
import type { EmulatorProtocol, RecordedCall } from '../shared/protocol';
import { readBody, signingRegionOf } from '../shared/request';
import { accessDenied, DeadlineApiError, internalError, throttled, validationError } from './errors';
import type { FaultInjection } from './faults';
import { DeadlineModel } from './model';
import { matchRoute, OPERATIONS } from './operations';
import { PageTokens } from './pagination';
import type { DeadlineScenario } from './scenario';

const CONTENT_TYPE = 'application/json';

/** Options of {@link startDeadlineEmulator}. */
export interface DeadlineEmulatorOptions {
  scenario: DeadlineScenario;
  /** Server-side cap of items per page of every list; a smaller `maxResults` shrinks it. Default 100. */
  pageSize?: number;
  /** Added to every call. Default 0. */
  latencyMs?: number;
  /** Token bucket (burst = rate); calls over it get a 429 ThrottlingException. Default: unlimited. */
  rateLimitPerSecond?: number;
}

/** One call received by the emulator. */
export interface CallRecord extends RecordedCall {
  /** Operation name matched from method + path (`<unknown>` when no route matches). */
  operation: string;
  /** HTTP method. */
  method: string;
  /** Request path without the query string. */
  path: string;
  /** Query parameters (first value of each). */
  query: Readonly<Record<string, string>>;
  /** The operation input as the SDK sent it: path labels plus query parameters (`maxResults` as a number). */
  input: Readonly<Record<string, string | number>>;
}

/** A running Deadline Cloud emulator (see {@link RunningEmulator} for each member). */
export interface DeadlineEmulator extends RunningEmulator<CallRecord, FaultInjection> {}

/** Starts a Deadline Cloud emulator on 127.0.0.1 and a random free port. */
export async function startDeadlineEmulator(options: DeadlineEmulatorOptions): Promise<DeadlineEmulator> {
  const model = new DeadlineModel(options.scenario);
  return startEmulatorServer({ protocol: restJson1(model), clock: model.clock, defaultPageSize: 100 }, options);
}

/** Deadline Cloud's restJson1: operation from method + path, input from labels and query. */
function restJson1(model: DeadlineModel): EmulatorProtocol<CallRecord, FaultInjection, DeadlineApiError> {
  const tokens = new PageTokens();
  return {
    contentType: CONTENT_TYPE,
    errorType: DeadlineApiError,

    async readCall(req) {
      // GET requests carry no body; read it anyway so the connection can be reused.
      await readBody(req);
      const url = new URL(req.url ?? '/', 'http://emulator.local');
      const method = req.method ?? 'GET';
      const query: Record<string, string> = {};
      for (const [key, value] of url.searchParams) if (!(key in query)) query[key] = value;
      const matched = matchRoute(method, url.pathname);
      const operation = matched.route?.operation ?? '<unknown>';
      const labels = matched.route === undefined ? {} : matched.labels;
      const input: Record<string, string | number> = { ...labels };
      for (const [key, value] of Object.entries(query)) {
        input[key] = key === 'maxResults' && /^\d+$/.test(value) ? Number(value) : value;
      }
      const signingRegion = signingRegionOf(req);
      const call: CallRecord = { operation, method, path: url.pathname, query, input, status: 0, signingRegion };
      const implementation = matched.route === undefined ? undefined : OPERATIONS[matched.route.operation];
      if (implementation === undefined) {
        const what = matched.route === undefined && matched.pathMatched ? 'method' : 'operation';
        return { call, refusal: validationError(`Unknown ${what}: ${method} ${url.pathname}`, 'UNKNOWN_OPERATION') };
      }
      return { call, run: (env) => implementation({ labels, query }, { model, tokens, ...env }) };
    },

    /** The modeled members in the body; the type in `x-amzn-errortype`, plus the error's own headers. */
    errorReply: (error) => ({ body: error.body(), headers: { 'x-amzn-errortype': error.type, ...error.headers } }),

    bugError: (message) => internalError(message),

    rateLimitError: () => throttled('Rate exceeded'),

    faultError(fault, operation) {
      switch (fault.fault) {
        case 'throttle':
          return throttled('Rate exceeded (injected)', fault.retryAfterSeconds);
        case 'server-error':
          return fault.status === 503
            ? new DeadlineApiError('ServiceUnavailableException', 503, 'Service unavailable (injected)')
            : internalError('Internal server error (injected)', fault.retryAfterSeconds);
        case 'access-denied':
          return accessDenied(`User is not authorized to perform deadline:${operation} (injected)`);
        default:
          return undefined;
      }
    },
  };
}
