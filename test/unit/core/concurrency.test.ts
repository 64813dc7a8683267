import { mapBounded } from '../../../lambda/core/concurrency';

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapBounded', () => {
  it('never has more than `limit` items in flight when given more items than the limit', async () => {
    // Arrange
    let inFlight = 0;
    let peak = 0;
    const work = async (n: number) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (n % 3) * 2));
      inFlight--;
      return n * 10;
    };

    // Act
    const results = await mapBounded([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3, work);

    // Assert
    expect(peak).toBe(3);
    expect(results).toHaveLength(10);
  });

  it('starts the next item only when one in flight settles', async () => {
    // Arrange
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
    const started: number[] = [];
    const run = mapBounded(['a', 'b', 'c'], 2, (_item, index) => {
      started.push(index);
      return (gates[index] as (typeof gates)[number]).promise;
    });

    // Act
    await tick();
    const beforeSettle = [...started];
    gates[1]?.resolve('B');
    await tick();
    const afterSettle = [...started];
    gates[0]?.resolve('A');
    gates[2]?.resolve('C');
    const results = await run;

    // Assert
    expect(beforeSettle).toEqual([0, 1]);
    expect(afterSettle).toEqual([0, 1, 2]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 'A' },
      { status: 'fulfilled', value: 'B' },
      { status: 'fulfilled', value: 'C' },
    ]);
  });

  it('keeps the order of the items when later items finish first', async () => {
    // Act
    const results = await mapBounded([30, 20, 10, 0], 4, async (ms) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return `waited ${ms}`;
    });

    // Assert
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual([
      'waited 30',
      'waited 20',
      'waited 10',
      'waited 0',
    ]);
  });

  it('returns rejections as results and goes on with the other items when one rejects', async () => {
    // Arrange
    const boom = new Error('ListRuns failed for project A');

    // Act
    const results = await mapBounded(['A', 'B', 'C'], 1, async (item) => {
      if (item === 'A') throw boom;
      return item.toLowerCase();
    });

    // Assert
    expect(results).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'fulfilled', value: 'b' },
      { status: 'fulfilled', value: 'c' },
    ]);
  });

  it('returns an empty list without calling work when given no items', async () => {
    // Arrange
    const work = jest.fn(async () => 1);

    // Act
    const results = await mapBounded([], 4, work);

    // Assert
    expect(results).toEqual([]);
    expect(work).not.toHaveBeenCalled();
  });

  it('still makes progress one at a time when the limit is zero', async () => {
    // Act
    const results = await mapBounded([1, 2], 0, async (n) => n + 1);

    // Assert
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'fulfilled', value: 3 },
    ]);
  });
});
