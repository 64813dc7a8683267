/**
 * Budget arithmetic: which thresholds a new amount of usage crosses, and
 * when the period's usage rate projects past the limit. Pure.
 */

/** Thresholds (percent of the limit) crossed by going from `before` to `after` minutes, lowest first. */
export function crossedThresholds(
  before: number,
  after: number,
  limitMinutes: number,
  thresholds: readonly number[],
): number[] {
  return [...new Set(thresholds)]
    .filter((t) => {
      const mark = (limitMinutes * t) / 100;
      return before < mark && after >= mark;
    })
    .sort((a, b) => a - b);
}

/** The share of the period that must have passed before a forecast is made (too little data is noise). */
export const FORECAST_MIN_ELAPSED = 0.1;

/**
 * When usage at its rate so far in the period would reach the limit, if that
 * is before the period ends (like AWS Budgets' forecasted alerts). Undefined
 * when the limit is already reached, too little of the period has passed,
 * or the rate does not reach the limit in time.
 */
export function forecastBreach(input: {
  readonly usedMinutes: number;
  readonly limitMinutes: number;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly now: string;
}): { at: string; projectedMinutes: number } | undefined {
  const start = Date.parse(input.periodStart);
  const end = Date.parse(input.periodEnd);
  const now = Math.min(Date.parse(input.now), end);
  const elapsed = now - start;
  if (input.usedMinutes >= input.limitMinutes || input.usedMinutes <= 0) return undefined;
  if (elapsed < (end - start) * FORECAST_MIN_ELAPSED) return undefined;
  const perMs = input.usedMinutes / elapsed;
  const projectedMinutes = Math.round(perMs * (end - start) * 10) / 10;
  if (projectedMinutes <= input.limitMinutes) return undefined;
  const at = start + input.limitMinutes / perMs;
  return { at: new Date(at).toISOString(), projectedMinutes };
}
