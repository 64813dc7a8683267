/**
 * Where each channel type posts, and what: PagerDuty's Events API v2
 * (`trigger` and `resolve` with a `dedup_key`), Opsgenie's Alert API (create
 * with an `alias`, close by alias) and any webhook (the JSON document, signed
 * with HMAC-SHA256). Requests go through the same HttpPoster as Slack's
 * (pacing, 429 Retry-After, 5xx and network retries).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Log } from '../../core/log';
import type { HttpPoster } from '../http-post';
import type { QueuedMessage } from '../slack/queued-message';
import type { CachedCredential } from './credentials';
import { type PagerSeverity, type PagerStep, pagerSteps } from './incident';
import type { IncidentStore } from './incidents';

/** What a forwarder posts a message to. */
export interface ChannelTarget {
  /** How logs and errors name the service. */
  readonly service: string;
  /** Posts what `message` calls for; the number of requests that succeeded (0: nothing to send). */
  deliver(message: QueuedMessage): Promise<number>;
  /** The credential was refused: read it again next time. */
  invalidate(): void;
}

/** PagerDuty's Events API v2 endpoint per region. */
export const PAGERDUTY_ENDPOINTS = {
  us: 'https://events.pagerduty.com/v2/enqueue',
  eu: 'https://events.eu.pagerduty.com/v2/enqueue',
} as const;

/** Opsgenie's API per region. */
export const OPSGENIE_ENDPOINTS = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;

/** A key cut to `max` characters, the end replaced by a hash so two long keys stay apart. */
export function boundedKey(key: string, max: number): string {
  if (key.length <= max) return key;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `${key.slice(0, max - 33)}#${hash}`;
}

interface PagerApi {
  trigger(step: Extract<PagerStep, { action: 'trigger' }>, credential: string): Promise<void>;
  resolve(key: string, credential: string, note: string): Promise<void>;
}

/** PagerDuty: dedup keys up to 255 characters, summaries up to 1024. */
export function pagerDutyApi(poster: HttpPoster, endpoint: string): PagerApi {
  return {
    async trigger(step, routingKey) {
      await poster.send(endpoint, {
        routing_key: routingKey,
        event_action: 'trigger',
        dedup_key: boundedKey(step.incident.key, 255),
        payload: {
          summary: step.summary.slice(0, 1024),
          source: 'vigil',
          severity: step.severity,
          ...(step.timestamp === undefined ? {} : { timestamp: step.timestamp }),
          class: step.eventType,
          custom_details: step.details,
        },
        ...(step.link === undefined ? {} : { links: [{ href: step.link, text: 'AWS console' }] }),
        client: 'Vigil',
      });
    },
    async resolve(key, routingKey) {
      await poster.send(endpoint, {
        routing_key: routingKey,
        event_action: 'resolve',
        dedup_key: boundedKey(key, 255),
      });
    },
  };
}

const OPSGENIE_PRIORITY: Record<PagerSeverity, string> = { critical: 'P1', error: 'P2', warning: 'P3', info: 'P5' };

/** Opsgenie: aliases up to 512 characters, messages up to 130, detail values as strings. */
export function opsgenieApi(poster: HttpPoster, base: string): PagerApi {
  const auth = (apiKey: string) => () => ({ authorization: `GenieKey ${apiKey}` });
  return {
    async trigger(step, apiKey) {
      const details = Object.fromEntries(
        Object.entries(step.details)
          .filter(([name]) => name !== 'text')
          .map(([name, value]) => [name, (typeof value === 'string' ? value : JSON.stringify(value)).slice(0, 1000)]),
      );
      await poster.send(
        `${base}/v2/alerts`,
        {
          message: step.summary.slice(0, 130),
          alias: boundedKey(step.incident.key, 512),
          description: step.text.slice(0, 15_000),
          source: 'Vigil',
          priority: OPSGENIE_PRIORITY[step.severity],
          entity: step.incident.key.slice(0, 512),
          tags: ['vigil', step.eventType],
          details,
        },
        auth(apiKey),
      );
    },
    async resolve(key, apiKey, note) {
      const alias = encodeURIComponent(boundedKey(key, 512));
      await poster.send(
        `${base}/v2/alerts/${alias}/close?identifierType=alias`,
        { source: 'Vigil', note: note.slice(0, 25_000) },
        auth(apiKey),
      );
    },
  };
}

/** A pager channel: its steps for each message, resolves only for incidents it opened. */
export class PagerTarget implements ChannelTarget {
  constructor(
    readonly service: string,
    private readonly options: {
      readonly api: PagerApi;
      readonly credential: CachedCredential;
      /** The channel, as the incidents' partition names it (`pagerduty/oncall`). */
      readonly channel: string;
      readonly incidents: IncidentStore;
      readonly log: Log;
      readonly now: () => Date;
    },
  ) {}

  invalidate(): void {
    this.options.credential.invalidate();
  }

  async deliver(message: QueuedMessage): Promise<number> {
    const { api, incidents, channel } = this.options;
    const steps = pagerSteps(message);
    if (steps.length === 0) return 0;
    const credential = await this.options.credential.value();
    let posts = 0;
    for (const step of steps) {
      if (step.action === 'trigger') {
        await api.trigger(step, credential);
        posts++;
        await incidents.open(channel, {
          ...step.incident,
          summary: step.summary,
          openedAt: this.options.now().toISOString(),
        });
        continue;
      }
      // Only what this channel triggered: a resolve without a delivered trigger is never sent.
      const open =
        step.key !== undefined
          ? [await incidents.get(channel, step.key)].filter((i) => i !== undefined)
          : await incidents.inGroup(channel, step.group ?? '');
      const note = message.kind === 'vigil' ? message.input.subject : (message.subject ?? 'resolved');
      for (const incident of open) {
        await api.resolve(incident.key, credential, `Resolved by Vigil: ${note}`);
        posts++;
        await incidents.close(channel, incident.key);
      }
      if (open.length === 0) {
        this.options.log.debug('Nothing open to resolve for this notification', { key: step.key, group: step.group });
      }
    }
    return posts;
  }
}

/** The headers a webhook receiver checks. */
export const SIGNATURE_HEADER = 'x-vigil-signature';
export const TIMESTAMP_HEADER = 'x-vigil-timestamp';
export const DELIVERY_HEADER = 'x-vigil-delivery';

/** `sha256=<hex>`: HMAC-SHA256 with the signing key over `<timestamp>.<body>`. */
export function signature(signingKey: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', signingKey).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does with a Vigil webhook: recompute the signature over
 * the timestamp header and the raw body, compare in constant time, and
 * refuse a timestamp more than `toleranceSeconds` away (a replayed request).
 */
export function verifySignature(
  signingKey: string,
  headers: { readonly timestamp?: string; readonly signature?: string },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (headers.timestamp === undefined || headers.signature === undefined) return false;
  if (Math.abs(nowSeconds - Number(headers.timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(signingKey, headers.timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A webhook: every message POSTed as JSON (Vigil's document with its text; alarms and others as subject and text). */
export class WebhookTarget implements ChannelTarget {
  readonly service = 'the webhook';

  constructor(
    private readonly options: {
      readonly url: string;
      readonly poster: HttpPoster;
      readonly credential: CachedCredential;
      /** Seconds since the epoch. */
      readonly nowSeconds: () => number;
    },
  ) {}

  invalidate(): void {
    this.options.credential.invalidate();
  }

  async deliver(message: QueuedMessage): Promise<number> {
    const key = await this.options.credential.value();
    const payload =
      message.kind === 'vigil'
        ? { ...message.input.document, text: message.input.text }
        : {
            source: 'vigil',
            kind: 'plain',
            ...(message.subject === undefined ? {} : { subject: message.subject }),
            text: message.text,
          };
    await this.options.poster.send(this.options.url, payload, (body) => {
      const timestamp = String(Math.floor(this.options.nowSeconds()));
      return {
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signature(key, timestamp, body),
        [DELIVERY_HEADER]: message.key,
      };
    });
    return 1;
  }
}
