/**
 * "State at step" resolution shared by Vigil's emulators: a scripted resource's
 * timeline, the step → wall-clock conversion, and which resources exist at a step.
 *
 * Time model: step `s` happens at `startTime + s * stepSeconds`. A resource does not
 * exist before the first entry of its timeline; at step `s` its state is the last
 * entry whose `step <= s`. Steps may be fractional or negative.
 */

/**
 * A timeline sorted by step. Sorting once here lets scenario authors list entries in
 * any order; entries sharing a step keep the author's order (the later one wins).
 */
export class Timeline<T extends { step: number }> {
  readonly entries: readonly T[];

  /** @param entries the scenario's entries; must not be empty. */
  constructor(entries: readonly T[], what: string) {
    if (entries.length === 0) throw new Error(`scenario: ${what} has an empty timeline`);
    for (const entry of entries) {
      if (!Number.isFinite(entry.step)) {
        throw new Error(`scenario: ${what} has a timeline entry without a numeric step`);
      }
    }
    // Stable sort keeps the author's order for entries sharing a step.
    this.entries = [...entries].sort((a, b) => a.step - b.step);
  }

  /** Step of the first entry: the resource is invisible before it. */
  get firstStep(): number {
    return (this.entries[0] as T).step;
  }

  /** The state in force at `step`, or undefined when the resource does not exist yet. */
  stateAt(step: number): T | undefined {
    let current: T | undefined;
    for (const entry of this.entries) {
      if (entry.step > step) break;
      current = entry;
    }
    return current;
  }

  /** Step of the first entry up to `step` that satisfies `match`. */
  firstStepWhere(step: number, match: (entry: T) => boolean): number | undefined {
    for (const entry of this.entries) {
      if (entry.step > step) return undefined;
      if (match(entry)) return entry.step;
    }
    return undefined;
  }
}

/** Converts steps to wall-clock times for one scenario. */
export class ScenarioClock {
  private readonly startMs: number;

  constructor(
    startTime: string,
    private readonly stepSeconds: number,
  ) {
    this.startMs = Date.parse(startTime);
    if (Number.isNaN(this.startMs)) {
      throw new Error(`scenario: startTime ${JSON.stringify(startTime)} is not an ISO date`);
    }
    if (!(stepSeconds > 0)) throw new Error('scenario: stepSeconds must be positive');
  }

  /** Epoch milliseconds of `step`. */
  msAt(step: number): number {
    return this.startMs + step * this.stepSeconds * 1000;
  }

  /** Epoch milliseconds of an ISO time, or of step 0 when absent. */
  msOf(iso: string | undefined): number {
    if (iso === undefined) return this.startMs;
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) throw new Error(`scenario: ${JSON.stringify(iso)} is not an ISO date`);
    return ms;
  }
}

/** A scripted resource: its timeline and its position among its siblings in the scenario. */
export interface Timed {
  readonly timeline: Timeline<{ step: number }>;
  readonly order: number;
}

/** True when the resource exists at `step`. */
export function visibleAt(node: Timed, step: number): boolean {
  return node.timeline.firstStep <= step;
}

/**
 * Resources that exist at `step`, newest first; resources created at the same step
 * are listed in reverse scenario order (the later-listed one counts as newer).
 */
export function newestFirstAt<T extends Timed>(nodes: readonly T[], step: number): T[] {
  return nodes
    .filter((node) => visibleAt(node, step))
    .sort((a, b) => b.timeline.firstStep - a.timeline.firstStep || b.order - a.order);
}
