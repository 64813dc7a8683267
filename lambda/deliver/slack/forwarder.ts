/**
 * The Slack forwarder: for each queued notification, check it was not
 * posted already, post it as Block Kit to the webhook, then mark it posted.
 * A message that fails is reported back so only it is retried by SQS.
 *
 * Exactly once, as far as a webhook allows. The marker is written AFTER a
 * successful post (a marker written before would lose the message if the
 * post then failed) and checked BEFORE posting, so a redelivered message
 * whose post went through is skipped. Two windows remain, both small:
 * - a crash (or timeout) between Slack's 200 and the marker write: the
 *   message is redelivered and posted again;
 * - the same SNS message delivered twice to the queue and handled by two
 *   concurrent invocations at the same moment: both may post.
 * Slack webhooks take no idempotency key, so neither can be closed here.
 */
import { errorFields, type Log } from '../../core/log';
import { slackMessage } from './blocks';
import type { PostMarkers } from './post-markers';
import { type QueuedMessage, type QueuedRecord, readQueuedMessage } from './queued-message';
import { clip, escapeMrkdwn } from './text';
import { type SlackPost, SlackWebhookError, type WebhookUrlValidator } from './webhook';
import type { WebhookUrlSource } from './webhook-secret';

export interface SlackForwarderDeps {
  /** The marker partition: the channel's name, or the secret's ARN. */
  readonly channel: string;
  readonly webhook: WebhookUrlSource;
  /** Checked on every URL read: validateSlackWebhookUrl, or in tests one that allows a local fake. */
  readonly validateUrl: WebhookUrlValidator;
  readonly poster: SlackPost;
  readonly markers: PostMarkers;
  readonly log: Log;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** What one batch did. `failed` are SQS message ids, returned as batchItemFailures. */
export interface ForwardReport {
  readonly received: number;
  readonly posted: number;
  readonly alreadyPosted: number;
  /** Posted as plain text after Slack refused the blocks. */
  readonly postedAsText: number;
  readonly failed: readonly string[];
}

export interface ForwardOptions {
  /** Milliseconds left in this invocation (Lambda's context.getRemainingTimeInMillis). */
  readonly remainingMs?: () => number;
}

/** Time kept back at the end of an invocation: a post with its retries must not be cut off by the timeout. */
export const TIME_RESERVE_MS = 20_000;

/** Slack statuses that mean the webhook itself is gone or revoked: read the secret again next time. */
const WEBHOOK_GONE = new Set([401, 403, 404, 410]);

const TEXT_MAX = 3000;

/** A plain-text Slack message (no blocks): for non-Vigil messages and as a fallback. */
export function plainSlackMessage(subject: string | undefined, text: string) {
  const body = subject ? `*${escapeMrkdwn(subject)}*\n${escapeMrkdwn(text)}` : escapeMrkdwn(text);
  return { text: clip(body, TEXT_MAX), unfurl_links: false, unfurl_media: false };
}

function describe(message: QueuedMessage): Record<string, unknown> {
  return message.kind === 'vigil'
    ? { key: message.key, subject: message.input.subject, eventIds: message.input.document.eventIds }
    : { key: message.key, subject: message.subject, plain: true };
}

/** Forwards a batch; never throws (a failure is reported per message). */
export async function forwardToSlack(
  records: readonly QueuedRecord[],
  deps: SlackForwarderDeps,
  options: ForwardOptions = {},
): Promise<ForwardReport> {
  const failed: string[] = [];
  let posted = 0;
  let alreadyPosted = 0;
  let postedAsText = 0;

  for (const record of records) {
    if (options.remainingMs !== undefined && options.remainingMs() < TIME_RESERVE_MS) {
      deps.log.warn('Too little time left in this invocation; leaving the message for a retry', {
        messageId: record.messageId,
      });
      failed.push(record.messageId);
      continue;
    }
    const message = readQueuedMessage(record);
    if (message.kind === 'plain' && message.problem !== undefined) {
      deps.log.warn('A Vigil message could not be read in full; posting its text', {
        messageId: record.messageId,
        problem: message.problem,
      });
    }
    try {
      if (await deps.markers.has(deps.channel, message.key)) {
        alreadyPosted++;
        deps.log.info('Already posted to Slack; skipping the redelivered message', describe(message));
        continue;
      }
      const url = await deps.webhook.url();
      validate(url, deps);
      const asText = await postOne(url, message, deps);
      posted++;
      if (asText) postedAsText++;
    } catch (error) {
      if (error instanceof SlackWebhookError && error.status !== undefined && WEBHOOK_GONE.has(error.status)) {
        deps.webhook.invalidate();
      }
      failed.push(record.messageId);
      deps.log.error('Posting to Slack failed; the message will be retried', {
        messageId: record.messageId,
        ...describe(message),
        retryable: error instanceof SlackWebhookError ? error.retryable : true,
        ...errorFields(error),
      });
      continue;
    }
    try {
      const outcome = await deps.markers.put(deps.channel, message.key, {
        postedAt: (deps.now ?? (() => new Date()))().toISOString(),
        ...(message.kind === 'vigil'
          ? { subject: message.input.subject, eventIds: message.input.document.eventIds }
          : message.subject === undefined
            ? {}
            : { subject: message.subject }),
      });
      if (outcome === 'exists') {
        deps.log.warn('Another invocation posted this message at the same time; it may show twice', describe(message));
      }
    } catch (error) {
      // The message is in Slack: failing it would post it again. Logged instead, with its key.
      deps.log.error('Posted to Slack but the post marker could not be written; a redelivery would post it again', {
        messageId: record.messageId,
        ...describe(message),
        ...errorFields(error),
      });
    }
  }

  return { received: records.length, posted, alreadyPosted, postedAsText, failed };
}

/** The validator's verdict, with where the URL came from and how to fix it. */
function validate(url: string, deps: SlackForwarderDeps): void {
  try {
    deps.validateUrl(url);
  } catch (error) {
    if (!(error instanceof SlackWebhookError)) throw error;
    throw new SlackWebhookError(`${error.message} ${deps.webhook.fixHint}`, { retryable: false, cause: error });
  }
}

/** Posts one message; true when it went out as plain text because Slack refused the blocks. */
async function postOne(url: string, message: QueuedMessage, deps: SlackForwarderDeps): Promise<boolean> {
  if (message.kind === 'plain') {
    await deps.poster.post(url, plainSlackMessage(message.subject, message.text));
    return false;
  }
  try {
    await deps.poster.post(url, slackMessage(message.input));
    return false;
  } catch (error) {
    // 400 (invalid_payload, invalid_blocks, ...) is about the blocks, not the message:
    // the subject and email text still reach the channel.
    if (!(error instanceof SlackWebhookError) || error.status !== 400) throw error;
    deps.log.warn('Slack refused the blocks; posting the message as plain text', {
      ...describe(message),
      slackError: error.slackError,
    });
    await deps.poster.post(url, plainSlackMessage(message.input.subject, message.input.text));
    return true;
  }
}
