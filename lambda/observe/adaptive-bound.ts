/**
 * How many API calls a poll cycle keeps in flight: a bound that halves when
 * the API pushes back (a call was throttled or had to be retried) and grows
 * by one for every `bound` calls that went through at the first attempt
 * (additive increase, multiplicative decrease, as TCP does).
 *
 * It complements the SDK's adaptive retry mode rather than replacing it: the
 * SDK spaces a client's requests out in time once it has been throttled (a
 * client-side token bucket), but it does not limit how many are in flight.
 * A fixed bound either wastes a slow API with headroom (4 calls in flight at
 * 300 ms each is 13 calls/s, whatever the account allows) or keeps piling
 * throttled attempts onto a tight one; this one settles where the account's
 * rate limit and the API's latency meet (rate × latency calls in flight).
 */
import type { MetadataBearer } from '@smithy/types';

export interface AdaptiveBoundOptions {
  /** Calls in flight when the cycle starts. @default 4 */
  readonly initial?: number;
  /** @default 1 */
  readonly min?: number;
  /** @default 16 */
  readonly max?: number;
}

/** How the bound moved during a cycle, for the cycle report. */
export interface BoundSummary {
  readonly initial: number;
  readonly lowest: number;
  readonly highest: number;
  readonly final: number;
  /** Calls the API pushed back on (throttled, or retried). */
  readonly pushBacks: number;
}

/** What a finished call says about the API's load. */
export type Verdict = 'ok' | 'pushed-back' | 'neutral';

export const DEFAULT_BOUND = { initial: 4, min: 1, max: 16 } as const;

export class AdaptiveBound {
  readonly min: number;
  readonly max: number;
  private readonly initial: number;
  private limit: number;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** Increments with every decrease: calls sent before it do not decrease the bound again. */
  private epoch = 0;
  private lowest: number;
  private highest: number;
  private pushBacks = 0;

  constructor(options: AdaptiveBoundOptions = {}) {
    this.min = Math.max(1, options.min ?? DEFAULT_BOUND.min);
    this.max = Math.max(this.min, options.max ?? DEFAULT_BOUND.max);
    this.initial = Math.min(this.max, Math.max(this.min, options.initial ?? DEFAULT_BOUND.initial));
    this.limit = this.initial;
    this.lowest = this.initial;
    this.highest = this.initial;
  }

  /** Calls allowed in flight now. */
  get current(): number {
    return Math.floor(this.limit);
  }

  /** Runs `call` once a slot is free, and lets `judge` tell from its outcome whether the API pushed back. */
  async run<T>(call: () => Promise<T>, judge: (outcome: { value?: T; error?: unknown }) => Verdict): Promise<T> {
    await this.acquire();
    const epoch = this.epoch;
    try {
      const value = await call();
      this.settle(judge({ value }), epoch);
      return value;
    } catch (error) {
      this.settle(judge({ error }), epoch);
      throw error;
    } finally {
      this.release();
    }
  }

  summary(): BoundSummary {
    return {
      initial: this.initial,
      lowest: this.lowest,
      highest: this.highest,
      final: this.current,
      pushBacks: this.pushBacks,
    };
  }

  private settle(verdict: Verdict, epoch: number): void {
    if (verdict === 'pushed-back') {
      this.pushBacks++;
      // Calls sent before the last decrease went out under the old bound: one decrease per round.
      if (epoch !== this.epoch) return;
      this.limit = Math.max(this.min, this.limit / 2);
      this.epoch++;
    } else if (verdict === 'ok') {
      this.limit = Math.min(this.max, this.limit + 1 / this.limit);
    }
    this.lowest = Math.min(this.lowest, this.current);
    this.highest = Math.max(this.highest, this.current);
  }

  private acquire(): Promise<void> {
    if (this.inFlight < this.current) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.inFlight++;
        resolve();
      });
    });
  }

  private release(): void {
    this.inFlight--;
    while (this.inFlight < this.current && this.waiting.length > 0) this.waiting.shift()?.();
  }
}

/** Throttling errors of the APIs Vigil polls (Device Farm, Deadline Cloud), as the SDK names them. */
const THROTTLING = new Set(['LimitExceededException', 'ThrottlingException', 'TooManyRequestsException']);

/** An SDK call pushed back when it needed more than one attempt, or failed throttled. */
export function judgeSdkCall(outcome: { value?: unknown; error?: unknown }): Verdict {
  if (outcome.error !== undefined) {
    const error = outcome.error as { name?: string; $metadata?: { attempts?: number } };
    return THROTTLING.has(error.name ?? '') || (error.$metadata?.attempts ?? 1) > 1 ? 'pushed-back' : 'neutral';
  }
  return ((outcome.value as MetadataBearer | undefined)?.$metadata?.attempts ?? 1) > 1 ? 'pushed-back' : 'ok';
}

/**
 * The client with every `send` made under `bound`. It is the same client
 * underneath (paginators still recognise it), so middleware, retries and
 * call counting are unchanged.
 */
export function gateClient<C extends { send(...args: never[]): Promise<unknown> }>(client: C, bound: AdaptiveBound): C {
  const gated = Object.create(client) as C;
  const send = (...args: never[]) => bound.run(() => client.send(...args), judgeSdkCall);
  Object.defineProperty(gated, 'send', { value: send });
  return gated;
}
