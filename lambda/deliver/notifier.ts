/**
 * Deliver: the only publisher. It takes events from two places, the table's
 * stream (new events, at once) and the outbox sweeper (events nobody
 * handled, and retries that are due), and handles both the same way:
 *
 * 1. Only what is owed: an event whose `notify` outbox entry is gone was
 *    handled before (delivered, parked, or had nothing to send), so a
 *    replayed stream record or a loosened rule never sends old news.
 * 2. Plan the notices (rules.ts), claim every event a notice covers
 *    (record/delivery-ledger.ts: one winner among concurrent notifiers),
 *    publish, record the delivery, and settle the outbox entries.
 * 3. A message SNS refuses for good is re-sent in a safe form, and parked if
 *    that is refused too; a transient failure moves the events to the retry
 *    partition with backoff. Either way the next notice goes on: one event
 *    never holds back another.
 * 4. A notice that an active silence or an open maintenance window matches
 *    (silences.ts) is claimed like any other, then recorded as silenced
 *    beside each event it covers instead of being published, and settled:
 *    it is never sent, not even once the silence ends. The silences are read
 *    once per pass, and only when there is something to publish.
 */
import { randomUUID } from 'node:crypto';
import type { MaintenanceWindow, Rules } from '../config/settings';
import { errorFields, type Log } from '../core/log';
import type { DeliveryLedger } from '../record/delivery-ledger';
import type { GuardStops } from '../record/guard-ledger';
import { nextRetry, type Outbox, type OutboxEntry } from '../record/outbox';
import type { ActiveSilences, Silence } from '../record/silences';
import { readEvents, type StreamRecordInput } from '../record/stream-events';
import type { VigilEvent } from '../record/vigil-event';
import { compose, type Notification } from './compose';
import { foldStops } from './guard-stops';
import { publishSafely } from './publish-safely';
import { type Notice, planNotices } from './rules';
import { type Muting, mutingOf } from './silences';
import type { Publisher } from './sns-publisher';

/** How long a claim holds before another notifier may take the events over. */
export const DEFAULT_LEASE_MS = 180_000;

/** How old a first-handling outbox entry must be before the sweeper takes it (the stream had its chance). */
export const DEFAULT_STALE_AFTER_MS = 5 * 60_000;

/** Entries one sweep handles at most; the rest wait for the next sweep. */
export const DEFAULT_SWEEP_LIMIT = 500;

export interface NotifierDeps {
  readonly ledger: DeliveryLedger;
  /** Where stops of remote access sessions are found, to announce each stop once (guard-stops.ts). */
  readonly guardStops?: GuardStops;
  readonly outbox: Outbox;
  readonly publisher: Publisher;
  readonly rules: Rules;
  readonly log: Log;
  /** Who claims events: unique per process or Lambda container. @default a random id per deps object */
  readonly owner?: string;
  /** @default DEFAULT_LEASE_MS */
  readonly leaseMs?: number;
  /** Called after each successful publish (the CLI prints it). */
  readonly onPublished?: (notification: Notification, messageId: string) => void;
  /** Where the active silences are read (once per pass). @default no silences */
  readonly silences?: ActiveSilences;
  /** Maintenance windows (settings `maintenanceWindows`). @default none */
  readonly windows?: readonly MaintenanceWindow[];
  /** Called for each notice a silence or window muted (the CLI prints it). */
  readonly onSilenced?: (notification: Notification, muting: Muting) => void;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** What one delivery pass did. */
export interface DeliveryReport {
  /** Events read (from the stream batch or the outbox). */
  readonly events: number;
  /** Events owed nothing (handled before) or held by another notifier's live claim. */
  readonly alreadyHandled: number;
  /** Messages published. */
  readonly published: number;
  /** Events whose notification SNS refused for good (`vigil undelivered` lists them). */
  readonly parked: number;
  /** Events whose publish failed for now; they are retried with backoff. */
  readonly retrying: number;
  /** Events no rule notifies (settled without a message). */
  readonly nothingToSend: number;
  /** Events a silence or a maintenance window muted (recorded as silenced, never sent). */
  readonly silenced: number;
  /** Stream records that are not readable events (logged and skipped). */
  readonly rejected: number;
  /** Stream records to hand back as batchItemFailures (the table itself failed: retry the batch). */
  readonly failedSequenceNumbers: readonly string[];
}

export const EMPTY_REPORT: DeliveryReport = {
  events: 0,
  alreadyHandled: 0,
  published: 0,
  parked: 0,
  retrying: 0,
  nothingToSend: 0,
  silenced: 0,
  rejected: 0,
  failedSequenceNumbers: [],
};

const owners = new WeakMap<NotifierDeps, string>();

/** The claim owner of these deps: given, or one random id kept for the deps' lifetime. */
function ownerOf(deps: NotifierDeps): string {
  if (deps.owner !== undefined) return deps.owner;
  let owner = owners.get(deps);
  if (owner === undefined) {
    owner = `vigil-${randomUUID()}`;
    owners.set(deps, owner);
  }
  return owner;
}

/**
 * Delivers what is owed among `events`. With `entries` (their outbox
 * entries, by event id), only events that have one are owed; without it
 * (`vigil undelivered --retry`), every event is.
 */
export async function deliverEvents(
  events: readonly VigilEvent[],
  deps: NotifierDeps,
  entries?: ReadonlyMap<string, OutboxEntry>,
): Promise<DeliveryReport> {
  const now = (deps.now ?? (() => new Date()))();
  const owner = ownerOf(deps);
  const entryOf = (event: VigilEvent) => entries?.get(event.eventId);
  const owed = entries === undefined ? [...events] : events.filter((e) => entries.has(e.eventId));
  const slots = await deps.ledger.slots(owed);
  const settle: OutboxEntry[] = [];
  const pending: VigilEvent[] = [];
  let held = 0;
  for (const event of owed) {
    const slot = slots.get(event.eventId);
    if (slot?.state === 'delivered' || slot?.state === 'parked' || slot?.state === 'silenced') {
      // Finished by someone who crashed before settling: only the tidying is left.
      const entry = entryOf(event);
      if (entry !== undefined) settle.push(entry);
    } else if (slot?.state === 'claimed' && slot.claim.owner !== owner && slot.claim.leaseUntil > now.toISOString()) {
      held++;
    } else {
      pending.push(event);
    }
  }

  const counts = { published: 0, parked: 0, retrying: 0, nothingToSend: 0, silenced: 0, held };
  // Read once, when the first notice needs them: an idle pass reads nothing.
  let silences: Promise<readonly Silence[]> | undefined;
  const mutingFor = async (notice: Notice, notification: Notification): Promise<Muting | undefined> => {
    if (deps.silences === undefined && (deps.windows ?? []).length === 0) return undefined;
    silences ??= deps.silences?.active(now) ?? Promise.resolve([]);
    return mutingOf(notice, notification, await silences, deps.windows ?? [], now);
  };
  const folding = await foldStops(pending, deps, now, owner);
  counts.held += folding.waiting.length;
  for (const { completion, delivery } of folding.announced) {
    // The stop's message told it already: this completion is delivered by that message.
    const { eventId: _stop, ...record } = delivery;
    await deps.ledger.recordDelivery([completion], record);
    const entry = entryOf(completion);
    if (entry !== undefined) settle.push(entry);
  }
  const queue: Notice[] = [...folding.notices];
  const plan = (candidates: readonly VigilEvent[]) => {
    const notices = planNotices(candidates, deps.rules);
    const covered = new Set(notices.flatMap((n) => n.covers.map((e) => e.eventId)));
    for (const event of candidates) {
      if (covered.has(event.eventId)) continue;
      counts.nothingToSend++;
      const entry = entryOf(event);
      if (entry !== undefined) settle.push(entry);
    }
    queue.push(...notices);
  };
  plan(folding.rest);

  for (let notice = queue.shift(); notice !== undefined; notice = queue.shift()) {
    const covers: readonly VigilEvent[] = notice.covers;
    const notification = compose(notice);
    const muting = await mutingFor(notice, notification);
    const lost = await deps.ledger.claim(
      covers,
      { owner, leaseUntil: new Date(now.getTime() + (deps.leaseMs ?? DEFAULT_LEASE_MS)).toISOString() },
      now,
    );
    if (lost.size > 0) {
      // Another notifier holds some of them: plan again without those. A
      // completion whose stop another notifier is announcing waits for it.
      counts.held += lost.size;
      const rest = covers.filter((e) => !lost.has(e.eventId));
      if (notice.type === 'guard' && notice.finished !== undefined && lost.has(notice.subject.eventId)) {
        counts.held += rest.length;
        continue;
      }
      plan(rest);
      continue;
    }
    if (muting !== undefined) {
      await deps.ledger.silence(covers, {
        subject: notification.subject,
        eventType: notice.type,
        silencedBy: muting.by,
        reason: muting.reason,
        silencedAt: now.toISOString(),
      });
      counts.silenced += covers.length;
      deps.log.info('A silence muted a notification; it is recorded and never sent', {
        subject: notification.subject,
        silencedBy: muting.by,
        eventIds: covers.map((e) => e.eventId),
      });
      deps.onSilenced?.(notification, muting);
      settle.push(...covers.map(entryOf).filter((e): e is OutboxEntry => e !== undefined));
      continue;
    }
    await publishNotice(notice, notification, covers, deps, owner, now, counts, entryOf, settle);
  }
  await deps.outbox.settle(settle);
  return {
    ...EMPTY_REPORT,
    events: events.length,
    alreadyHandled: events.length - owed.length + counts.held + folding.announced.length,
    published: counts.published,
    parked: counts.parked,
    retrying: counts.retrying,
    nothingToSend: counts.nothingToSend,
    silenced: counts.silenced,
  };
}

async function publishNotice(
  notice: Notice,
  notification: Notification,
  covers: readonly VigilEvent[],
  deps: NotifierDeps,
  owner: string,
  now: Date,
  counts: { published: number; parked: number; retrying: number },
  entryOf: (event: VigilEvent) => OutboxEntry | undefined,
  settle: OutboxEntry[],
): Promise<void> {
  const eventIds = covers.map((e) => e.eventId);
  const outcome = await publishSafely(deps.publisher, notification);
  const entries = covers.map(entryOf).filter((e): e is OutboxEntry => e !== undefined);
  if (outcome.kind === 'published') {
    counts.published++;
    deps.onPublished?.(outcome.sent, outcome.messageId);
    if (outcome.safeForm) {
      deps.log.warn('SNS refused a notification; its safe form was sent instead', {
        subject: notification.subject,
        eventIds,
        messageId: outcome.messageId,
      });
    }
    try {
      await deps.ledger.recordDelivery(covers, {
        messageId: outcome.messageId,
        subject: outcome.sent.subject,
        eventType: notice.type,
        deliveredAt: now.toISOString(),
        ...(outcome.safeForm ? { safeForm: true } : {}),
      });
      settle.push(...entries);
    } catch (error) {
      // The message went out. Its entries stay: when the claim's lease has
      // passed, the sweeper finds them, and publishes again only if the
      // delivery record is still missing (the one at-least-once window).
      deps.log.error('A notification was published but its delivery record could not be written', {
        messageId: outcome.messageId,
        eventIds,
        ...errorFields(error),
      });
    }
    return;
  }
  if (outcome.kind === 'refused') {
    counts.parked += covers.length;
    deps.log.error('SNS refused a notification for good, in full and in its safe form; its events are parked', {
      subject: notification.subject,
      eventIds,
      error: outcome.error,
    });
    await deps.ledger.park(covers, {
      subject: notification.subject,
      eventType: notice.type,
      error: outcome.error,
      parkedAt: now.toISOString(),
    });
    settle.push(...entries);
    return;
  }
  counts.retrying += covers.length;
  deps.log.error('Publishing a notification failed; its events are retried with backoff', {
    subject: notification.subject,
    eventIds,
    error: outcome.error,
  });
  await deps.ledger.release(covers, owner);
  for (const event of covers) {
    const entry = entryOf(event);
    await deps.outbox.retryLater('notify', event, entry, nextRetry(entry, outcome.error, now));
  }
}

/**
 * The stream path: a batch of stream records (Lambda's or the CLI's). Only
 * a failure of the table itself fails the batch (Lambda retries it; what
 * was done is not done twice); a failed publish never does.
 */
export async function notifyBatch(records: readonly StreamRecordInput[], deps: NotifierDeps): Promise<DeliveryReport> {
  const { events, rejected } = readEvents(records);
  for (const r of rejected) {
    deps.log.error('Skipping a stream record that is not a readable event', {
      sequenceNumber: r.sequenceNumber,
      reason: r.reason,
    });
  }
  const read = events.map((e) => e.event);
  try {
    const entries = await deps.outbox.waiting('notify', read);
    return { ...(await deliverEvents(read, deps, entries)), rejected: rejected.length };
  } catch (error) {
    deps.log.error('Delivering a stream batch failed; it is retried', errorFields(error));
    const first = records[0]?.dynamodb?.SequenceNumber;
    return {
      ...EMPTY_REPORT,
      events: read.length,
      rejected: rejected.length,
      failedSequenceNumbers: first === undefined ? [] : [first],
    };
  }
}

/** What a sweep does per run. */
export interface SweepOptions {
  /** @default DEFAULT_STALE_AFTER_MS */
  readonly staleAfterMs?: number;
  /** @default DEFAULT_SWEEP_LIMIT */
  readonly limit?: number;
}

/**
 * The outbox sweeper: delivers events whose stream record nobody handled
 * (older than `staleAfterMs`), and retries that are due. On an idle table
 * this is two Queries that read nothing.
 */
export async function sweepNotifications(
  deps: NotifierDeps,
  options: SweepOptions = {},
): Promise<DeliveryReport & { readonly swept: number }> {
  const now = (deps.now ?? (() => new Date()))();
  const staleBefore = new Date(now.getTime() - (options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS));
  const due = await deps.outbox.due('notify', now, staleBefore, options.limit ?? DEFAULT_SWEEP_LIMIT);
  if (due.length === 0) return { ...EMPTY_REPORT, swept: 0 };
  const { found, missing } = await deps.outbox.load(due);
  if (missing.length > 0) {
    deps.log.warn('Outbox entries whose events are gone (expired) were removed', { entries: missing.length });
    await deps.outbox.settle(missing);
  }
  const entries = new Map<string, OutboxEntry>();
  for (const [entry, event] of found) entries.set(event.eventId, entry);
  const missed = [...found.keys()].filter((e) => e.attempts === 0).length;
  if (missed > 0) {
    deps.log.warn('The sweeper found events the stream path never handled; delivering them now', { events: missed });
  }
  const report = await deliverEvents([...found.values()], deps, entries);
  return { ...report, swept: found.size };
}
