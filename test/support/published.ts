/**
 * What a subscriber received, compared with a fault-free reference run of
 * the same account. A message is identified by the events it covers (its
 * document's `eventIds`, which are `<arn>@<version>` and so the same from
 * one run of a scripted account to the next).
 */
import type { Received } from './pipeline';

/** A message's covered events as one comparable key (sorted event ids). */
export const eventIdsKey = (message: Received): string => [...message.document.eventIds].sort().join(' ');

/** How a run's messages differ from the reference's. */
export interface Comparison {
  /** Reference messages nobody received (keys). */
  readonly lost: readonly string[];
  /** Messages received more than once with the same events, each key once per extra copy. */
  readonly repeated: readonly string[];
  /** Events covered by two messages that cover different events (a repeat in another shape). */
  readonly overlapping: readonly string[];
  /** Messages the reference does not have (keys). */
  readonly unexpected: readonly string[];
  /** Messages whose subject differs from the reference message with the same events. */
  readonly otherSubject: readonly string[];
}

/** Compares `actual` with `reference`, message by message. */
export function compareMessages(reference: readonly Received[], actual: readonly Received[]): Comparison {
  const expected = new Map(reference.map((m) => [eventIdsKey(m), m.subject]));
  const seen = new Map<string, number>();
  const shapesByEvent = new Map<string, Set<string>>();
  for (const message of actual) {
    const key = eventIdsKey(message);
    seen.set(key, (seen.get(key) ?? 0) + 1);
    for (const id of message.document.eventIds) shapesByEvent.set(id, (shapesByEvent.get(id) ?? new Set()).add(key));
  }
  return {
    lost: [...expected.keys()].filter((key) => !seen.has(key)),
    repeated: [...seen].flatMap(([key, n]) => Array.from({ length: n - 1 }, () => key)),
    overlapping: [...shapesByEvent].filter(([, shapes]) => shapes.size > 1).map(([id]) => id),
    unexpected: [...seen.keys()].filter((key) => !expected.has(key)),
    otherSubject: actual
      .filter((m) => expected.has(eventIdsKey(m)) && expected.get(eventIdsKey(m)) !== m.subject)
      .map((m) => `${m.subject} (expected ${expected.get(eventIdsKey(m))})`),
  };
}

/** How many messages covered each event. */
export function coverage(messages: readonly Received[]): Map<string, number> {
  const covered = new Map<string, number>();
  for (const message of messages) {
    for (const id of message.document.eventIds) covered.set(id, (covered.get(id) ?? 0) + 1);
  }
  return covered;
}
