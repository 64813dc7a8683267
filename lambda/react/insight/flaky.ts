/**
 * The flaky score: how often an outcome flips between consecutive runs of
 * the same project. Pure. A device (or test) that alternates PASSED/FAILED
 * scores 1; one that always fails, or always passes, scores 0: it is broken
 * or fine, not flaky.
 */

/** One outcome in a sequence: where it belongs (a project), when (for ordering), and whether it passed. */
export interface Outcome {
  readonly group: string;
  /** ISO-8601; outcomes of a group are taken in this order (ties keep their given order). */
  readonly at: string;
  readonly passed: boolean;
}

/** Flips and the consecutive pairs they were counted over. */
export interface FlipCount {
  readonly flips: number;
  /** Consecutive pairs of outcomes in the same group (a group of n outcomes has n − 1). */
  readonly pairs: number;
}

/** Counts the flips between consecutive outcomes of each group, over every group. */
export function countFlips(outcomes: readonly Outcome[]): FlipCount {
  const groups = new Map<string, Outcome[]>();
  for (const o of outcomes) groups.set(o.group, [...(groups.get(o.group) ?? []), o]);
  let flips = 0;
  let pairs = 0;
  for (const group of groups.values()) {
    const ordered = [...group].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    for (let i = 1; i < ordered.length; i++) {
      pairs++;
      if (ordered[i]?.passed !== ordered[i - 1]?.passed) flips++;
    }
  }
  return { flips, pairs };
}

/** The flaky score, 0 to 1: flips ÷ consecutive pairs (0 when there is no pair: one run says nothing). */
export function flakyScore(outcomes: readonly Outcome[]): number {
  const { flips, pairs } = countFlips(outcomes);
  return pairs === 0 ? 0 : flips / pairs;
}
