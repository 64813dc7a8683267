import type { Page } from '../../../lambda/observe/device-farm/pages';
import { takeUntilKnown } from '../../../lambda/observe/watermark';

interface Item {
  readonly id: string;
  readonly created?: string;
}

/** Pages as an async iterable that records how many pages were pulled. */
function pagesOf(pages: Item[][]) {
  const pulled = { count: 0 };
  async function* iterate(): AsyncGenerator<Page<Item>> {
    for (const items of pages) {
      pulled.count++;
      yield { items, at: new Date('2026-11-21T08:00:00Z') };
    }
  }
  return { pages: iterate(), pulled };
}

const createdOf = (item: Item) => item.created;
const ids = (pages: Page<Item>[]) => pages.map((p) => p.items.map((i) => i.id));

describe('takeUntilKnown', () => {
  const newestFirst: Item[][] = [
    [
      { id: 'r5', created: '2026-11-21T07:50:00.000Z' },
      { id: 'r4', created: '2026-11-21T07:40:00.000Z' },
    ],
    [
      { id: 'r3', created: '2026-11-21T07:30:00.000Z' },
      { id: 'r2', created: '2026-11-21T07:20:00.000Z' },
    ],
    [{ id: 'r1', created: '2026-11-21T07:10:00.000Z' }],
  ];

  it('reads every page when there is no watermark', async () => {
    // Arrange
    const { pages, pulled } = pagesOf(newestFirst);

    // Act
    const taken = await takeUntilKnown(pages, createdOf, undefined);

    // Assert
    expect(ids(taken)).toEqual([['r5', 'r4'], ['r3', 'r2'], ['r1']]);
    expect(pulled.count).toBe(3);
  });

  it('stops after the first page holding an item created before the watermark', async () => {
    // Arrange
    const { pages, pulled } = pagesOf(newestFirst);

    // Act
    const taken = await takeUntilKnown(pages, createdOf, '2026-11-21T07:25:00.000Z');

    // Assert
    expect(ids(taken)).toEqual([
      ['r5', 'r4'],
      ['r3', 'r2'],
    ]);
    expect(pulled.count).toBe(2);
  });

  it('stops at a page holding an item created exactly at the watermark', async () => {
    // Arrange
    const { pages, pulled } = pagesOf(newestFirst);

    // Act
    const taken = await takeUntilKnown(pages, createdOf, '2026-11-21T07:40:00.000Z');

    // Assert
    expect(ids(taken)).toEqual([['r5', 'r4']]);
    expect(pulled.count).toBe(1);
  });

  it('reads every page when every item is newer than the watermark', async () => {
    // Arrange
    const { pages } = pagesOf(newestFirst);

    // Act
    const taken = await takeUntilKnown(pages, createdOf, '2026-11-21T07:00:00.000Z');

    // Assert
    expect(taken).toHaveLength(3);
  });

  it('does not stop at items without a creation time when a watermark is set', async () => {
    // Arrange
    const { pages } = pagesOf([
      [{ id: 'x' }],
      [{ id: 'r1', created: '2026-11-21T07:10:00.000Z' }],
      [{ id: 'r0', created: '2026-11-21T07:00:00.000Z' }],
    ]);

    // Act
    const taken = await takeUntilKnown(pages, createdOf, '2026-11-21T07:10:00.000Z');

    // Assert
    expect(ids(taken)).toEqual([['x'], ['r1']]);
  });

  it('returns the empty pages it read when the listing is empty', async () => {
    // Arrange
    const { pages } = pagesOf([[]]);

    // Act
    const taken = await takeUntilKnown(pages, createdOf, '2026-11-21T07:10:00.000Z');

    // Assert
    expect(ids(taken)).toEqual([[]]);
  });
});
