/**
 * Shared by the stream consumers (accountant, guard): read the batch's
 * events, process each, and report the ones that failed as batch item
 * failures so Lambda retries from the first failure (the work is idempotent,
 * so what already succeeded is not done twice).
 */
import type { DynamoDBBatchResponse } from 'aws-lambda';
import { errorFields, type Log } from '../core/log';
import { readEvents, type StreamRecordInput } from '../deliver/stream-events';
import type { ChangeEvent } from '../record/change-event';
import { isChangeEvent } from '../record/vigil-event';

export async function eachChange(
  records: readonly StreamRecordInput[],
  log: Log,
  work: (event: ChangeEvent) => Promise<void>,
): Promise<DynamoDBBatchResponse> {
  const { events, rejected } = readEvents(records);
  for (const r of rejected) log.error('Skipping a stream record that is not a readable event', { ...r });
  for (const { event, sequenceNumber } of events) {
    if (!isChangeEvent(event)) continue;
    try {
      await work(event);
    } catch (error) {
      log.error('Processing a change failed; the batch is retried from it', {
        eventId: event.eventId,
        ...errorFields(error),
      });
      // Lambda retries from the first failed record, so later ones wait for it.
      return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
    }
  }
  return { batchItemFailures: [] };
}
