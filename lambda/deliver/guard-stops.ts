/**
 * One message per stop. A session that the guard (or `vigil session stop`)
 * stopped ends at Device Farm a poll or two later, and its completion would
 * be a second message about the same stop. Before planning, the notifier
 * folds each such completion into the stop's message:
 *
 * - the stop's message has not gone out yet: one message, the stop's, with
 *   the session's final status and minutes, covering both events;
 * - it already went out: the completion is recorded as delivered by that
 *   message, and nothing is sent;
 * - another notifier is sending it right now: the completion waits (its
 *   outbox entry stays) until that message is recorded;
 * - it was refused for good (parked): the completion goes out as usual,
 *   since nothing else told anyone.
 */
import type { ChangeEvent } from '../record/change-event';
import type { DeliveryLedger, DeliveryRecord } from '../record/delivery-ledger';
import type { GuardStops } from '../record/guard-ledger';
import { isFinishing } from '../record/notable';
import type { GuardEvent, VigilEvent } from '../record/vigil-event';
import type { GuardNotice } from './rules';

export interface StopFolding {
  /** A stop and the completion it caused, sent as one message. */
  readonly notices: readonly GuardNotice[];
  /** Completions whose stop was already announced, with that message's record. */
  readonly announced: readonly { readonly completion: ChangeEvent; readonly delivery: DeliveryRecord }[];
  /** Completions waiting for the stop's message, which another notifier holds. */
  readonly waiting: readonly ChangeEvent[];
  /** Everything else, planned as usual. */
  readonly rest: readonly VigilEvent[];
}

const isCompletion = (e: VigilEvent): e is ChangeEvent =>
  e.eventType === 'change' && e.kind === 'remote-access-session' && isFinishing(e);

/** The stop message that covers `stop` and the session's `completion`. */
export function stopNotice(stop: GuardEvent, completion: ChangeEvent): GuardNotice {
  return { type: 'guard', subject: stop, jobs: [], finished: completion, covers: [stop, completion] };
}

export async function foldStops(
  pending: readonly VigilEvent[],
  deps: { readonly guardStops?: GuardStops; readonly ledger: DeliveryLedger },
  now: Date,
  owner: string,
): Promise<StopFolding> {
  const completions = pending.filter(isCompletion);
  const unchanged = { notices: [], announced: [], waiting: [], rest: pending };
  if (completions.length === 0 || deps.guardStops === undefined) return unchanged;
  const stops = await deps.guardStops.stopEvents(completions.map((c) => c.arn));
  if (stops.size === 0) return unchanged;

  const pendingIds = new Set(pending.map((e) => e.eventId));
  const elsewhere = [...stops.values()].filter((s) => !pendingIds.has(s.eventId));
  const slots = elsewhere.length === 0 ? new Map() : await deps.ledger.slots(elsewhere);
  const notices: GuardNotice[] = [];
  const announced: { completion: ChangeEvent; delivery: DeliveryRecord }[] = [];
  const waiting: ChangeEvent[] = [];
  const taken = new Set<string>();
  for (const completion of completions) {
    const stop = stops.get(completion.arn);
    if (stop === undefined) continue;
    const slot = slots.get(stop.eventId);
    // Refused for good (or, never for a stop, muted): nothing told anyone, so the completion goes out as usual.
    if (slot?.state === 'parked' || slot?.state === 'silenced') continue;
    taken.add(completion.eventId);
    if (slot?.state === 'delivered') {
      announced.push({ completion, delivery: slot.delivery });
    } else if (slot?.state === 'claimed' && slot.claim.owner !== owner && slot.claim.leaseUntil > now.toISOString()) {
      waiting.push(completion);
    } else {
      notices.push(stopNotice(stop, completion));
      taken.add(stop.eventId);
    }
  }
  return { notices, announced, waiting, rest: pending.filter((e) => !taken.has(e.eventId)) };
}
