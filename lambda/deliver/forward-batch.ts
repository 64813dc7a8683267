/**
 * The loop every channel forwarder runs over its SQS batch (Slack,
 * PagerDuty, Opsgenie, webhooks): for each queued notification, skip it if
 * its post marker says it went out already, deliver it, then write the
 * marker; a message that fails is reported back so only it is retried by
 * SQS (and after 5 receives it lands in the dead-letter queue).
 *
 * The marker is written AFTER a successful delivery (one written before
 * would lose the message if the delivery then failed) and checked BEFORE,
 * so a redelivered message whose delivery went through is skipped. Two
 * windows remain, both small: a crash between the service's answer and the
 * marker write (the message is redelivered and sent again), and the same SNS
 * message handled by two invocations at the same moment (both may send).
 */
import { errorFields, type Log } from '../core/log';
import type { PostMarkers } from './slack/post-markers';
import { type QueuedMessage, type QueuedRecord, readQueuedMessage } from './slack/queued-message';

/** How one message went out. */
export type Delivered = 'posted' | 'posted-as-text' | 'nothing-to-send';

/** What a forwarder does with one message, and with a failure. */
export interface ForwardTarget {
  /** The service's name in log lines: `Slack`, `PagerDuty`, `Opsgenie`, `the webhook`. */
  readonly service: string;
  /** Delivers one message; throws when it did not go out. */
  deliver(message: QueuedMessage): Promise<Delivered>;
  /** After a failed delivery (a refused credential is read again next time): whether a retry can help. */
  failed(error: unknown): { readonly retryable: boolean };
}

export interface ForwardBatchDeps {
  /** The marker partition: the channel's name (Slack), `<type>/<name>` (pagers, webhooks). */
  readonly channel: string;
  readonly markers: PostMarkers;
  readonly log: Log;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** What one batch did. `failed` are SQS message ids, returned as batchItemFailures. */
export interface BatchReport {
  readonly received: number;
  /** Messages that went out (as text after a refusal of the rich form included). */
  readonly posted: number;
  readonly alreadyPosted: number;
  /** Posted as plain text after the service refused the rich form (Slack's blocks). */
  readonly postedAsText: number;
  /** Messages the channel has nothing to do with (a pager and an info notice). */
  readonly nothingToSend: number;
  readonly failed: readonly string[];
}

export interface ForwardOptions {
  /** Milliseconds left in this invocation (Lambda's context.getRemainingTimeInMillis). */
  readonly remainingMs?: () => number;
}

/** Time kept back at the end of an invocation: a post with its retries must not be cut off by the timeout. */
export const TIME_RESERVE_MS = 20_000;

/** A message's key, subject and event ids, for log lines (never a URL or a key). */
export function describeMessage(message: QueuedMessage): Record<string, unknown> {
  return message.kind === 'vigil'
    ? { key: message.key, subject: message.input.subject, eventIds: message.input.document.eventIds }
    : { key: message.key, subject: message.subject, plain: true };
}

/** Forwards a batch; never throws (a failure is reported per message). */
export async function forwardBatch(
  records: readonly QueuedRecord[],
  target: ForwardTarget,
  deps: ForwardBatchDeps,
  options: ForwardOptions = {},
): Promise<BatchReport> {
  const { service } = target;
  const failed: string[] = [];
  let posted = 0;
  let alreadyPosted = 0;
  let postedAsText = 0;
  let nothingToSend = 0;

  for (const record of records) {
    if (options.remainingMs !== undefined && options.remainingMs() < TIME_RESERVE_MS) {
      deps.log.warn('Too little time left in this invocation; leaving the message for a retry', {
        messageId: record.messageId,
      });
      failed.push(record.messageId);
      continue;
    }
    const message = readQueuedMessage(record);
    let delivered: Delivered;
    try {
      if (await deps.markers.has(deps.channel, message.key)) {
        alreadyPosted++;
        deps.log.info(`Already posted to ${service}; skipping the redelivered message`, describeMessage(message));
        continue;
      }
      delivered = await target.deliver(message);
    } catch (error) {
      const { retryable } = target.failed(error);
      failed.push(record.messageId);
      deps.log.error(`Posting to ${service} failed; the message will be retried`, {
        messageId: record.messageId,
        ...describeMessage(message),
        retryable,
        ...errorFields(error),
      });
      continue;
    }
    if (delivered === 'nothing-to-send') {
      nothingToSend++;
      continue;
    }
    posted++;
    if (delivered === 'posted-as-text') postedAsText++;
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
        deps.log.warn(
          `Another invocation posted this message to ${service} at the same time; it may show twice`,
          describeMessage(message),
        );
      }
    } catch (error) {
      // It went out: failing it would send it again. Logged instead, with its key.
      deps.log.error(
        `Posted to ${service} but the post marker could not be written; a redelivery would post it again`,
        { messageId: record.messageId, ...describeMessage(message), ...errorFields(error) },
      );
    }
  }
  return { received: records.length, posted, alreadyPosted, postedAsText, nothingToSend, failed };
}
