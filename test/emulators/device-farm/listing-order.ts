/**
 * The order ListRuns and ListRemoteAccessSessions list a project's resources in.
 * Device Farm documents none; the service happens to answer newest first, and a
 * monitor must not depend on it, so a scenario can ask for another order per
 * project: oldest first, or a shuffle that is the same for the same seed.
 */
import { newestFirstAt, type Timed } from '../shared/timeline';

/** How a project's runs and remote access sessions are listed. */
export interface ScenarioListing {
  /** @default 'newest-first' */
  order?: 'newest-first' | 'oldest-first' | 'shuffled';
  /** Seed of the `shuffled` order: the same seed and the same resources give the same order. @default 1 */
  seed?: number;
  /** Items per page of ListRuns and ListRemoteAccessSessions for this project. @default the emulator's pageSize */
  pageSize?: number;
}

/** The resources that exist at `step`, in the order `listing` asks for. */
export function inListingOrder<T extends Timed>(nodes: readonly T[], step: number, listing?: ScenarioListing): T[] {
  const newestFirst = newestFirstAt(nodes, step);
  switch (listing?.order ?? 'newest-first') {
    case 'newest-first':
      return newestFirst;
    case 'oldest-first':
      return newestFirst.reverse();
    case 'shuffled':
      return shuffled(newestFirst, listing?.seed ?? 1);
  }
}

/** Fisher–Yates with a seeded generator: every page of one listing sees the same order. */
function shuffled<T>(items: T[], seed: number): T[] {
  const random = mulberry32(seed);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** A small seeded generator of numbers in [0, 1) (mulberry32): reproducible, not for security. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
