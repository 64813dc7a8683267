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
import { HttpPoster, type HttpPosterOptions } from '../http-post';

export { retryAfterMs } from '../http-post';

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

export interface SlackPosterOptions extends Omit<HttpPosterOptions, 'service' | 'failure'> {}

/**
 * Posts JSON to Slack webhooks, one at a time per webhook and at most one
 * per `minIntervalMs`, retrying what can be retried (http-post.ts); every
 * failure is a SlackWebhookError. One instance per container: the pace is
 * kept across invocations.
 */
export class SlackPoster extends HttpPoster implements SlackPost {
  constructor(options: SlackPosterOptions = {}) {
    super({
      ...options,
      service: 'Slack',
      failure: (message, details) => new SlackWebhookError(message, details),
    });
  }

  post(url: string, payload: unknown): Promise<PostResult> {
    return this.send(url, payload);
  }
}
