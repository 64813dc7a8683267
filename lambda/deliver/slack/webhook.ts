/**
 * Slack incoming webhooks: which URLs are accepted, and a poster that keeps
 * to Slack's pace (about one message per second per webhook), honours 429
 * Retry-After, retries 5xx and network errors with backoff, and names
 * Slack's own reason (`invalid_payload`, `no_service`, ...) when it refuses.
 *
 * A webhook URL is a credential: it is never logged and never put in an
 * error message; errors show it with its secret part masked.
 */

import { DeliveryError } from '../../core/errors';
import { errorFields, type Log, silentLog } from '../../core/log';
import type { ReserveSlot } from './shared-pace';

/** A delivery to Slack failed; `retryable` says whether trying again later can help. */
export class SlackWebhookError extends DeliveryError {
  readonly retryable: boolean;
  /** The HTTP status Slack answered, when it answered. */
  readonly status?: number;
  /** Slack's reason (`invalid_payload`, `no_service`, ...), when it gave one. */
  readonly slackError?: string;

  constructor(message: string, options: { retryable: boolean; status?: number; slackError?: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
    if (options.status !== undefined) this.status = options.status;
    if (options.slackError !== undefined) this.slackError = options.slackError;
  }
}

/** What the validator says is accepted, in every rejection. */
export const ACCEPTED_WEBHOOK_URLS =
  'https://hooks.slack.com/services/T…/B…/… (an incoming webhook), or https://hooks.slack.com/workflows/… or https://hooks.slack.com/triggers/… (a Workflow Builder webhook)';

/** The slot a validator fills: throws SlackWebhookError for a URL it does not accept. */
export type WebhookUrlValidator = (url: string) => void;

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * A URL with its secret masked, safe for logs and errors: scheme and host,
 * the path segments that are IDs (T…, B…), `****` for everything else.
 */
export function maskWebhookUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return `a value that is not a URL (${value.length} characters)`;
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const shown = segments.map((segment, i) => {
    if (i === 0 && ['services', 'workflows', 'triggers'].includes(segment)) return segment;
    // Team, bot and app IDs are not secret; the token segment is.
    if (i < segments.length - 1 && /^[TBA][A-Z0-9]{2,20}$/.test(segment)) return segment;
    return '****';
  });
  const query = url.search || url.hash ? '?****' : '';
  return `${url.protocol}//${url.host}${shown.length ? `/${shown.join('/')}` : ''}${query}`;
}

function reject(value: string, reason: string): never {
  throw new SlackWebhookError(
    `Slack webhook URL ${maskWebhookUrl(value)} is not accepted: ${reason}. Accepted: ${ACCEPTED_WEBHOOK_URLS}.`,
    { retryable: false },
  );
}

/**
 * Accepts only Slack webhook URLs:
 * `https://hooks.slack.com/services/T…/B…/<secret>` and Workflow Builder's
 * `https://hooks.slack.com/workflows/…` and `https://hooks.slack.com/triggers/…`.
 * Anything else throws a SlackWebhookError naming what was given (masked)
 * and what is accepted.
 */
export function validateSlackWebhookUrl(value: string): void {
  const trimmed = value.trim();
  if (trimmed === '') reject(value, 'it is empty');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    reject(value, 'it is not a URL');
  }
  if (url.protocol !== 'https:') reject(value, `it uses ${url.protocol.replace(/:$/, '')}, not https`);
  if (url.hostname !== 'hooks.slack.com') reject(value, `its host is ${url.hostname}, not hooks.slack.com`);
  if (url.port !== '' || url.username !== '' || url.password !== '') {
    reject(value, 'it has a port or credentials in it');
  }
  if (url.search !== '' || url.hash !== '') reject(value, 'it has a query string or fragment');
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const [kind, ...rest] = segments;
  const wellFormed = url.pathname === `/${segments.join('/')}` && rest.every((s) => SEGMENT.test(s));
  if (kind === 'services') {
    const [team, bot, secret, ...extra] = rest;
    if (
      !wellFormed ||
      extra.length > 0 ||
      !/^T[A-Z0-9]+$/.test(team ?? '') ||
      !/^B[A-Z0-9]+$/.test(bot ?? '') ||
      !secret ||
      !/^[A-Za-z0-9]+$/.test(secret)
    ) {
      reject(value, 'its path is not /services/T…/B…/<secret>');
    }
    return;
  }
  if (kind === 'workflows' || kind === 'triggers') {
    if (!wellFormed || rest.length < 2) reject(value, `its path is not /${kind}/…`);
    return;
  }
  reject(value, 'its path does not start with /services/, /workflows/ or /triggers/');
}

/** What a post did: how many HTTP requests it took. */
export interface PostResult {
  readonly attempts: number;
}

/** The poster's slot in the forwarder (tests give fakes). */
export interface SlackPost {
  post(url: string, payload: unknown): Promise<PostResult>;
}

export interface SlackPosterOptions {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default setTimeout-based */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** A number in [0, 1) for backoff jitter. @default Math.random */
  readonly random?: () => number;
  /**
   * Reserves each post's slot with every other forwarder of the channel
   * (shared-pace.ts). Without it the pace is this container's only.
   */
  readonly reserveSlot?: ReserveSlot;
  /** Least time between two posts to one webhook, ms. Slack allows about one a second. @default 1000 */
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

/** Slack's reason from a response body (`invalid_payload`, `no_service`, ...), cut short. */
function slackReason(body: string): string {
  const text = body.trim().replace(/\s+/g, ' ');
  return text === '' ? '(empty body)' : text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/**
 * Posts JSON to Slack webhooks, one at a time per webhook and at most one
 * per `minIntervalMs`, retrying what can be retried. One instance per
 * container: the pace is kept across invocations.
 */
export class SlackPoster implements SlackPost {
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
  /** Per webhook: when the next request may go, and the tail of the queue of posts waiting for it. */
  private readonly lanes = new Map<string, { nextAt: number; tail: Promise<unknown> }>();

  constructor(options: SlackPosterOptions = {}) {
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

  /** Posts `payload` as JSON; resolves once Slack answered 2xx, throws SlackWebhookError otherwise. */
  post(url: string, payload: unknown): Promise<PostResult> {
    const lane = this.lanes.get(url) ?? { nextAt: 0, tail: Promise.resolve() };
    this.lanes.set(url, lane);
    const run = lane.tail.then(() => this.send(url, lane, JSON.stringify(payload)));
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

  private async send(url: string, lane: { nextAt: number }, body: string): Promise<PostResult> {
    let lastFailure = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      await this.waitTurn(lane);
      let response: Response;
      try {
        response = await this.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        // The URL is never logged: the error's own message can name the host, which is not secret.
        lastFailure = `a network error (${errorFields(error).error})`;
        this.log.warn('Posting to Slack failed; retrying', { attempt, failure: lastFailure });
        if (attempt < this.maxAttempts) await this.sleep(this.backoff(attempt));
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.ok) return { attempts: attempt };
      if (response.status === 429) {
        const wait = retryAfterMs(response.headers.get('retry-after'), this.now());
        lastFailure = `429 Too Many Requests (Retry-After ${Math.round(wait / 1000)} s)`;
        if (wait > this.maxRetryAfterMs) {
          throw new SlackWebhookError(
            `Slack answered 429 and asked to wait ${Math.round(wait / 1000)} s, longer than this run waits; the message will be retried`,
            { retryable: true, status: 429 },
          );
        }
        this.log.warn('Slack rate-limited the webhook; waiting as asked', { attempt, retryAfterMs: wait });
        // Later posts to this webhook queue behind this one, so they wait too. Slack's
        // Retry-After replaces the pacing interval for the retry itself.
        await this.sleep(wait);
        lane.nextAt = this.now();
        continue;
      }
      if (response.status >= 500) {
        lastFailure = `${response.status} (${slackReason(text)})`;
        this.log.warn('Slack answered with a server error; retrying', { attempt, status: response.status });
        if (attempt < this.maxAttempts) await this.sleep(this.backoff(attempt));
        continue;
      }
      const reason = slackReason(text);
      throw new SlackWebhookError(`Slack refused the message: HTTP ${response.status} ${reason}`, {
        retryable: false,
        status: response.status,
        slackError: reason,
      });
    }
    throw new SlackWebhookError(`Posting to Slack failed after ${this.maxAttempts} attempts; last: ${lastFailure}`, {
      retryable: true,
    });
  }
}
