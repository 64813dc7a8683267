/**
 * The Slack webhook URL, read from Secrets Manager at run time and cached
 * per container. The secret holds the URL itself, or JSON
 * `{ "webhookUrl": "https://hooks.slack.com/services/…" }`. The URL never
 * goes into an environment variable, a log line or an error message.
 */
import { SlackWebhookError } from './webhook';

/** Reads a secret's SecretString (undefined when the secret has none); clients/secrets-client.ts reads Secrets Manager. */
export type SecretReader = (secretId: string) => Promise<string | undefined>;

/** The webhook URL's slot in the forwarder. */
export interface WebhookUrlSource {
  url(): Promise<string>;
  /** How to put a right URL where this source reads it (said when the URL is refused). */
  readonly fixHint: string;
  /** Forgets the cached URL (Slack said it is gone: the secret may have been rotated). */
  invalidate(): void;
}

/** How long a read URL is used before the secret is read again: rotation takes effect within this. */
export const WEBHOOK_CACHE_MS = 5 * 60 * 1000;

/** The command that puts a webhook URL in the secret. */
export const putSecretHint = (secretId: string) =>
  `put the webhook URL in it: aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string 'https://hooks.slack.com/services/T…/B…/…'`;

/**
 * The URL in a secret's value: the value itself, or its `webhookUrl` when it
 * is JSON. Errors name the secret and what is expected, never the value.
 */
export function webhookUrlFromSecret(value: string | undefined, secretId: string): string {
  const text = value?.trim() ?? '';
  if (text === '') {
    throw new SlackWebhookError(`Secret ${secretId} has no Slack webhook URL yet; ${putSecretHint(secretId)}`, {
      retryable: false,
    });
  }
  if (!text.startsWith('{')) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SlackWebhookError(
      `Secret ${secretId} starts with "{" but is not valid JSON; expected the webhook URL or { "webhookUrl": "https://hooks.slack.com/…" }`,
      { retryable: false, cause: error },
    );
  }
  const url = (parsed as { webhookUrl?: unknown } | null)?.webhookUrl;
  if (typeof url !== 'string' || url.trim() === '') {
    throw new SlackWebhookError(
      `Secret ${secretId} is JSON without a "webhookUrl" string; expected the webhook URL or { "webhookUrl": "https://hooks.slack.com/…" }`,
      { retryable: false },
    );
  }
  return url.trim();
}

export interface CachedWebhookUrlOptions {
  /** The secret's ARN or name. */
  readonly secretId: string;
  readonly read: SecretReader;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** @default WEBHOOK_CACHE_MS (5 minutes) */
  readonly ttlMs?: number;
}

/** The webhook URL from a secret, read at most once per `ttlMs` per container. */
export class CachedWebhookUrl implements WebhookUrlSource {
  private cached: { url: string; until: number } | undefined;
  private readonly now: () => number;
  private readonly ttlMs: number;
  readonly fixHint: string;

  constructor(private readonly options: CachedWebhookUrlOptions) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? WEBHOOK_CACHE_MS;
    this.fixHint = `The URL was read from secret ${options.secretId}; ${putSecretHint(options.secretId)}`;
  }

  async url(): Promise<string> {
    const now = this.now();
    if (this.cached !== undefined && now < this.cached.until) return this.cached.url;
    const url = webhookUrlFromSecret(await this.options.read(this.options.secretId), this.options.secretId);
    this.cached = { url, until: now + this.ttlMs };
    return url;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
