import { StoreError } from '../../../lambda/core/errors';
import { recordObservation } from '../../../lambda/record/recorder';
import { runArn } from '../../support/arns';
import { runObs, stored } from '../../support/builders';
import { InMemoryStateStore } from '../../support/fakes';

const CONTEXT = { cycleId: 'c2', baseline: false };

describe('recordObservation', () => {
  it('writes version 1 and its event when nothing was stored', async () => {
    // Arrange
    const store = new InMemoryStateStore();

    // Act
    const outcome = await recordObservation(store, undefined, runObs(), CONTEXT);

    // Assert
    expect(outcome.kind).toBe('written');
    expect(store.events.map((e) => e.eventId)).toEqual([`${runArn()}@1`]);
    expect(store.get(runObs().scope, 'run', runArn())?.version).toBe(1);
  });

  it('writes nothing when nothing that matters changed', async () => {
    // Arrange
    const current = stored(runObs(), 2);
    const store = new InMemoryStateStore().seed(current);

    // Act
    const outcome = await recordObservation(
      store,
      current,
      runObs({ observedAt: '2026-11-21T08:01:00.000Z', message: 'still going' }),
      CONTEXT,
    );

    // Assert
    expect(outcome).toEqual({ kind: 'unchanged', latest: current });
    expect(store.calls.writeChange).toBe(0);
  });

  it('writes nothing when the observation is older than the stored state', async () => {
    // Arrange
    const current = stored(
      runObs({ status: 'COMPLETED', result: 'PASSED', observedAt: '2026-11-21T08:02:00.000Z' }),
      3,
    );
    const store = new InMemoryStateStore().seed(current);

    // Act
    const outcome = await recordObservation(
      store,
      current,
      runObs({ observedAt: '2026-11-21T08:01:00.000Z' }),
      CONTEXT,
    );

    // Assert
    expect(outcome).toEqual({ kind: 'stale', latest: current });
    expect(store.calls.writeChange).toBe(0);
  });

  it('re-reads and stops without a second event when another poller already wrote the same change', async () => {
    // Arrange: this cycle loaded version 1; an overlapping cycle has since written COMPLETED as version 2
    const loaded = stored(runObs(), 1);
    const winner = stored(runObs({ status: 'COMPLETED', result: 'FAILED', observedAt: '2026-11-21T08:01:00.000Z' }), 2);
    const store = new InMemoryStateStore().seed(winner);

    // Act
    const outcome = await recordObservation(
      store,
      loaded,
      runObs({ status: 'COMPLETED', result: 'FAILED', observedAt: '2026-11-21T08:01:00.000Z' }),
      CONTEXT,
    );

    // Assert
    expect(outcome).toEqual({ kind: 'unchanged', latest: winner });
    expect(store.calls.writeChange).toBe(1);
    expect(store.calls.getLatest).toBe(1);
    expect(store.events).toEqual([]);
  });

  it('retries on the re-read version and writes one event when the write conflicted once', async () => {
    // Arrange
    const current = stored(runObs(), 1);
    const store = new InMemoryStateStore().seed(current).conflictNext(1);

    // Act
    const outcome = await recordObservation(
      store,
      current,
      runObs({ status: 'COMPLETED', result: 'PASSED', observedAt: '2026-11-21T08:01:00.000Z' }),
      CONTEXT,
    );

    // Assert
    expect(outcome.kind).toBe('written');
    expect(store.calls.writeChange).toBe(2);
    expect(store.events.map((e) => e.eventId)).toEqual([`${runArn()}@2`]);
  });

  it('treats a newer re-read state as stale when the conflicting writer observed later', async () => {
    // Arrange
    const loaded = stored(runObs(), 1);
    const winner = stored(runObs({ status: 'COMPLETED', result: 'PASSED', observedAt: '2026-11-21T08:03:00.000Z' }), 2);
    const store = new InMemoryStateStore().seed(winner);

    // Act
    const outcome = await recordObservation(
      store,
      loaded,
      runObs({ status: 'STOPPING', observedAt: '2026-11-21T08:02:00.000Z' }),
      CONTEXT,
    );

    // Assert
    expect(outcome.kind).toBe('stale');
    expect(store.events).toEqual([]);
  });

  it('throws a StoreError naming the resource after four attempts when the version keeps changing', async () => {
    // Arrange
    const current = stored(runObs(), 1);
    const store = new InMemoryStateStore().seed(current).conflictNext(Number.POSITIVE_INFINITY);
    const next = runObs({ status: 'COMPLETED', result: 'PASSED', observedAt: '2026-11-21T08:01:00.000Z' });

    // Act
    const error = await recordObservation(store, current, next, CONTEXT).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assert
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toBe(
      `Could not record ${runArn()}: its stored version kept changing under 4 attempts`,
    );
    expect(store.calls.writeChange).toBe(4);
    expect(store.events).toEqual([]);
  });
});
