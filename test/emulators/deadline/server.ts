/**
 * In-process HTTP server speaking Deadline Cloud's restJson1 protocol, so the real
 * `@aws-sdk/client-deadline` client (pointed at it with `AWS_ENDPOINT_URL_DEADLINE` or
 * `endpoint`, plus `disableHostPrefix: true`) exercises its full serializer, error
 * parser, retry and pagination code.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessDenied, DeadlineApiError, internalError, throttled, validationError } from './errors';
import { DEFAULT_SLOW_DELAY_MS, type FaultInjection, FaultInjector, TokenBucket } from './faults';
import { DeadlineModel } from './model';
import { matchRoute, OPERATIONS } from './operations';
import { PageTokens } from './pagination';
import type { DeadlineScenario } from './scenario';

const CONTENT_TYPE = 'application/json';
const MAX_BODY_BYTES = 1024 * 1024;

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
export interface CallRecord {
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
  /** HTTP status of the reply (0 while the call is still being served). */
  status: number;
  /**
   * The region the caller signed for (SigV4 credential scope), or undefined when
   * unsigned: proves which region a client targets even when its endpoint is overridden.
   */
  signingRegion?: string;
}

/** A running emulator. */
export interface DeadlineEmulator {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Current step (starts at 0). */
  readonly step: number;
  /** Moves to step `n`. */
  setStep(n: number): void;
  /** Moves `n` steps forward (default 1). */
  advance(n?: number): void;
  /** Scenario time of the current step: `startTime + step * stepSeconds`. */
  now(): Date;
  /** Calls per operation since the last {@link DeadlineEmulator.resetCalls}. */
  readonly calls: Readonly<Record<string, number>>;
  /** Every call since the last {@link DeadlineEmulator.resetCalls}, in arrival order. */
  readonly callLog: readonly Readonly<CallRecord>[];
  /** Forgets recorded calls (armed faults stay armed). */
  resetCalls(): void;
  /** Arms a fault for the next `times` matching calls. */
  inject(injection: FaultInjection): void;
  /** Disarms every fault. */
  clearFaults(): void;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

/** Starts an emulator on 127.0.0.1 and a random free port. */
export async function startDeadlineEmulator(options: DeadlineEmulatorOptions): Promise<DeadlineEmulator> {
  const emulator = new EmulatorServer(options);
  await emulator.listen();
  return emulator;
}

class EmulatorServer implements DeadlineEmulator {
  private readonly model: DeadlineModel;
  private readonly pageSize: number;
  private readonly latencyMs: number;
  private readonly bucket: TokenBucket | undefined;
  private readonly faults = new FaultInjector();
  private readonly tokens = new PageTokens();
  private readonly server: Server;
  private readonly sleepers = new Set<() => void>();
  private currentStep = 0;
  private callCounts: Record<string, number> = {};
  private log: CallRecord[] = [];
  private port = 0;
  private stopped = false;

  constructor(options: DeadlineEmulatorOptions) {
    this.model = new DeadlineModel(options.scenario);
    this.pageSize = options.pageSize ?? 100;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new Error('pageSize must be a positive integer');
    this.latencyMs = options.latencyMs ?? 0;
    this.bucket = options.rateLimitPerSecond === undefined ? undefined : new TokenBucket(options.rateLimitPerSecond);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // Only reachable on an emulator bug: answer like the service's internal error.
        this.replyError(res, internalError(String(error)));
      });
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get step(): number {
    return this.currentStep;
  }

  setStep(n: number): void {
    if (!Number.isFinite(n) || n < 0) throw new Error(`setStep: step must be a non-negative number, got ${n}`);
    this.currentStep = n;
  }

  advance(n = 1): void {
    this.setStep(this.currentStep + n);
  }

  now(): Date {
    return new Date(this.model.clock.msAt(this.currentStep));
  }

  get calls(): Readonly<Record<string, number>> {
    return this.callCounts;
  }

  get callLog(): readonly Readonly<CallRecord>[] {
    return this.log;
  }

  resetCalls(): void {
    this.callCounts = {};
    this.log = [];
  }

  inject(injection: FaultInjection): void {
    this.faults.inject(injection);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // The SDK keeps sockets alive; without this close() would wait for them to time out.
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(headerValue(req, 'authorization') ?? '');
    const record: CallRecord = {
      operation,
      method,
      path: url.pathname,
      query,
      input,
      status: 0,
      signingRegion: scope?.[1],
    };
    this.log.push(record);
    this.callCounts[operation] = (this.callCounts[operation] ?? 0) + 1;

    const answer = (status: number, body: object): void => {
      record.status = status;
      this.reply(res, status, body);
    };
    const fail = (error: DeadlineApiError): void => {
      record.status = error.status;
      this.replyError(res, error);
    };

    const implementation = matched.route === undefined ? undefined : OPERATIONS[matched.route.operation];
    if (implementation === undefined) {
      const what = matched.route === undefined && matched.pathMatched ? 'method' : 'operation';
      fail(validationError(`Unknown ${what}: ${method} ${url.pathname}`, 'UNKNOWN_OPERATION'));
      return;
    }
    // The rate limit applies on arrival, before latency, like a front-door throttle.
    if (this.bucket !== undefined && !this.bucket.tryTake()) {
      fail(throttled('Rate exceeded'));
      return;
    }
    const fault = this.faults.take(operation);
    const delay = this.latencyMs + (fault?.fault === 'slow' ? (fault.delayMs ?? DEFAULT_SLOW_DELAY_MS) : 0);
    if (delay > 0) await this.sleep(delay);
    if (this.stopped) {
      res.destroy();
      return;
    }
    if (fault?.fault === 'throttle') {
      fail(throttled('Rate exceeded (injected)', fault.retryAfterSeconds));
      return;
    }
    if (fault?.fault === 'server-error') {
      fail(
        fault.status === 503
          ? new DeadlineApiError('ServiceUnavailableException', 503, 'Service unavailable (injected)')
          : internalError('Internal server error (injected)', fault.retryAfterSeconds),
      );
      return;
    }
    if (fault?.fault === 'access-denied') {
      fail(accessDenied(`User is not authorized to perform deadline:${operation} (injected)`));
      return;
    }
    try {
      const body = implementation(
        { labels, query },
        {
          model: this.model,
          step: this.currentStep,
          pageSize: this.pageSize,
          tokens: this.tokens,
          emptyPage: fault?.fault === 'empty-page',
        },
      );
      answer(200, body);
    } catch (error) {
      if (error instanceof DeadlineApiError) {
        fail(error);
        return;
      }
      throw error;
    }
  }

  /** Writes a JSON reply. */
  private reply(res: ServerResponse, status: number, body: object, extraHeaders: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return;
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': CONTENT_TYPE,
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': randomUUID(),
      ...extraHeaders,
    });
    res.end(payload);
  }

  /** Writes an error as restJson1 does: `x-amzn-errortype` header, HTTP status, JSON body of members. */
  private replyError(res: ServerResponse, error: DeadlineApiError): void {
    this.reply(res, error.status, error.body(), { 'x-amzn-errortype': error.type, ...error.headers });
  }

  /** A delay that {@link stop} cuts short, so a stopped emulator leaves no timers behind. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
