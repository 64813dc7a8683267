/**
 * Fault injection and rate limiting for the Deadline Cloud emulator: the failure
 * modes a poller meets in production (throttling, 5xx, denied access, slow replies,
 * odd pagination).
 */

/** What an injected fault does to a call. */
export type FaultKind =
  /** 429 `ThrottlingException` (the SDK retries it with its throttling back-off). */
  | 'throttle'
  /** 500 `InternalServerErrorException` (or an unmodeled 503 with `status: 503`); the SDK retries 5xx. */
  | 'server-error'
  /** 403 `AccessDeniedException`; not retried. */
  | 'access-denied'
  /** Answers normally after `delayMs` (default 2000 ms) on top of the emulator's latency. */
  | 'slow'
  /**
   * List operations only: an empty page whose `nextToken` continues to the page the
   * call would have returned. Other operations never consume this fault.
   */
  | 'empty-page';

/** A fault to apply to the next `times` matching calls. */
export interface FaultInjection {
  /** Operation name such as `ListJobs`; all operations when absent. */
  operation?: string;
  /** How many matching calls the fault applies to. */
  times: number;
  fault: FaultKind;
  /** Extra delay for `slow`. Default 2000 ms. */
  delayMs?: number;
  /** HTTP status for `server-error`: 500 (default) or 503. */
  status?: 500 | 503;
  /**
   * `Retry-After` header (seconds) on `throttle` and `server-error` replies. The SDK
   * waits at least this long before retrying (capped at its back-off + 5 s). Default: none.
   */
  retryAfterSeconds?: number;
}

/** Default extra delay of a `slow` fault. */
export const DEFAULT_SLOW_DELAY_MS = 2000;

interface ArmedFault {
  readonly injection: FaultInjection;
  remaining: number;
}

/** Queue of armed faults; the first armed fault matching a call is consumed. */
export class FaultInjector {
  private armed: ArmedFault[] = [];

  /** Arms a fault. */
  inject(injection: FaultInjection): void {
    if (!Number.isInteger(injection.times) || injection.times < 1) {
      throw new Error(`inject: times must be a positive integer, got ${injection.times}`);
    }
    this.armed.push({ injection, remaining: injection.times });
  }

  /** Consumes and returns the fault for this call, if any. */
  take(operation: string): FaultInjection | undefined {
    const isList = operation.startsWith('List');
    const match = this.armed.find(
      (armed) =>
        armed.remaining > 0 &&
        (armed.injection.operation === undefined || armed.injection.operation === operation) &&
        (armed.injection.fault !== 'empty-page' || isList),
    );
    if (match === undefined) return undefined;
    match.remaining -= 1;
    this.armed = this.armed.filter((armed) => armed.remaining > 0);
    return match.injection;
  }

  /** Number of armed calls left (all faults). */
  get pending(): number {
    return this.armed.reduce((sum, armed) => sum + armed.remaining, 0);
  }

  /** Disarms everything. */
  clear(): void {
    this.armed = [];
  }
}

/** Token bucket: `ratePerSecond` tokens per second, burst of `ratePerSecond`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0)) throw new Error('rateLimitPerSecond must be positive');
    this.tokens = ratePerSecond;
    this.last = clock();
  }

  /** Takes a token; false when the bucket is empty (the call must be throttled). */
  tryTake(): boolean {
    const now = this.clock();
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
