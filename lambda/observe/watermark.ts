/**
 * Listing with a watermark, verified. Device Farm happens to list runs and
 * remote access sessions newest first but documents no order, so the order
 * is used only as an optimisation that every page read must confirm: while
 * each page is in descending `created` order (within itself and after the
 * previous page's last item), reading stops at the first page that reaches
 * the watermark (everything that old is already recorded), which keeps a
 * steady-state cycle at one page per project. The first page out of order
 * turns the walk into a full listing, read to its end.
 */
import type { Page } from './page';

/** What a walk over a listing read. */
export interface Listing<T> {
  readonly pages: readonly Page<T>[];
  /** Some item was created after the item listed before it: the listing is not newest first. */
  readonly outOfOrder: boolean;
  /** Every page was read (the walk did not stop at the watermark). */
  readonly complete: boolean;
}

/**
 * Reads pages until one, in order, contains an item created at or before
 * `seenThrough` (ISO-8601); without `seenThrough`, or once a page is out of
 * order, reads every page. Items without a creation time are not judged.
 */
export async function readListing<T>(
  pages: AsyncIterable<Page<T>>,
  createdOf: (item: T) => string | undefined,
  seenThrough: string | undefined,
): Promise<Listing<T>> {
  const taken: Page<T>[] = [];
  let previous: string | undefined;
  let outOfOrder = false;
  for await (const page of pages) {
    taken.push(page);
    let reachedKnown = false;
    for (const item of page.items) {
      const created = createdOf(item);
      if (created === undefined) continue;
      if (previous !== undefined && created > previous) outOfOrder = true;
      previous = created;
      if (seenThrough !== undefined && created <= seenThrough) reachedKnown = true;
    }
    if (reachedKnown && !outOfOrder) return { pages: taken, outOfOrder, complete: false };
  }
  return { pages: taken, outOfOrder, complete: true };
}
