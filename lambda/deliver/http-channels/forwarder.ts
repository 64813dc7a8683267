/**
 * The forwarder of a PagerDuty, Opsgenie or webhook channel, on the same
 * path as Slack's (deliver/slack/forwarder.ts): the channel's SQS queue,
 * a post marker per message so a redelivered message is not posted twice,
 * the poster's 429/5xx handling, partial batch failures so only the failed
 * messages come back, and after 5 receives the dead-letter queue. A
 * message's steps that went through before a failure are not sent again on
 * its retry either: a trigger is recorded as an open incident as soon as it
 * is accepted (PagerDuty and Opsgenie fold a repeated trigger into the same
 * incident), a resolve closes its incident as soon as it is accepted.
 */
import { errorFields, type Log } from '../../core/log';
import type { PostMarkers } from '../slack/post-markers';
import { type QueuedMessage, type QueuedRecord, readQueuedMessage } from '../slack/queued-message';
import { ChannelPostError } from './credentials';
import type { ChannelTarget } from './targets';

export interface ChannelForwarderDeps {
  /** The marker partition: `<type>/<channel name>`. */
  readonly channel: string;
  readonly target: ChannelTarget;
  readonly markers: PostMarkers;
  readonly log: Log;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** What one batch did. `failed` are SQS message ids, returned as batchItemFailures. */
export interface ChannelForwardReport {
  readonly received: number;
  /** Messages that needed requests, all of which went through. */
  readonly posted: number;
  readonly alreadyPosted: number;
  /** Messages the channel has nothing to do with (a pager and an info notice). */
  readonly nothingToSend: number;
  readonly failed: readonly string[];
}

/** Time kept back at the end of an invocation: a post with its retries must not be cut off. */
export const TIME_RESERVE_MS = 20_000;

/** Statuses that mean the credential was refused: read the secret again next time. */
const CREDENTIAL_REFUSED = new Set([401, 403]);

function describe(message: QueuedMessage): Record<string, unknown> {
  return message.kind === 'vigil'
    ? { key: message.key, subject: message.input.subject, eventIds: message.input.document.eventIds }
    : { key: message.key, subject: message.subject, plain: true };
}

/** Forwards a batch; never throws (a failure is reported per message). */
export async function forwardToChannel(
  records: readonly QueuedRecord[],
  deps: ChannelForwarderDeps,
  options: { readonly remainingMs?: () => number } = {},
): Promise<ChannelForwardReport> {
  const failed: string[] = [];
  let posted = 0;
  let alreadyPosted = 0;
  let nothingToSend = 0;
  const service = deps.target.service;

  for (const record of records) {
    if (options.remainingMs !== undefined && options.remainingMs() < TIME_RESERVE_MS) {
      deps.log.warn('Too little time left in this invocation; leaving the message for a retry', {
        messageId: record.messageId,
      });
      failed.push(record.messageId);
      continue;
    }
    const message = readQueuedMessage(record);
    let requests: number;
    try {
      if (await deps.markers.has(deps.channel, message.key)) {
        alreadyPosted++;
        deps.log.info(`Already posted to ${service}; skipping the redelivered message`, describe(message));
        continue;
      }
      requests = await deps.target.deliver(message);
    } catch (error) {
      if (error instanceof ChannelPostError && error.status !== undefined && CREDENTIAL_REFUSED.has(error.status)) {
        deps.target.invalidate();
      }
      failed.push(record.messageId);
      deps.log.error(`Posting to ${service} failed; the message will be retried`, {
        messageId: record.messageId,
        ...describe(message),
        retryable: error instanceof ChannelPostError ? error.retryable : true,
        ...errorFields(error),
      });
      continue;
    }
    if (requests === 0) {
      nothingToSend++;
      continue;
    }
    posted++;
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
        deps.log.warn(`Another invocation posted this message to ${service} at the same time`, describe(message));
      }
    } catch (error) {
      // Posted: failing it would post it again. Logged instead, with its key.
      deps.log.error(
        `Posted to ${service} but the post marker could not be written; a redelivery would post it again`,
        {
          messageId: record.messageId,
          ...describe(message),
          ...errorFields(error),
        },
      );
    }
  }
  return { received: records.length, posted, alreadyPosted, nothingToSend, failed };
}
