/**
 * The secret each forwarder reads from Secrets Manager at run time, cached
 * per container: a PagerDuty routing key, an Opsgenie API key, a webhook's
 * signing key. The value never goes into an environment variable, a log
 * line or an error message; errors name the secret and what it should hold.
 */
import { DeliveryError } from '../../core/errors';
import type { SecretReader } from '../slack/webhook-secret';

/** A post that failed; `retryable` says whether trying again later can help. */
export class ChannelPostError extends DeliveryError {
  readonly retryable: boolean;
  readonly status?: number;
  /** The service's reason, when it gave one. */
  readonly reason?: string;

  constructor(message: string, options: { retryable: boolean; status?: number; slackError?: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
    if (options.status !== undefined) this.status = options.status;
    if (options.slackError !== undefined) this.reason = options.slackError;
  }
}

/** The channel types a forwarder of this module serves. */
export type HttpChannelType = 'pagerduty' | 'opsgenie' | 'webhook';

interface CredentialSpec {
  /** The JSON field that may hold it: `{ "routingKey": "…" }`. */
  readonly field: string;
  readonly what: string;
  readonly example: string;
  readonly valid: (value: string) => boolean;
}

const SPECS: Record<HttpChannelType, CredentialSpec> = {
  pagerduty: {
    field: 'routingKey',
    what: "the PagerDuty integration's routing key (32 letters and digits, Events API v2)",
    example: '<32-character routing key>',
    valid: (v) => /^[A-Za-z0-9]{32}$/.test(v),
  },
  opsgenie: {
    field: 'apiKey',
    what: 'an Opsgenie API integration key (a UUID)',
    example: '<API key, like 1a2b3c4d-…>',
    valid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  },
  webhook: {
    field: 'signingKey',
    what: 'a signing key of at least 16 characters',
    example: '<signing key>',
    valid: (v) => v.length >= 16,
  },
};

/** The command that puts the right value in the secret. */
export function putCredentialHint(type: HttpChannelType, secretId: string): string {
  return `put ${SPECS[type].what} in it: aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string '${SPECS[type].example}'`;
}

/**
 * The credential in a secret's value: the value itself, or its field when
 * it is JSON (`routingKey`, `apiKey`, `signingKey`). A value that is not
 * one (the placeholder the stack created) fails for good, saying so.
 */
export function credentialFromSecret(type: HttpChannelType, value: string | undefined, secretId: string): string {
  const spec = SPECS[type];
  const refuse = (why: string): never => {
    throw new ChannelPostError(`Secret ${secretId} ${why}; ${putCredentialHint(type, secretId)}`, {
      retryable: false,
    });
  };
  const text = value?.trim() ?? '';
  if (text === '') return refuse('is empty');
  let credential = text;
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return refuse('starts with "{" but is not valid JSON');
    }
    const field = (parsed as Record<string, unknown> | null)?.[spec.field];
    if (typeof field !== 'string') return refuse(`is JSON without a "${spec.field}" string`);
    credential = field.trim();
  }
  if (!spec.valid(credential)) return refuse(`does not hold ${spec.what} (the value is not shown)`);
  return credential;
}

/** How long a credential read is used before the secret is read again: rotation takes effect within this. */
export const CREDENTIAL_CACHE_MS = 5 * 60 * 1000;

/** A channel's credential, read at most once per `ttlMs` per container. */
export class CachedCredential {
  private cached: { value: string; until: number } | undefined;

  constructor(
    private readonly options: {
      readonly type: HttpChannelType;
      readonly secretId: string;
      readonly read: SecretReader;
      readonly now?: () => number;
      readonly ttlMs?: number;
    },
  ) {}

  async value(): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    if (this.cached !== undefined && now < this.cached.until) return this.cached.value;
    const value = credentialFromSecret(
      this.options.type,
      await this.options.read(this.options.secretId),
      this.options.secretId,
    );
    this.cached = { value, until: now + (this.options.ttlMs ?? CREDENTIAL_CACHE_MS) };
    return value;
  }

  /** Forgets the cached value (the service said it is no longer valid: the secret may have been rotated). */
  invalidate(): void {
    this.cached = undefined;
  }
}
