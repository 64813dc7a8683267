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
import type { Log } from '../../core/log';
import { type BatchReport, type ForwardOptions, forwardBatch } from '../forward-batch';
import type { PostMarkers } from '../slack/post-markers';
import type { QueuedRecord } from '../slack/queued-message';
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

/** Statuses that mean the credential was refused: read the secret again next time. */
const CREDENTIAL_REFUSED = new Set([401, 403]);

/** Forwards a batch (forward-batch.ts); never throws (a failure is reported per message). */
export function forwardToChannel(
  records: readonly QueuedRecord[],
  deps: ChannelForwarderDeps,
  options: ForwardOptions = {},
): Promise<BatchReport> {
  const { target } = deps;
  return forwardBatch(
    records,
    {
      service: target.service,
      deliver: async (message) => ((await target.deliver(message)) === 0 ? 'nothing-to-send' : 'posted'),
      failed: (error) => {
        if (error instanceof ChannelPostError && error.status !== undefined && CREDENTIAL_REFUSED.has(error.status)) {
          target.invalidate();
        }
        return { retryable: error instanceof ChannelPostError ? error.retryable : true };
      },
    },
    deps,
    options,
  );
}
