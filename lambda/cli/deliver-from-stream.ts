/**
 * The notifier and the reactors as CLI stream consumers: the same filters
 * and batches as their Lambdas, each from its own checkpoint.
 */
import { type DeliveryReport, EMPTY_REPORT, type NotifierDeps, notifyBatch } from '../deliver/notifier';
import { type ReactionReport, type ReactorDeps, reactBatch } from '../react/reactor';
import { isChangeEventRecord, isNewEventRecord } from '../record/stream-filter';
import { consumeStream } from './consume-stream';
import type { StreamFollower } from './stream-follower';

/** One cycle's delivery from the stream, summed over its batches. */
export interface DeliveryTotals extends Omit<DeliveryReport, 'failedSequenceNumbers'> {
  /** Stream batches that failed (the table itself failed); read again next cycle. */
  readonly failedBatches: number;
}

/** Adds up delivery reports. */
export function sumDelivery(reports: readonly DeliveryReport[]): DeliveryTotals {
  const sum = (pick: (r: DeliveryReport) => number) => reports.reduce((n, r) => n + pick(r), 0);
  return {
    events: sum((r) => r.events),
    alreadyHandled: sum((r) => r.alreadyHandled),
    published: sum((r) => r.published),
    parked: sum((r) => r.parked),
    retrying: sum((r) => r.retrying),
    nothingToSend: sum((r) => r.nothingToSend),
    silenced: sum((r) => r.silenced),
    rejected: sum((r) => r.rejected),
    failedBatches: reports.filter((r) => r.failedSequenceNumbers.length > 0).length,
  };
}

export const NO_DELIVERY = sumDelivery([EMPTY_REPORT]);

export async function deliverFromStream(follower: StreamFollower, deps: NotifierDeps): Promise<DeliveryTotals> {
  return sumDelivery(
    await consumeStream({ follower, accepts: isNewEventRecord, process: (batch) => notifyBatch(batch, deps) }),
  );
}

/**
 * The reactors' stream consumer: Device Farm change events (sessions,
 * minutes, runs and jobs finishing), and Deadline jobs' when reminders of
 * Deadline jobs are on.
 */
export async function reactFromStream(
  follower: StreamFollower,
  deps: ReactorDeps,
): Promise<{ handled: number; retrying: number; failedBatches: number }> {
  const deadlineJobs = deps.reminders?.settings.deadlineJobs === true;
  const reports: ReactionReport[] = await consumeStream({
    follower,
    accepts: (record) => isChangeEventRecord(record, deadlineJobs),
    process: (batch) => reactBatch(batch, deps),
  });
  return {
    handled: reports.reduce((n, r) => n + r.handled, 0),
    retrying: reports.reduce((n, r) => n + r.retrying, 0),
    failedBatches: reports.filter((r) => r.failedSequenceNumbers.length > 0).length,
  };
}
