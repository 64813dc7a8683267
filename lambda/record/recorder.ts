/**
 * Record: compare an observation with the stored state and, on a change
 * that matters, write the new latest state and its event in one
 * transaction. Concurrent pollers are handled optimistically: a version
 * conflict re-reads the stored state and decides again, so two overlapping
 * cycles never write the same transition twice and an older observation
 * never overwrites a newer one.
 */
import { changedFields } from '../core/change';
import { StoreError } from '../core/errors';
import type { Observation } from '../core/observation';
import { buildChange, type ChangeEvent, type RecordContext, type StoredState } from './change-event';
import type { StateStore } from './history-store';

/** What recording one observation did. */
export type RecordOutcome =
  | { readonly kind: 'written'; readonly event: ChangeEvent; readonly latest: StoredState }
  | { readonly kind: 'unchanged'; readonly latest: StoredState }
  | { readonly kind: 'stale'; readonly latest: StoredState };

/** How many times a version conflict is re-read and retried before giving up. */
const MAX_CONFLICT_RETRIES = 3;

export async function recordObservation(
  store: StateStore,
  stored: StoredState | undefined,
  observation: Observation,
  context: RecordContext,
): Promise<RecordOutcome> {
  let previous = stored;
  for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
    if (previous !== undefined && previous.observedAt > observation.observedAt) {
      return { kind: 'stale', latest: previous };
    }
    const changed = changedFields(previous, observation);
    if (previous !== undefined && changed.length === 0) return { kind: 'unchanged', latest: previous };
    const { latest, event } = buildChange(previous, observation, changed, context);
    const outcome = await store.writeChange(latest, event, previous?.version);
    if (outcome === 'written') return { kind: 'written', event, latest };
    previous = await store.getLatest(observation.scope, observation.kind, observation.arn);
  }
  throw new StoreError(
    `Could not record ${observation.arn}: its stored version kept changing under ${MAX_CONFLICT_RETRIES + 1} attempts`,
  );
}
