/**
 * Newest-first listing with a watermark. Device Farm lists runs and remote
 * access sessions newest first; once a page reaches a resource created at or
 * before the watermark (everything that old is already recorded), older
 * pages hold nothing new and are not read. That keeps a steady-state cycle
 * at one page per project however long the project's history is.
 */
import type { Page } from './page';

/** Reads pages until one contains an item created at or before `seenThrough` (ISO-8601). */
export async function takeUntilKnown<T>(
  pages: AsyncIterable<Page<T>>,
  createdOf: (item: T) => string | undefined,
  seenThrough: string | undefined,
): Promise<Page<T>[]> {
  const taken: Page<T>[] = [];
  for await (const page of pages) {
    taken.push(page);
    if (seenThrough === undefined) continue;
    const reachedKnown = page.items.some((item) => {
      const created = createdOf(item);
      return created !== undefined && created <= seenThrough;
    });
    if (reachedKnown) break;
  }
  return taken;
}
