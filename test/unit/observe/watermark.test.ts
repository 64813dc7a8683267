import type { Page } from '../../../lambda/observe/device-farm/pages';
import { readListing } from '../../../lambda/observe/watermark';

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
const ids = (pages: readonly Page<Item>[]) => pages.map((p) => p.items.map((i) => i.id));

describe('readListing', () => {
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
    const listing = await readListing(pages, createdOf, undefined);

    // Assert
    expect(ids(listing.pages)).toEqual([['r5', 'r4'], ['r3', 'r2'], ['r1']]);
    expect(pulled.count).toBe(3);
    expect(listing).toMatchObject({ outOfOrder: false, complete: true });
  });

  it('stops after the first page holding an item created before the watermark', async () => {
    // Arrange
    const { pages, pulled } = pagesOf(newestFirst);

    // Act
    const listing = await readListing(pages, createdOf, '2026-11-21T07:25:00.000Z');

    // Assert
    expect(ids(listing.pages)).toEqual([
      ['r5', 'r4'],
      ['r3', 'r2'],
    ]);
    expect(pulled.count).toBe(2);
    expect(listing).toMatchObject({ outOfOrder: false, complete: false });
  });

  it('stops at a page holding an item created exactly at the watermark', async () => {
    // Arrange
    const { pages, pulled } = pagesOf(newestFirst);

    // Act
    const listing = await readListing(pages, createdOf, '2026-11-21T07:40:00.000Z');

    // Assert
    expect(ids(listing.pages)).toEqual([['r5', 'r4']]);
    expect(pulled.count).toBe(1);
  });

  it('reads every page when every item is newer than the watermark', async () => {
    // Arrange
    const { pages } = pagesOf(newestFirst);

    // Act
    const listing = await readListing(pages, createdOf, '2026-11-21T07:00:00.000Z');

    // Assert
    expect(listing.pages).toHaveLength(3);
  });

  it('does not stop at items without a creation time when a watermark is set', async () => {
    // Arrange
    const { pages } = pagesOf([
      [{ id: 'x' }],
      [{ id: 'r1', created: '2026-11-21T07:10:00.000Z' }],
      [{ id: 'r0', created: '2026-11-21T07:00:00.000Z' }],
    ]);

    // Act
    const listing = await readListing(pages, createdOf, '2026-11-21T07:10:00.000Z');

    // Assert
    expect(ids(listing.pages)).toEqual([['x'], ['r1']]);
  });

  it('returns the empty pages it read when the listing is empty', async () => {
    // Arrange
    const { pages } = pagesOf([[]]);

    // Act
    const listing = await readListing(pages, createdOf, '2026-11-21T07:10:00.000Z');

    // Assert
    expect(ids(listing.pages)).toEqual([[]]);
  });

  describe('verifying the order on every page it reads', () => {
    const at = (minute: number) => `2026-11-21T07:${String(minute).padStart(2, '0')}:00.000Z`;

    it('reads every page and reports the listing out of order when the first page is oldest first', async () => {
      // Arrange
      const { pages, pulled } = pagesOf([
        [
          { id: 'r1', created: at(10) },
          { id: 'r2', created: at(20) },
        ],
        [
          { id: 'r3', created: at(30) },
          { id: 'r4', created: at(40) },
        ],
        [{ id: 'r5', created: at(50) }],
      ]);

      // Act
      const listing = await readListing(pages, createdOf, at(20));

      // Assert
      expect(ids(listing.pages)).toEqual([['r1', 'r2'], ['r3', 'r4'], ['r5']]);
      expect(pulled.count).toBe(3);
      expect(listing).toMatchObject({ outOfOrder: true, complete: true });
    });

    it('reports the listing out of order when a page starts after the previous page’s last item', async () => {
      // Arrange: each page is newest first, but page 2 starts with a run newer than page 1's last.
      const { pages, pulled } = pagesOf([
        [
          { id: 'r4', created: at(40) },
          { id: 'r3', created: at(30) },
        ],
        [
          { id: 'r5', created: at(50) },
          { id: 'r1', created: at(10) },
        ],
        [{ id: 'r2', created: at(20) }],
      ]);

      // Act
      const listing = await readListing(pages, createdOf, at(20));

      // Assert
      expect(ids(listing.pages)).toEqual([['r4', 'r3'], ['r5', 'r1'], ['r2']]);
      expect(pulled.count).toBe(3);
      expect(listing).toMatchObject({ outOfOrder: true, complete: true });
    });

    it('stops at the watermark and reports nothing out of order when items created at the same instant are listed together', async () => {
      // Arrange
      const { pages, pulled } = pagesOf([
        [
          { id: 'r4', created: at(40) },
          { id: 'r3', created: at(40) },
        ],
        [{ id: 'r2', created: at(20) }],
        [{ id: 'r1', created: at(10) }],
      ]);

      // Act
      const listing = await readListing(pages, createdOf, at(30));

      // Assert
      expect(ids(listing.pages)).toEqual([['r4', 'r3'], ['r2']]);
      expect(pulled.count).toBe(2);
      expect(listing).toMatchObject({ outOfOrder: false, complete: false });
    });

    it('judges the order across an item without a creation time by the items around it', async () => {
      // Arrange
      const { pages } = pagesOf([[{ id: 'r2', created: at(20) }, { id: 'x' }, { id: 'r3', created: at(30) }]]);

      // Act
      const listing = await readListing(pages, createdOf, undefined);

      // Assert
      expect(listing.outOfOrder).toBe(true);
    });
  });
});
