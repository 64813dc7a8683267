/**
 * In-process HTTP server speaking Device Farm's awsJson1_1 protocol, so the real
 * `@aws-sdk/client-device-farm` client (pointed at it with `AWS_ENDPOINT_URL_DEVICE_FARM`
 * or `endpoint`) exercises its full serializer, error parser, retry and pagination code.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeviceFarmApiError, limitExceeded } from './errors';
import { DEFAULT_SLOW_DELAY_MS, type FaultInjection, FaultInjector, TokenBucket } from './faults';
import { DeviceFarmModel } from './model';
import { OPERATIONS, type RequestBody } from './operations';
import { PageTokens } from './pagination';
import type { DeviceFarmScenario } from './scenario';

/** `X-Amz-Target` prefix of every Device Farm operation. */
export const DEVICE_FARM_TARGET_PREFIX = 'DeviceFarm_20150623.';

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_BODY_BYTES = 1024 * 1024;

/** Options of {@link startDeviceFarmEmulator}. */
export interface DeviceFarmEmulatorOptions {
  scenario: DeviceFarmScenario;
  /** Items per page of ListRuns, ListJobs, ListRemoteAccessSessions, ListProjects. Default 50. */
  pageSize?: number;
  /** Added to every call. Default 0. */
  latencyMs?: number;
  /** Token bucket (burst = rate); calls over it get LimitExceededException. Default: unlimited. */
  rateLimitPerSecond?: number;
}

/** One call received by the emulator. */
export interface CallRecord {
  /** Operation name from `X-Amz-Target` (`<none>` when the header is missing). */
  operation: string;
  /** Parsed request body. */
  input: unknown;
  /** HTTP status of the reply (0 while the call is still being served). */
  status: number;
  /**
   * The region the caller signed for (SigV4 credential scope), or undefined
   * when unsigned: proves which region a client targets even when its
   * endpoint is overridden.
   */
  signingRegion?: string;
}

/** A running emulator. */
export interface DeviceFarmEmulator {
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
  /** Calls per operation since the last {@link DeviceFarmEmulator.resetCalls}. */
  readonly calls: Readonly<Record<string, number>>;
  /** Every call since the last {@link DeviceFarmEmulator.resetCalls}, in arrival order. */
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
export async function startDeviceFarmEmulator(options: DeviceFarmEmulatorOptions): Promise<DeviceFarmEmulator> {
  const emulator = new EmulatorServer(options);
  await emulator.listen();
  return emulator;
}

class EmulatorServer implements DeviceFarmEmulator {
  private readonly model: DeviceFarmModel;
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

  constructor(options: DeviceFarmEmulatorOptions) {
    this.model = new DeviceFarmModel(options.scenario);
    this.pageSize = options.pageSize ?? 50;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new Error('pageSize must be a positive integer');
    this.latencyMs = options.latencyMs ?? 0;
    this.bucket = options.rateLimitPerSecond === undefined ? undefined : new TokenBucket(options.rateLimitPerSecond);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // Only reachable on an emulator bug: answer like the service's internal error.
        this.reply(
          res,
          500,
          { __type: 'InternalServiceException', message: String(error) },
          'InternalServiceException',
        );
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
    const raw = await readBody(req);
    const target = headerValue(req, 'x-amz-target');
    const operation = target?.startsWith(DEVICE_FARM_TARGET_PREFIX)
      ? target.slice(DEVICE_FARM_TARGET_PREFIX.length)
      : (target ?? '<none>');
    const parsed = parseBody(raw);
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(headerValue(req, 'authorization') ?? '');
    const record: CallRecord = {
      operation,
      input: parsed.ok ? parsed.body : raw,
      status: 0,
      signingRegion: scope?.[1],
    };
    this.log.push(record);
    this.callCounts[operation] = (this.callCounts[operation] ?? 0) + 1;

    const answer = (status: number, body: object, errorType?: string): void => {
      record.status = status;
      this.reply(res, status, body, errorType);
    };
    const fail = (error: DeviceFarmApiError): void =>
      answer(error.status, { __type: error.type, message: error.message }, error.type);

    const implementation = target?.startsWith(DEVICE_FARM_TARGET_PREFIX) ? OPERATIONS[operation] : undefined;
    if (req.method !== 'POST' || implementation === undefined) {
      fail(
        new DeviceFarmApiError('UnknownOperationException', 400, `Unknown operation ${target ?? '(no X-Amz-Target)'}`),
      );
      return;
    }
    if (!parsed.ok) {
      fail(new DeviceFarmApiError('SerializationException', 400, 'Request body is not a JSON object'));
      return;
    }
    // The rate limit applies on arrival, before latency, like a front-door throttle.
    if (this.bucket !== undefined && !this.bucket.tryTake()) {
      fail(limitExceeded('Rate exceeded'));
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
      fail(limitExceeded('Rate exceeded (injected)'));
      return;
    }
    if (fault?.fault === 'server-error') {
      fail(
        fault.status === 503
          ? new DeviceFarmApiError('InternalServiceException', 503, 'Service unavailable (injected)')
          : new DeviceFarmApiError('ServiceAccountException', 500, 'Internal error (injected)'),
      );
      return;
    }
    try {
      const body = implementation(parsed.body, {
        model: this.model,
        step: this.currentStep,
        pageSize: this.pageSize,
        tokens: this.tokens,
        emptyPage: fault?.fault === 'empty-page',
      });
      answer(200, body);
    } catch (error) {
      if (error instanceof DeviceFarmApiError) {
        fail(error);
        return;
      }
      throw error;
    }
  }

  private reply(res: ServerResponse, status: number, body: object, errorType?: string): void {
    if (res.headersSent || res.destroyed) return;
    const payload = JSON.stringify(body);
    const headers: Record<string, string | number> = {
      'content-type': CONTENT_TYPE,
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': randomUUID(),
    };
    if (errorType !== undefined) headers['x-amzn-errortype'] = errorType;
    res.writeHead(status, headers);
    res.end(payload);
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
