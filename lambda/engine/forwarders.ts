/**
 * What the channel forwarders (Slack, PagerDuty, Opsgenie, webhooks) are
 * built from: the poster, the secret, the post markers and the incidents,
 * each replaceable by a test. The forwarder Lambdas read their environment
 * and call these; nothing else constructs them.
 */
import { createDocumentClient, createDynamoClient } from '../clients/aws-clients';
import { secretsManagerReader } from '../clients/secrets-client';
import { EnvironmentError } from '../core/errors';
import type { Log } from '../core/log';
import { CachedCredential, ChannelPostError, type HttpChannelType } from '../deliver/http-channels/credentials';
import type { ChannelForwarderDeps } from '../deliver/http-channels/forwarder';
import { DynamoIncidents } from '../deliver/http-channels/incidents';
import {
  type ChannelTarget,
  OPSGENIE_ENDPOINTS,
  opsgenieApi,
  PAGERDUTY_ENDPOINTS,
  PagerTarget,
  pagerDutyApi,
  WebhookTarget,
} from '../deliver/http-channels/targets';
import { HttpPoster } from '../deliver/http-post';
import type { SlackForwarderDeps } from '../deliver/slack/forwarder';
import { DynamoPostMarkers } from '../deliver/slack/post-markers';
import { sharedPace } from '../deliver/slack/shared-pace';
import { SlackPoster, validateSlackWebhookUrl, type WebhookUrlValidator } from '../deliver/slack/webhook';
import { CachedWebhookUrl, type SecretReader } from '../deliver/slack/webhook-secret';

/** What the forwarder is built from; everything that touches the network or the clock can be replaced. */
export interface ForwarderParts {
  readonly secretArn: string;
  readonly tableName: string;
  /** @default the secret's ARN */
  readonly channel?: string;
  readonly log: Log;
  /** @default Secrets Manager GetSecretValue */
  readonly readSecret?: SecretReader;
  /** @default validateSlackWebhookUrl */
  readonly validateUrl?: WebhookUrlValidator;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default a real timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** @default a client from the standard AWS settings */
  readonly documentClient?: ReturnType<typeof createDocumentClient>;
}

/** Builds the forwarder's dependencies from their parts. */
export function forwarderDeps(parts: ForwarderParts): SlackForwarderDeps {
  const now = parts.now ?? Date.now;
  const channel = parts.channel?.trim() || parts.secretArn;
  const client = parts.documentClient ?? createDocumentClient(createDynamoClient());
  return {
    channel,
    webhook: new CachedWebhookUrl({ secretId: parts.secretArn, read: parts.readSecret ?? secretsManagerReader(), now }),
    validateUrl: parts.validateUrl ?? validateSlackWebhookUrl,
    poster: new SlackPoster({
      ...(parts.fetch === undefined ? {} : { fetch: parts.fetch }),
      ...(parts.sleep === undefined ? {} : { sleep: parts.sleep }),
      now,
      log: parts.log,
      // Two forwarders of the channel can run at once (SQS's smallest maximum concurrency): one pace for both.
      reserveSlot: sharedPace(client, parts.tableName, channel, now),
    }),
    markers: new DynamoPostMarkers({ client, tableName: parts.tableName }),
    log: parts.log,
    now: () => new Date(now()),
  };
}

/** What a forwarder is built from; everything that touches the network or the clock can be replaced. */
export interface ChannelForwarderParts {
  readonly type: HttpChannelType;
  readonly name: string;
  readonly secretArn: string;
  readonly tableName: string;
  readonly log: Log;
  /** For pager channels. @default us */
  readonly region?: 'us' | 'eu';
  /** For a webhook: where to POST. For a pager: the API's URL instead of the region's (tests). */
  readonly url?: string;
  /** @default Secrets Manager GetSecretValue */
  readonly readSecret?: SecretReader;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default a real timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** @default a client from the standard AWS settings */
  readonly documentClient?: ReturnType<typeof createDocumentClient>;
}

const SERVICE_NAMES: Record<HttpChannelType, string> = {
  pagerduty: 'PagerDuty',
  opsgenie: 'Opsgenie',
  webhook: 'the webhook',
};

/** Builds a forwarder's dependencies from their parts. */
export function channelForwarderDeps(parts: ChannelForwarderParts): ChannelForwarderDeps {
  const now = parts.now ?? Date.now;
  const documents = parts.documentClient ?? createDocumentClient(createDynamoClient());
  const channel = `${parts.type}/${parts.name}`;
  const poster = new HttpPoster({
    service: SERVICE_NAMES[parts.type],
    failure: (message, details) => new ChannelPostError(message, details),
    // PagerDuty takes 120 events a minute per routing key; a webhook sets its own pace with 429s.
    minIntervalMs: parts.type === 'webhook' ? 0 : 500,
    ...(parts.fetch === undefined ? {} : { fetch: parts.fetch }),
    ...(parts.sleep === undefined ? {} : { sleep: parts.sleep }),
    now,
    log: parts.log,
    // Two forwarders of the channel can run at once (SQS's smallest maximum concurrency): one pace for both.
    ...(parts.type === 'webhook' ? {} : { reserveSlot: sharedPace(documents, parts.tableName, channel, now) }),
  });
  const credential = new CachedCredential({
    type: parts.type,
    secretId: parts.secretArn,
    read: parts.readSecret ?? secretsManagerReader(),
    now,
  });
  const region = parts.region ?? 'us';
  let target: ChannelTarget;
  if (parts.type === 'webhook') {
    if (parts.url === undefined) throw new EnvironmentError('A webhook channel needs its URL (WEBHOOK_URL)');
    target = new WebhookTarget({ url: parts.url, poster, credential, nowSeconds: () => now() / 1000 });
  } else {
    const api =
      parts.type === 'pagerduty'
        ? pagerDutyApi(poster, parts.url ?? PAGERDUTY_ENDPOINTS[region])
        : opsgenieApi(poster, parts.url ?? OPSGENIE_ENDPOINTS[region]);
    target = new PagerTarget(SERVICE_NAMES[parts.type], {
      api,
      credential,
      channel,
      incidents: new DynamoIncidents(documents, parts.tableName),
      log: parts.log,
      now: () => new Date(now()),
    });
  }
  return {
    channel,
    target,
    markers: new DynamoPostMarkers({ client: documents, tableName: parts.tableName, prefix: 'POST#', entity: 'post' }),
    log: parts.log,
    now: () => new Date(now()),
  };
}
