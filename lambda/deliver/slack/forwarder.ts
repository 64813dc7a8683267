/**
 * The Slack forwarder: each queued notification posted as Block Kit to the
 * channel's webhook (as plain text when Slack refuses the blocks, so the
 * words still arrive), on the loop every forwarder runs (forward-batch.ts:
 * post markers, partial batch failures, the two windows that remain).
 * Slack webhooks take no idempotency key, so those windows cannot be closed
 * here.
 */
import type { Log } from '../../core/log';
import { type BatchReport, describeMessage, type ForwardOptions, forwardBatch } from '../forward-batch';
import { slackMessage } from './blocks';
import type { PostMarkers } from './post-markers';
import type { QueuedMessage, QueuedRecord } from './queued-message';
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

/** Slack statuses that mean the webhook itself is gone or revoked: read the secret again next time. */
const WEBHOOK_GONE = new Set([401, 403, 404, 410]);

const TEXT_MAX = 3000;

/** A plain-text Slack message (no blocks): for non-Vigil messages and as a fallback. */
export function plainSlackMessage(subject: string | undefined, text: string) {
  const body = subject ? `*${escapeMrkdwn(subject)}*\n${escapeMrkdwn(text)}` : escapeMrkdwn(text);
  return { text: clip(body, TEXT_MAX), unfurl_links: false, unfurl_media: false };
}

/** Forwards a batch (forward-batch.ts); never throws (a failure is reported per message). */
export function forwardToSlack(
  records: readonly QueuedRecord[],
  deps: SlackForwarderDeps,
  options: ForwardOptions = {},
): Promise<BatchReport> {
  return forwardBatch(
    records,
    {
      service: 'Slack',
      deliver: async (message) => {
        if (message.kind === 'plain' && message.problem !== undefined) {
          deps.log.warn('A Vigil message could not be read in full; posting its text', {
            key: message.key,
            problem: message.problem,
          });
        }
        const url = await deps.webhook.url();
        validate(url, deps);
        return (await postOne(url, message, deps)) ? 'posted-as-text' : 'posted';
      },
      failed: (error) => {
        if (error instanceof SlackWebhookError && error.status !== undefined && WEBHOOK_GONE.has(error.status)) {
          deps.webhook.invalidate();
        }
        return { retryable: error instanceof SlackWebhookError ? error.retryable : true };
      },
    },
    deps,
    options,
  );
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
      ...describeMessage(message),
      slackError: error.slackError,
    });
    await deps.poster.post(url, plainSlackMessage(message.input.subject, message.input.text));
    return true;
  }
}
