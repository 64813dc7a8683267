/**
 * Fault injection and rate limiting shared by Vigil's emulators: a queue of armed
 * faults consumed call by call, and a token bucket for the per-account API rate limit.
 * Each emulator names its own fault kinds and answers them in its protocol.
 */

/** A fault to apply to the next `times` matching calls. */
export interface BaseFaultInjection<Kind extends string = string> {
  /** Operation name such as `ListJobs`; all operations when absent. */
  operation?: string;
  /** How many matching calls the fault applies to. */
  times: number;
  fault: Kind;
  /** Extra delay for `slow`. Default 2000 ms. */
  delayMs?: number;
  /** HTTP status for `server-error`: 500 (default) or 503. */
  status?: 500 | 503;
}

/** Default extra delay of a `slow` fault. */
export const DEFAULT_SLOW_DELAY_MS = 2000;

interface ArmedFault<F> {
  readonly injection: F;
  remaining: number;
}

/**
 * Queue of armed faults; the first armed fault matching a call is consumed. An
 * `empty-page` fault only matches list operations (`List*`).
 */
export class FaultInjector<F extends BaseFaultInjection = BaseFaultInjection> {
  private armed: ArmedFault<F>[] = [];

  /** Arms a fault. */
  inject(injection: F): void {
    if (!Number.isInteger(injection.times) || injection.times < 1) {
      throw new Error(`inject: times must be a positive integer, got ${injection.times}`);
    }
    this.armed.push({ injection, remaining: injection.times });
  }

  /** Consumes and returns the fault for this call, if any. */
  take(operation: string): F | undefined {
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

/**
 * Token bucket: `ratePerSecond` tokens per second, burst of `ratePerSecond`. Models
 * a service's per-account API rate limit.
 */
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
