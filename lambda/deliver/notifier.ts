/**
 * Deliver: the only publisher. For a batch of stream records it reads the
 * new events, drops those already delivered (a retried batch publishes
 * nothing twice), plans the notices, publishes each, and records delivery
 * beside every event it covered. A failed publish is reported as a batch
 * item failure so only that part of the batch is retried; a record that
 * cannot be read is logged and skipped, since retrying cannot fix it.
 */
import { errorFields, type Log } from '../core/log';
import type { Rules } from '../core/settings';
import type { DeliveryLog } from '../record/history-store';
import type { VigilEvent } from '../record/vigil-event';
import { compose, type Notification } from './compose';
import { planNotices } from './rules';
import type { Publisher } from './sns-publisher';
import { readEvents, type StreamRecordInput } from './stream-events';

export interface NotifierDeps {
  readonly deliveries: DeliveryLog;
  readonly publisher: Publisher;
  readonly rules: Rules;
  readonly log: Log;
  /** Called after each successful publish (the CLI prints it). */
  readonly onPublished?: (notification: Notification, messageId: string) => void;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** What one batch did. `failedSequenceNumbers` go back to Lambda as batchItemFailures. */
export interface NotifyReport {
  readonly events: number;
  readonly alreadyDelivered: number;
  readonly published: number;
  readonly rejected: number;
  readonly failedSequenceNumbers: readonly string[];
}

export async function notifyBatch(records: readonly StreamRecordInput[], deps: NotifierDeps): Promise<NotifyReport> {
  const { events, rejected } = readEvents(records);
  for (const r of rejected) {
    deps.log.error('Skipping a stream record that is not a readable event', {
      sequenceNumber: r.sequenceNumber,
      reason: r.reason,
    });
  }
  const delivered = await deps.deliveries.delivered(events.map((e) => e.event));
  const pending = events.filter((e) => !delivered.has(e.event.eventId));
  const sequenceOf = new Map<string, string>(pending.map((e) => [e.event.eventId, e.sequenceNumber]));

  const failed: string[] = [];
  let published = 0;
  for (const notice of planNotices(
    pending.map((e) => e.event),
    deps.rules,
  )) {
    const notification = compose(notice);
    let messageId: string;
    try {
      ({ messageId } = await deps.publisher.publish(notification));
    } catch (error) {
      deps.log.error('Publishing a notification failed; its events will be retried', {
        subject: notification.subject,
        eventIds: (notice.covers as readonly VigilEvent[]).map((e) => e.eventId),
        ...errorFields(error),
      });
      for (const e of notice.covers) {
        const sequence = sequenceOf.get(e.eventId);
        if (sequence !== undefined) failed.push(sequence);
      }
      continue;
    }
    published++;
    deps.onPublished?.(notification, messageId);
    try {
      await deps.deliveries.recordDelivery(notice.covers, {
        messageId,
        subject: notification.subject,
        eventType: notice.type,
        deliveredAt: (deps.now ?? (() => new Date()))().toISOString(),
      });
    } catch (error) {
      // The message went out: retrying the batch would send it again, so the
      // missing record is logged (with the SNS message id) instead.
      deps.log.error('A notification was published but its delivery record could not be written', {
        messageId,
        eventIds: (notice.covers as readonly VigilEvent[]).map((e) => e.eventId),
        ...errorFields(error),
      });
    }
  }
  return {
    events: events.length,
    alreadyDelivered: events.length - pending.length,
    published,
    rejected: rejected.length,
    failedSequenceNumbers: failed,
  };
}
