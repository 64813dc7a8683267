/**
 * Counts things per poll cycle: API calls by operation, DynamoDB writes,
 * throttles. Counts are stable from run to run where seconds are not, so
 * they are what the benchmarks and the cycle report quote.
 */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(name: string, amount = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + amount);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** A copy of every count, sorted by name. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Counts added since `before` (a snapshot), omitting zeros. */
  since(before: Record<string, number>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, value] of Object.entries(this.snapshot())) {
      const delta = value - (before[name] ?? 0);
      if (delta !== 0) out[name] = delta;
    }
    return out;
  }
}
