/**
 * The forwarder Lambda of a PagerDuty, Opsgenie or webhook channel:
 * notification topic → the channel's SQS queue → this function → the
 * service. Returns the messages that failed as batchItemFailures, so SQS
 * retries only those.
 *
 * Environment:
 * - CHANNEL_TYPE: `pagerduty`, `opsgenie` or `webhook`; CHANNEL_NAME: the channel's name.
 * - SECRET_ARN: the secret holding the routing key, API key or signing key,
 *   read at run time and cached 5 minutes; never in the environment or the logs.
 * - TABLE_NAME: the history table (post markers, open incidents).
 * - CHANNEL_REGION (pager channels): `us` or `eu`. WEBHOOK_URL (webhook): where to POST.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDocumentClient, createDynamoClient } from '../clients/aws-clients';
import { EnvironmentError } from '../core/errors';
import type { Log } from '../core/log';
import { CachedCredential, ChannelPostError, type HttpChannelType } from '../deliver/http-channels/credentials';
import { type ChannelForwarderDeps, forwardToChannel } from '../deliver/http-channels/forwarder';
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
import { DynamoPostMarkers } from '../deliver/slack/post-markers';
import { type SecretReader, secretsManagerReader } from '../deliver/slack/webhook-secret';
import { lambdaHost } from '../engine/lambda-host';

export function makeHandler(deps: ChannelForwarderDeps) {
  return async (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> => {
    const report = await forwardToChannel(
      event.Records,
      deps,
      context === undefined ? {} : { remainingMs: () => context.getRemainingTimeInMillis() },
    );
    deps.log.info('Channel forwarder batch finished', { ...report, failed: report.failed.length });
    return { batchItemFailures: report.failed.map((itemIdentifier) => ({ itemIdentifier })) };
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

function defaultDeps(): ChannelForwarderDeps {
  const host = lambdaHost();
  const type = host.need('CHANNEL_TYPE');
  if (type !== 'pagerduty' && type !== 'opsgenie' && type !== 'webhook') {
    throw new EnvironmentError(`CHANNEL_TYPE is ${JSON.stringify(type)}; expected pagerduty, opsgenie or webhook`);
  }
  const region = process.env.CHANNEL_REGION;
  return channelForwarderDeps({
    type,
    name: host.need('CHANNEL_NAME'),
    secretArn: host.need('SECRET_ARN'),
    tableName: host.need('TABLE_NAME'),
    log: host.log,
    ...(region === 'eu' || region === 'us' ? { region } : {}),
    ...(type === 'webhook' ? { url: host.need('WEBHOOK_URL') } : {}),
  });
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  ready ??= makeHandler(defaultDeps());
  return ready(event, context);
};
