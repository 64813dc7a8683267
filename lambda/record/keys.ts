/**
 * Key and attribute layout of every item (see table-schema.ts for the
 * table). Pure functions, so the layout is one place and testable.
 */
import type { Kind, Service } from '../core/observation';
import type { ChangeEvent, StoredState } from './change-event';
import { eventPk, type VigilEvent } from './vigil-event';

const DAY_SECONDS = 86_400;

/** Epoch seconds `days` after an ISO instant: the TTL value. */
export function expiryAfter(iso: string, days: number): number {
  return Math.floor(Date.parse(iso) / 1000) + days * DAY_SECONDS;
}

export const latestKey = (scope: string, kind: Kind, arn: string) => ({ pk: `S#${scope}`, sk: `L#${kind}#${arn}` });
export const scopePk = (scope: string) => `S#${scope}`;
export const resourcePk = (arn: string) => `R#${arn}`;
export const eventSk = (at: string, version: number) => `E#${at}#${String(version).padStart(8, '0')}`;
/** A delivery record (or claim, or parking) sits beside its event, keyed by the event's id. */
export const deliverySk = (eventId: string) => `D#${eventId}`;

/** An item's primary key. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/**
 * Where an event item is stored: changes by time and version under their
 * resource; what the reactors derive under a key their ledger decides, so a
 * retried write of the same event meets the same key.
 */
export function eventKeyOf(event: VigilEvent): ItemKey {
  const pk = eventPk(event);
  switch (event.eventType) {
    case 'change':
      return { pk, sk: eventSk(event.at, event.version) };
    case 'budget-threshold':
      return { pk, sk: `E#threshold#${String(event.thresholdPercent ?? 0).padStart(4, '0')}` };
    case 'budget-forecast':
      return { pk, sk: 'E#forecast' };
    case 'guard':
      return { pk, sk: `E#guard#${event.action}` };
    case 'digest':
      return { pk, sk: 'E#digest' };
    case 'stuck':
    case 'unstuck':
      // One of each per wait: a resource that waits again later (a requeued Deadline job) waits from a new time.
      return { pk, sk: `E#${event.eventType}#${event.since}` };
    case 'reminder':
      return { pk, sk: `E#reminder#${event.condition}#${event.since}#${String(event.count).padStart(3, '0')}` };
  }
}

/**
 * The work queues an event waits in until its consumer has handled it
 * (record/outbox.ts): `notify` until the notifier delivered it, parked it
 * or found nothing to send; `react` until the reactors (budgets, guard)
 * have taken it into account.
 */
export type OutboxQueue = 'notify' | 'react';
/** Entries waiting for their first handling, by the event's time. */
export const outboxPk = (queue: OutboxQueue) => `O#${queue}`;
/** Entries whose handling failed and is tried again, by the time it is due. */
export const retryPk = (queue: OutboxQueue) => `O#${queue}#retry`;
/** Events the notifier gave up on (refused for good), by when they were parked. */
export const PARKED_PK = 'X#parked';

/** The outbox entry of an event in `queue`: written in the same transaction as the event. */
export function outboxItem(queue: OutboxQueue, event: VigilEvent, expiresAt: number): Record<string, unknown> {
  const key = eventKeyOf(event);
  return {
    pk: outboxPk(queue),
    sk: outboxSk(event.at, key),
    entity: 'outbox',
    eventPk: key.pk,
    eventSk: key.sk,
    expiresAt,
  };
}

/** An outbox entry's sort key: the event's time (what the sweeper's range condition reads), then its key. */
export const outboxSk = (at: string, key: ItemKey) => `${at}#${key.pk}#${key.sk}`;

/** The stream position a CLI consumer has handled, per shard (record/checkpoints.ts). */
export const checkpointKey = (consumer: string, shardId: string): ItemKey => ({ pk: `K#${consumer}`, sk: shardId });
export const cursorKey = (service: Service, scope: string, kind: Kind) => ({
  pk: `C#${service}`,
  sk: `${scope}#${kind}`,
});
export const activePk = (service: Service) => `A#${service}`;
export const timePk = (service: Service, kind: Kind) => `${service}#${kind}`;
/** The `byTime` partitions of the events the reactors derive from changes. */
export type DerivedEventKind = 'budget' | 'guard' | 'digest' | 'stuck' | 'reminder';
export const derivedTimePk = (kind: DerivedEventKind) => `vigil#${kind}`;
/** An event's `byTime` sort key: its time, then its resource. */
export const timeSk = (event: { at: string; arn: string }) => `${event.at}#${event.arn}`;

/**
 * Kinds whose parent is the scope they are stored under (a run's jobs, a
 * Deadline job's sessions): their `parentArn` is the scope, not stored twice.
 */
const PARENT_IS_SCOPE: ReadonlySet<Kind> = new Set<Kind>(['job', 'deadline-session']);

/**
 * The latest-state item: active resources carry the sparse `active` index
 * keys, finished ones a TTL. DynamoDB bills writes per started KB (twice in
 * a transaction, once more in each index the item is in), so what the keys
 * already say is not stored again: `scope` is in `pk`, `arn` in `sk`, and a
 * child's `parentArn` is its scope. {@link latestFromItem} puts them back.
 */
export function latestItem(state: StoredState, retentionDays: number): Record<string, unknown> {
  const { scope, arn, ...rest } = state;
  const item: Record<string, unknown> = { ...latestKey(scope, state.kind, arn), entity: 'latest', ...rest };
  if (PARENT_IS_SCOPE.has(state.kind) && state.parentArn === scope) delete item.parentArn;
  if (state.terminal) item.expiresAt = expiryAfter(state.observedAt, retentionDays);
  else {
    item.apk = activePk(state.service);
    // Index sort keys need not be unique: project and kind are enough to
    // read one project's active resources with begins_with, and the ARN
    // (already in `sk`, projected into the index) would add ~120 bytes.
    item.ask = `${state.project.arn}#${state.kind}`;
  }
  return item;
}

/** A latest-state item read back (from the table, the active index or a scan) as the state it stores. */
export function latestFromItem(item: Record<string, unknown>): StoredState {
  const state = stripItem<Record<string, unknown>>(item);
  const kind = state.kind as Kind;
  const scope = (state.scope as string | undefined) ?? String(item.pk).slice('S#'.length);
  const arn = (state.arn as string | undefined) ?? String(item.sk).slice(`L#${kind}#`.length);
  const parent = state.parentArn === undefined && PARENT_IS_SCOPE.has(kind) ? { parentArn: scope } : {};
  return { ...state, scope, arn, ...parent } as unknown as StoredState;
}

/**
 * The immutable event item, indexed by time for window queries. Its `state`
 * leaves out what the event says at its top level (service, kind, ARN, name,
 * project, parent, and the scope and time they imply), and the `eventId` is
 * the ARN and version: a third of a typical event's bytes, and a KB of write
 * units less per change (three in a transaction and the index). Any DynamoDB
 * tool still shows every fact once; {@link eventFromItem} restores the rest.
 */
export function eventItem(event: ChangeEvent, retentionDays: number): Record<string, unknown> {
  const { eventId, state, ...rest } = event;
  const item: Record<string, unknown> = {
    pk: resourcePk(event.arn),
    sk: eventSk(event.at, event.version),
    entity: 'event',
    ...rest,
    state: compactEventState(event),
    tpk: timePk(event.service, event.kind),
    tsk: timeSk(event),
    expiresAt: expiryAfter(event.at, retentionDays),
  };
  if (eventId !== defaultEventId(event)) item.eventId = eventId;
  return item;
}

const defaultEventId = (event: { arn: string; version: number }) => `${event.arn}@${event.version}`;

/** What a change event's state is assumed to be unless it says otherwise. */
function impliedState(event: Omit<ChangeEvent, 'state' | 'eventId'>): Record<string, unknown> {
  return {
    service: event.service,
    kind: event.kind,
    arn: event.arn,
    name: event.name,
    project: event.project,
    ...(event.parentArn === undefined ? {} : { parentArn: event.parentArn }),
    ...(event.parentName === undefined ? {} : { parentName: event.parentName }),
    scope: event.parentArn ?? event.project.arn,
    observedAt: event.at,
  };
}

/** The event's state without the fields {@link impliedState} gives back exactly. */
function compactEventState(event: ChangeEvent): Record<string, unknown> {
  const implied = impliedState(event);
  const state: Record<string, unknown> = { ...event.state };
  for (const [name, value] of Object.entries(implied)) {
    if (JSON.stringify(state[name]) === JSON.stringify(value)) delete state[name];
  }
  return state;
}

/**
 * An event item read back (from the table, the `byTime` index or the
 * stream) as the event it stores. Only change events are compacted; budget,
 * guard and digest events are returned as written.
 */
export function eventFromItem<T>(item: Record<string, unknown>): T {
  const event = stripItem<Record<string, unknown>>(item);
  if (event.eventType !== 'change' || typeof event.state !== 'object' || event.state === null) return event as T;
  const arn = (event.arn as string | undefined) ?? String(item.pk).slice('R#'.length);
  const top = { ...event, arn } as unknown as Omit<ChangeEvent, 'state' | 'eventId'>;
  return {
    ...event,
    eventId: event.eventId ?? defaultEventId(top),
    state: { ...impliedState(top), ...(event.state as Record<string, unknown>) },
  } as T;
}

/**
 * The item of an event a reactor derives (a budget threshold, a guard
 * action, the digest): keyed as its ledger decides, so a retried write of
 * the same event meets the same key, and indexed by time under
 * `vigil#<kind>`. Stored whole (these are few).
 */
export function derivedEventItem(
  event: { readonly at: string; readonly arn: string },
  key: { readonly pk: string; readonly sk: string },
  kind: DerivedEventKind,
  expiresAt: number,
): Record<string, unknown> {
  return { ...key, entity: 'event', ...event, tpk: derivedTimePk(kind), tsk: timeSk(event), expiresAt };
}

/** A cursor (history-store.ts `Cursor`) as its item: keyed by service, scope and kind. */
export function cursorItem<C extends { readonly service: Service; readonly scope: string; readonly kind: Kind }>(
  cursor: C,
): Record<string, unknown> {
  return { ...cursorKey(cursor.service, cursor.scope, cursor.kind), entity: 'cursor', ...cursor };
}

/** Attributes that are keys or bookkeeping, stripped when reading items back as domain objects. */
export const ITEM_ONLY_ATTRIBUTES = ['pk', 'sk', 'entity', 'apk', 'ask', 'tpk', 'tsk', 'expiresAt'] as const;

/** Removes key and bookkeeping attributes. */
export function stripItem<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const name of ITEM_ONLY_ATTRIBUTES) delete copy[name];
  return copy as T;
}
