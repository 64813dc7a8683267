/**
 * JSON over HTTPS to a webhook or an events API, as Slack's forwarder has
 * always posted (and now PagerDuty's, Opsgenie's and any webhook's): one
 * request at a time per URL and at most one per `minIntervalMs`, a 429's
 * Retry-After honoured, 5xx and network errors retried with jittered
 * backoff, and the service's own reason named when it refuses. A URL or a
 * key is never logged: failures name the service and the status only.
 */
import { errorFields, type Log, silentLog } from '../core/log';
import type { ReserveSlot } from './slack/shared-pace';

/** What a failed post says: whether trying later can help, the status, the service's reason. */
export interface PostFailure {
  readonly retryable: boolean;
  readonly status?: number;
  /** The service's reason (`invalid_payload`, `Invalid routing key`, ...), when it gave one. */
  readonly slackError?: string;
}

/** What a post did: how many HTTP requests it took. */
export interface HttpPostResult {
  readonly attempts: number;
}

export interface HttpPosterOptions {
  /** The service's name in messages: `Slack`, `PagerDuty`, `Opsgenie`, `the webhook`. */
  readonly service: string;
  /** The error a failed post throws. */
  readonly failure: (message: string, details: PostFailure) => Error;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default setTimeout-based */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** A number in [0, 1) for backoff jitter. @default Math.random */
  readonly random?: () => number;
  /** Least time between two posts to one URL, ms. Slack allows about one a second. @default 1000 */
  readonly minIntervalMs?: number;
  /** HTTP requests per post, retries included. @default 5 */
  readonly maxAttempts?: number;
  /** First backoff after a 5xx or network error, ms; doubled each time. @default 500 */
  readonly backoffMs?: number;
  /** Longest backoff, ms. @default 8000 */
  readonly maxBackoffMs?: number;
  /** Longest Retry-After honoured in this invocation, ms; a longer one fails the post as retryable. @default 30000 */
  readonly maxRetryAfterMs?: number;
  /** Per-request timeout, ms. @default 10000 */
  readonly timeoutMs?: number;
  /** @default silentLog */
  readonly log?: Log;
  /**
   * Reserves each post's slot with every other forwarder of the channel
   * (slack/shared-pace.ts). Without it the pace is this container's only.
   */
  readonly reserveSlot?: ReserveSlot;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After in ms: seconds, or an HTTP date; 1 s when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number {
  if (header === null || header.trim() === '') return 1000;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - now);
}

/** The service's reason from a response body (`invalid_payload`, `no_service`, ...), cut short. */
function serviceReason(body: string): string {
  const text = body.trim().replace(/\s+/g, ' ');
  return text === '' ? '(empty body)' : text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** Headers of one request, from its exact body (a signature covers the bytes sent). */
export type HeadersFor = (body: string) => Record<string, string>;

/**
 * Posts JSON, one at a time per URL and at most one per `minIntervalMs`,
 * retrying what can be retried. One instance per container: the pace is kept
 * across invocations.
 */
export class HttpPoster {
  private readonly service: string;
  private readonly failure: HttpPosterOptions['failure'];
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly minIntervalMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly timeoutMs: number;
  private readonly log: Log;
  private readonly reserveSlot: ReserveSlot | undefined;
  /** Per URL: when the next request may go, and the tail of the queue of posts waiting for it. */
  private readonly lanes = new Map<string, { nextAt: number; tail: Promise<unknown> }>();

  constructor(options: HttpPosterOptions) {
    this.service = options.service;
    this.failure = options.failure;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.minIntervalMs = options.minIntervalMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 8000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.log = options.log ?? silentLog;
    this.reserveSlot = options.reserveSlot;
  }

  /** Posts `payload` as JSON; resolves once the service answered 2xx, throws `failure(...)` otherwise. */
  send(url: string, payload: unknown, headers?: HeadersFor): Promise<HttpPostResult> {
    const lane = this.lanes.get(url) ?? { nextAt: 0, tail: Promise.resolve() };
    this.lanes.set(url, lane);
    const run = lane.tail.then(() => this.attempts(url, lane, JSON.stringify(payload), headers));
    // The queue moves on whatever this post's outcome; the caller gets the outcome.
    lane.tail = run.catch(() => undefined);
    return run;
  }

  private async waitTurn(lane: { nextAt: number }): Promise<void> {
    const at =
      this.reserveSlot === undefined ? lane.nextAt : Math.max(lane.nextAt, await this.reserveSlot(this.minIntervalMs));
    const wait = at - this.now();
    if (wait > 0) await this.sleep(wait);
    lane.nextAt = this.now() + this.minIntervalMs;
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempt - 1));
    // Half fixed, half jitter: retries from several containers do not land together.
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private async attempts(
    url: string,
    lane: { nextAt: number },
    body: string,
    headers: HeadersFor | undefined,
  ): Promise<HttpPostResult> {
    const service = this.service;
    let lastFailure = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      await this.waitTurn(lane);
      let response: Response;
      try {
        response = await this.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', ...headers?.(body) },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        // The URL is never logged: the error's own message can name the host, which is not secret.
        lastFailure = `a network error (${errorFields(error).error})`;
        this.log.warn(`Posting to ${service} failed; retrying`, { attempt, failure: lastFailure });
        if (attempt < this.maxAttempts) await this.sleep(this.backoff(attempt));
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.ok) return { attempts: attempt };
      if (response.status === 429) {
        const wait = retryAfterMs(response.headers.get('retry-after'), this.now());
        lastFailure = `429 Too Many Requests (Retry-After ${Math.round(wait / 1000)} s)`;
        if (wait > this.maxRetryAfterMs) {
          throw this.failure(
            `${service} answered 429 and asked to wait ${Math.round(wait / 1000)} s, longer than this run waits; the message will be retried`,
            { retryable: true, status: 429 },
          );
        }
        this.log.warn(`${service} rate-limited the webhook; waiting as asked`, { attempt, retryAfterMs: wait });
        // Later posts to this URL queue behind this one, so they wait too. The service's
        // Retry-After replaces the pacing interval for the retry itself.
        await this.sleep(wait);
        lane.nextAt = this.now();
        continue;
      }
      if (response.status >= 500) {
        lastFailure = `${response.status} (${serviceReason(text)})`;
        this.log.warn(`${service} answered with a server error; retrying`, { attempt, status: response.status });
        if (attempt < this.maxAttempts) await this.sleep(this.backoff(attempt));
        continue;
      }
      const reason = serviceReason(text);
      throw this.failure(`${service} refused the message: HTTP ${response.status} ${reason}`, {
        retryable: false,
        status: response.status,
        slackError: reason,
      });
    }
    throw this.failure(`Posting to ${service} failed after ${this.maxAttempts} attempts; last: ${lastFailure}`, {
      retryable: true,
    });
  }
}
