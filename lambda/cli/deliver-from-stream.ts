/** The notifier as a CLI stream consumer: same filter as its Lambda, same batches. */
import { type NotifierDeps, notifyBatch } from '../deliver/notifier';
import { isNewEventRecord } from '../record/stream-filter';
import { consumeStream } from './consume-stream';
import type { StreamFollower } from './stream-follower';

export interface DeliveryTotals {
  readonly events: number;
  readonly published: number;
  readonly alreadyDelivered: number;
  readonly failed: number;
}

export async function deliverFromStream(follower: StreamFollower, deps: NotifierDeps): Promise<DeliveryTotals> {
  const reports = await consumeStream({
    follower,
    accepts: isNewEventRecord,
    process: (batch) => notifyBatch(batch, deps),
  });
  return {
    events: reports.reduce((n, r) => n + r.events, 0),
    published: reports.reduce((n, r) => n + r.published, 0),
    alreadyDelivered: reports.reduce((n, r) => n + r.alreadyDelivered, 0),
    failed: reports.reduce((n, r) => n + r.failedSequenceNumbers.length, 0),
  };
}
