/**
 * Budget arithmetic: which thresholds a new amount of usage crosses, and
 * whether the usage so far is evidence enough to forecast that the period
 * will pass its limit. Pure.
 *
 * The forecast rule (the README's Budgets section says the same). A forecast
 * is considered only when a change that is not baseline (not found by the
 * first poll) is counted toward the period that is current, for a budget
 * whose `forecast` is true (the default), and none was sent yet this period.
 * It is sent when all of these hold at that moment:
 *
 * - at least a quarter of the period has elapsed ({@link FORECAST_MIN_ELAPSED}:
 *   7 days 12 hours of a 30-day month, 1 day 18 hours of a week);
 * - usage started on at least three distinct days of the period
 *   ({@link FORECAST_MIN_USAGE_DAYS}; days in the budget's time zone, counting
 *   baseline usage too): one busy day is not a rate. A daily budget therefore
 *   never forecasts; its thresholds still alert;
 * - minutes used are above 0 and below the limit;
 * - the straight-line projection, used ÷ elapsed × the period's length,
 *   rounded to 0.1 min, is above the limit.
 *
 * Time passing alone sends nothing: the rule is checked when a change is
 * counted.
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

/** The share of the period that must have elapsed before a forecast is made (a few days' rate is noise). */
export const FORECAST_MIN_ELAPSED = 0.25;

/** Distinct days of the period, in the budget's time zone, on which usage must have started before a forecast is made. */
export const FORECAST_MIN_USAGE_DAYS = 3;

const DAY_MS = 86_400_000;

/** The period and the usage a forecast is judged on. */
export interface ForecastInput {
  readonly usedMinutes: number;
  readonly limitMinutes: number;
  /** Inclusive start, ISO-8601. */
  readonly periodStart: string;
  /** Exclusive end, ISO-8601. */
  readonly periodEnd: string;
  /** The moment of judgement, ISO-8601 (later than the end counts as the end). */
  readonly now: string;
  /** How many distinct days of the period (in the budget's zone) usage started on. */
  readonly usageDays: number;
}

/** A projection past the limit, and what it rests on. */
export interface Forecast {
  /** When usage at its rate so far reaches the limit, ISO-8601. */
  readonly at: string;
  /** Minutes the period ends with at that rate, to 0.1 min. */
  readonly projectedMinutes: number;
  /** What the projection is based on: minutes used so far, days of the period elapsed (to 0.1 day), days with usage. */
  readonly basedOn: { readonly usedMinutes: number; readonly elapsedDays: number; readonly usageDays: number };
}

/** How much of the period has elapsed (0 to 1) and whether the evidence rule's two minimums hold. */
export function forecastEvidence(input: Omit<ForecastInput, 'usedMinutes' | 'limitMinutes'>): {
  readonly elapsedShare: number;
  readonly enough: boolean;
} {
  const start = Date.parse(input.periodStart);
  const end = Date.parse(input.periodEnd);
  const now = Math.max(start, Math.min(Date.parse(input.now), end));
  const elapsedShare = (now - start) / (end - start);
  return {
    elapsedShare,
    enough: elapsedShare >= FORECAST_MIN_ELAPSED && input.usageDays >= FORECAST_MIN_USAGE_DAYS,
  };
}

/**
 * When usage at its rate so far would reach the limit, if that is before
 * the period ends and the evidence rule holds (see the module comment; like
 * AWS Budgets' forecasted alerts, but never from a few minutes on one day).
 * Undefined otherwise.
 */
export function forecastBreach(input: ForecastInput): Forecast | undefined {
  if (input.usedMinutes >= input.limitMinutes || input.usedMinutes <= 0) return undefined;
  if (!forecastEvidence(input).enough) return undefined;
  const start = Date.parse(input.periodStart);
  const end = Date.parse(input.periodEnd);
  const elapsed = Math.min(Date.parse(input.now), end) - start;
  const perMs = input.usedMinutes / elapsed;
  const projectedMinutes = Math.round(perMs * (end - start) * 10) / 10;
  if (projectedMinutes <= input.limitMinutes) return undefined;
  return {
    at: new Date(start + input.limitMinutes / perMs).toISOString(),
    projectedMinutes,
    basedOn: {
      usedMinutes: input.usedMinutes,
      elapsedDays: Math.round((elapsed / DAY_MS) * 10) / 10,
      usageDays: input.usageDays,
    },
  };
}
