/**
 * The recorded shapes: the latest state of a resource and the immutable
 * event a change produces. Pure: building them needs no I/O, so the rules
 * for ids, versions, minute deltas and retention are tested as plain data.
 */
import { type ChangeField, minutesDelta } from '../core/change';
import type { Kind, Minutes, Observation, Service } from '../core/observation';
import { isTerminal } from '../core/status';

/** The stored latest state: the last observation plus bookkeeping. */
export interface StoredState extends Observation {
  /** Increments with every recorded change; the optimistic-lock version. */
  readonly version: number;
  readonly terminal: boolean;
  /**
   * When a read of this resource first answered NotFound (ISO-8601), set by
   * the state store's `markNotFound` outside any change; a recorded change
   * replaces the item and so drops it. Never part of an observation.
   */
  readonly notFoundAt?: string;
}

/** A status/result pair as it appears in a transition. */
export interface StatusPair {
  readonly status: string;
  readonly result?: string;
}

/** One recorded change of one resource. Immutable once written. */
export interface ChangeEvent {
  /** `<arn>@<version>`: unique, stable across retries; carried in messages for de-duplication. */
  readonly eventId: string;
  readonly eventType: 'change';
  readonly service: Service;
  readonly kind: Kind;
  readonly arn: string;
  readonly name: string;
  readonly project: Observation['project'];
  readonly parentArn?: string;
  readonly parentName?: string;
  readonly version: number;
  /** Absent when the resource was seen for the first time. */
  readonly from?: StatusPair;
  readonly to: StatusPair;
  readonly changed: readonly ChangeField[];
  /**
   * True when recorded by the first poll of its project: history, not news.
   * Baseline events are never notified.
   */
  readonly baseline: boolean;
  readonly cycleId: string;
  /** When the change was observed (ISO-8601 UTC). */
  readonly at: string;
  /** Minutes added by this change, per meter (budgets add these up). */
  readonly minutesDelta: Minutes;
  /** The full observed state after the change. */
  readonly state: Observation;
}

/** What the poll cycle knows when it records. */
export interface RecordContext {
  readonly cycleId: string;
  readonly baseline: boolean;
}

/** Builds the new latest state and its event from the previous state and a new observation. */
export function buildChange(
  previous: StoredState | undefined,
  observation: Observation,
  changed: readonly ChangeField[],
  context: RecordContext,
): { latest: StoredState; event: ChangeEvent } {
  const version = (previous?.version ?? 0) + 1;
  const state: Observation =
    observation.jobSummary === undefined && previous?.jobSummary !== undefined
      ? { ...observation, jobSummary: previous.jobSummary }
      : observation;
  // A run's failing tests are news of its finishing change: kept on the event, not on every later read of the latest item.
  const { failingTests: _onTheEventOnly, ...current } = state;
  const latest: StoredState = { ...current, version, terminal: isTerminal(state.kind, state.status) };
  const event: ChangeEvent = {
    eventId: `${state.arn}@${version}`,
    eventType: 'change',
    service: state.service,
    kind: state.kind,
    arn: state.arn,
    name: state.name,
    project: state.project,
    ...(state.parentArn === undefined ? {} : { parentArn: state.parentArn }),
    ...(state.parentName === undefined ? {} : { parentName: state.parentName }),
    version,
    ...(previous === undefined ? {} : { from: pair(previous) }),
    to: pair(state),
    changed,
    baseline: context.baseline,
    cycleId: context.cycleId,
    at: state.observedAt,
    minutesDelta: minutesDelta(previous?.minutes, state.minutes),
    state,
  };
  return { latest, event };
}

function pair(o: { status: string; result?: string }): StatusPair {
  return o.result === undefined ? { status: o.status } : { status: o.status, result: o.result };
}
