/**
 * Slack forwarder Lambda: notification topic → SQS queue → this function →
 * a Slack incoming webhook. Returns the messages that failed as
 * batchItemFailures, so SQS retries only those (the event source mapping
 * must report batch item failures).
 *
 * Environment:
 * - SLACK_SECRET_ARN: the Secrets Manager secret holding the webhook URL
 *   (the URL itself, or JSON `{ "webhookUrl": "…" }`), read at run time and
 *   cached 5 minutes; the URL is never in the environment or the logs.
 * - TABLE_NAME: the history table, where post markers are kept.
 * - CHANNEL_NAME (optional): the channel's name in Vigil's config, which
 *   names its post markers; defaults to the secret's ARN.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDocumentClient, createDynamoClient } from '../clients/aws-clients';
import type { Log } from '../core/log';
import { forwardToSlack, type SlackForwarderDeps } from '../deliver/slack/forwarder';
import { DynamoPostMarkers } from '../deliver/slack/post-markers';
import { sharedPace } from '../deliver/slack/shared-pace';
import { SlackPoster, validateSlackWebhookUrl, type WebhookUrlValidator } from '../deliver/slack/webhook';
import { CachedWebhookUrl, type SecretReader, secretsManagerReader } from '../deliver/slack/webhook-secret';
import { lambdaHost } from '../engine/lambda-host';

export function makeHandler(deps: SlackForwarderDeps) {
  return async (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> => {
    const report = await forwardToSlack(
      event.Records,
      deps,
      context === undefined ? {} : { remainingMs: () => context.getRemainingTimeInMillis() },
    );
    deps.log.info('Slack forwarder batch finished', { ...report, failed: report.failed.length });
    return { batchItemFailures: report.failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

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

function defaultDeps(): SlackForwarderDeps {
  const host = lambdaHost();
  const channel = process.env.CHANNEL_NAME;
  return forwarderDeps({
    secretArn: host.need('SLACK_SECRET_ARN'),
    tableName: host.need('TABLE_NAME'),
    ...(channel === undefined ? {} : { channel }),
    log: host.log,
  });
}

let ready: ReturnType<typeof makeHandler> | undefined;

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  ready ??= makeHandler(defaultDeps());
  return ready(event, context);
};
