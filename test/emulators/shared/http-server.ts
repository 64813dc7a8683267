/**
 * The HTTP side shared by Vigil's emulators: an in-process server on 127.0.0.1 and a
 * random free port, the scenario step it serves, the call log, latency, rate limit
 * and armed faults, and a stop that leaves no socket or timer behind. Each emulator
 * brings its {@link EmulatorProtocol}.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BaseFaultInjection, DEFAULT_SLOW_DELAY_MS, FaultInjector, TokenBucket } from './faults';
import type { ApiErrorLike, EmulatorProtocol, RecordedCall } from './protocol';
import type { ScenarioClock } from './timeline';

/** A running emulator, as tests and the demo drive it. */
export interface RunningEmulator<Call extends RecordedCall, Fault extends BaseFaultInjection> {
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
  /** Calls per operation since the last `resetCalls`. */
  readonly calls: Readonly<Record<string, number>>;
  /** Every call since the last `resetCalls`, in arrival order. */
  readonly callLog: readonly Readonly<Call>[];
  /** Forgets recorded calls (armed faults stay armed). */
  resetCalls(): void;
  /** Arms a fault for the next `times` matching calls. */
  inject(injection: Fault): void;
  /** Disarms every fault. */
  clearFaults(): void;
  /** Armed calls not yet consumed (all faults): what `inject` armed minus what calls took. */
  readonly pendingFaults: number;
  /**
   * Changes latency and rate limit from the next call on (a benchmark turns them off
   * for a run that would take hours under them). An option left out is unchanged;
   * `rateLimitPerSecond: undefined` given explicitly removes the limit.
   */
  configure(limits: Pick<ServerOptions, 'latencyMs' | 'rateLimitPerSecond'>): void;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

/** Server options every emulator takes. */
export interface ServerOptions {
  /** Items per page of the list operations; each emulator has its default. */
  pageSize?: number;
  /** Added to every call. Default 0. */
  latencyMs?: number;
  /** Token bucket (burst = rate); calls over it are throttled. Default: unlimited. */
  rateLimitPerSecond?: number;
}

/** How an emulator's server is set up. */
export interface EmulatorSetup<
  Call extends RecordedCall,
  Fault extends BaseFaultInjection,
  ApiError extends ApiErrorLike,
> {
  readonly protocol: EmulatorProtocol<Call, Fault, ApiError>;
  /** The scenario's clock, for {@link RunningEmulator.now}. */
  readonly clock: ScenarioClock;
  /** Page size when the options set none. */
  readonly defaultPageSize: number;
}

/** Starts an emulator server on 127.0.0.1 and a random free port. */
export async function startEmulatorServer<
  Call extends RecordedCall,
  Fault extends BaseFaultInjection,
  ApiError extends ApiErrorLike,
>(setup: EmulatorSetup<Call, Fault, ApiError>, options: ServerOptions): Promise<RunningEmulator<Call, Fault>> {
  return new EmulatorHttpServer(setup, options).listen();
}

/**
 * The protocol-independent part of an emulator: every call is logged, refused if
 * malformed, throttled over the rate limit, delayed by latency and `slow` faults,
 * failed by armed faults, then run.
 */
class EmulatorHttpServer<Call extends RecordedCall, Fault extends BaseFaultInjection, ApiError extends ApiErrorLike>
  implements RunningEmulator<Call, Fault>
{
  private readonly protocol: EmulatorProtocol<Call, Fault, ApiError>;
  private readonly clock: ScenarioClock;
  private readonly pageSize: number;
  private latencyMs: number;
  private bucket: TokenBucket | undefined;
  private readonly faults = new FaultInjector<Fault>();
  private readonly server: Server;
  private readonly sleepers = new Set<() => void>();
  private currentStep = 0;
  private callCounts: Record<string, number> = {};
  private log: Call[] = [];
  private port = 0;
  private stopped = false;

  constructor(setup: EmulatorSetup<Call, Fault, ApiError>, options: ServerOptions) {
    this.protocol = setup.protocol;
    this.clock = setup.clock;
    this.pageSize = options.pageSize ?? setup.defaultPageSize;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new Error('pageSize must be a positive integer');
    this.latencyMs = options.latencyMs ?? 0;
    this.bucket = options.rateLimitPerSecond === undefined ? undefined : new TokenBucket(options.rateLimitPerSecond);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // Only reachable on an emulator bug: answer like the service's internal error.
        this.replyError(res, this.protocol.bugError(String(error)));
      });
    });
  }

  listen(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve(this);
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
    return new Date(this.clock.msAt(this.currentStep));
  }

  get calls(): Readonly<Record<string, number>> {
    return this.callCounts;
  }

  get callLog(): readonly Readonly<Call>[] {
    return this.log;
  }

  resetCalls(): void {
    this.callCounts = {};
    this.log = [];
  }

  inject(injection: Fault): void {
    this.faults.inject(injection);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  get pendingFaults(): number {
    return this.faults.pending;
  }

  configure(limits: Pick<ServerOptions, 'latencyMs' | 'rateLimitPerSecond'>): void {
    if ('latencyMs' in limits) this.latencyMs = limits.latencyMs ?? 0;
    if ('rateLimitPerSecond' in limits) {
      const rate = limits.rateLimitPerSecond;
      this.bucket = rate === undefined ? undefined : new TokenBucket(rate);
    }
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
    const read = await this.protocol.readCall(req);
    const record = read.call;
    this.log.push(record);
    this.callCounts[record.operation] = (this.callCounts[record.operation] ?? 0) + 1;
    const fail = (error: ApiError): void => {
      record.status = error.status;
      this.replyError(res, error);
    };

    if ('refusal' in read) {
      fail(read.refusal);
      return;
    }
    // The rate limit applies on arrival, before latency, like a front-door throttle.
    if (this.bucket !== undefined && !this.bucket.tryTake()) {
      fail(this.protocol.rateLimitError());
      return;
    }
    const fault = this.faults.take(record.operation);
    const delay = this.latencyMs + (fault?.fault === 'slow' ? (fault.delayMs ?? DEFAULT_SLOW_DELAY_MS) : 0);
    if (delay > 0) await this.sleep(delay);
    if (this.stopped) {
      res.destroy();
      return;
    }
    const injected = fault === undefined ? undefined : this.protocol.faultError(fault, record.operation);
    if (injected !== undefined) {
      fail(injected);
      return;
    }
    try {
      const body = read.run({
        step: this.currentStep,
        pageSize: this.pageSize,
        emptyPage: fault?.fault === 'empty-page',
      });
      record.status = 200;
      writeJson(res, 200, this.protocol.contentType, body);
    } catch (error) {
      if (error instanceof this.protocol.errorType) {
        fail(error);
        return;
      }
      throw error;
    }
  }

  private replyError(res: ServerResponse, error: ApiError): void {
    const { body, headers } = this.protocol.errorReply(error);
    writeJson(res, error.status, this.protocol.contentType, body, headers);
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

/**
 * Writes a JSON reply with a fresh `x-amzn-requestid`, unless a reply was already
 * sent or the connection is gone.
 */
function writeJson(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: object,
  extraHeaders: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...extraHeaders,
  });
  res.end(payload);
}
