/** One page of items from a list call, and the instant it arrived (the observation time of its items). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly at: Date;
}

/** The clock pages and cycles are stamped with. */
export type Clock = () => Date;
