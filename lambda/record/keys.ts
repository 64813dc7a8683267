/**
 * Key and attribute layout of every item (see table-schema.ts for the
 * table). Pure functions, so the layout is one place and testable.
 */
import type { Kind, Service } from '../core/observation';
import type { ChangeEvent, StoredState } from './change-event';
import type { Cursor } from './history-store';

const DAY_SECONDS = 86_400;

/** Epoch seconds `days` after an ISO instant: the TTL value. */
export function expiryAfter(iso: string, days: number): number {
  return Math.floor(Date.parse(iso) / 1000) + days * DAY_SECONDS;
}

export const latestKey = (scope: string, kind: Kind, arn: string) => ({ pk: `S#${scope}`, sk: `L#${kind}#${arn}` });
export const scopePk = (scope: string) => `S#${scope}`;
export const resourcePk = (arn: string) => `R#${arn}`;
export const eventSk = (at: string, version: number) => `E#${at}#${String(version).padStart(8, '0')}`;
/** A delivery record sits beside its event, keyed by the event's id. */
export const deliverySk = (eventId: string) => `D#${eventId}`;
export const cursorKey = (service: Service, scope: string, kind: Kind) => ({
  pk: `C#${service}`,
  sk: `${scope}#${kind}`,
});
export const activePk = (service: Service) => `A#${service}`;
export const timePk = (service: Service, kind: Kind) => `${service}#${kind}`;

/** The latest-state item: active resources carry the sparse `active` index keys, finished ones a TTL. */
export function latestItem(state: StoredState, retentionDays: number): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...latestKey(state.scope, state.kind, state.arn),
    entity: 'latest',
    ...state,
  };
  if (state.terminal) item.expiresAt = expiryAfter(state.observedAt, retentionDays);
  else {
    item.apk = activePk(state.service);
    item.ask = `${state.project.arn}#${state.kind}#${state.arn}`;
  }
  return item;
}

/** The immutable event item, indexed by time for window queries. */
export function eventItem(event: ChangeEvent, retentionDays: number): Record<string, unknown> {
  return {
    pk: resourcePk(event.arn),
    sk: eventSk(event.at, event.version),
    entity: 'event',
    ...event,
    tpk: timePk(event.service, event.kind),
    tsk: `${event.at}#${event.arn}`,
    expiresAt: expiryAfter(event.at, retentionDays),
  };
}

export function cursorItem(cursor: Cursor): Record<string, unknown> {
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
