/**
 * `vigil undelivered [--retry] [--json]`: the events whose notification SNS
 * refused for good (parked by the notifier, alarmed as NotificationsParked),
 * with the error; `--retry` puts each back in the outbox, due now, takes it
 * off the list, and runs the outbox sweep: the same notifier code delivers
 * it (claimed first, so never twice), or parks it again.
 */
import { DEFAULT_STALE_AFTER_MS, type NotifierDeps, sweepNotifications } from '../deliver/notifier';
import type { DeliveryLedger, ParkedRecord } from '../record/delivery-ledger';
import type { Outbox, OutboxEntry } from '../record/outbox';
import type { CliIo } from './io';

export interface UndeliveredOptions {
  readonly retry: boolean;
  readonly json: boolean;
}

/** Lists parked events, or with `retry` delivers them again; exit 1 when some remain parked. */
export async function undeliveredCommand(
  options: UndeliveredOptions,
  deps: { readonly ledger: DeliveryLedger; readonly outbox: Outbox; readonly notifier: () => NotifierDeps },
  io: CliIo,
): Promise<number> {
  const parked = await deps.ledger.parked();
  if (!options.retry) {
    if (options.json) io.out(JSON.stringify(parked, null, 2));
    else if (parked.length === 0)
      io.out('Nothing is parked: every notification was delivered or is still being retried.');
    else {
      io.out(
        `${parked.length} event${parked.length === 1 ? '' : 's'} not delivered (SNS refused the message for good):`,
      );
      for (const p of parked) {
        io.out(`  ${p.parkedAt}  ${p.eventType}  ${p.subject}`);
        io.out(`  ${' '.repeat(p.parkedAt.length)}  event ${p.eventId}`);
        io.out(`  ${' '.repeat(p.parkedAt.length)}  error: ${p.error}`);
      }
      io.out('Fix the cause (the error says what SNS refused), then run vigil undelivered --retry.');
    }
    return 0;
  }
  if (parked.length === 0) {
    io.out('Nothing is parked.');
    return 0;
  }
  const notifier = deps.notifier();
  const now = new Date();
  const { found, missing } = await deps.outbox.load(parked.map(asEntry));
  const byKey = new Map([...found].map(([entry, event]) => [`${entry.eventKey.pk}|${entry.eventKey.sk}`, event]));
  for (const record of parked) {
    const event = byKey.get(`${record.eventKey.pk}|${record.eventKey.sk}`);
    // Back in the outbox first, then off the parked list: a crash in between leaves it owed, never lost.
    if (event !== undefined) {
      await deps.outbox.retryLater('notify', event, undefined, {
        attempts: 1,
        dueAt: now.toISOString(),
        error: `parked: ${record.error}`,
      });
    }
    await deps.ledger.unpark(record);
  }
  for (const entry of missing)
    io.err(`The event at ${entry.eventKey.pk} has expired from the history; it was taken off the list.`);
  const report = await sweepNotifications(notifier, { staleAfterMs: DEFAULT_STALE_AFTER_MS });
  io.out(
    `Retried ${found.size} parked event${found.size === 1 ? '' : 's'}: ${report.published} notification(s) published, ` +
      `${report.parked} event(s) parked again, ${report.retrying} waiting for a retry.`,
  );
  return report.parked > 0 ? 1 : 0;
}

/** A parked record as an outbox entry, to load its event. */
function asEntry(record: ParkedRecord): OutboxEntry {
  return { queue: 'notify', key: record.eventKey, eventKey: record.eventKey, at: record.parkedAt, attempts: 0 };
}
