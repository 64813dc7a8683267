import {
  crossedThresholds,
  FORECAST_MIN_ELAPSED,
  FORECAST_MIN_USAGE_DAYS,
  forecastBreach,
  forecastEvidence,
} from '../../../../lambda/react/budgets/usage';

describe('crossedThresholds', () => {
  it.each([
    ['one delta crosses several marks', 40, 105, [50, 80, 100], [50, 80, 100]],
    ['reaching a mark exactly crosses it', 79, 80, [50, 80, 100], [80]],
    ['starting exactly at a mark does not cross it again', 80, 90, [50, 80, 100], []],
    ['staying between marks crosses nothing', 51, 79.9, [50, 80, 100], []],
    ['staying below every mark crosses nothing', 0, 49.999, [50, 80, 100], []],
    ['a duplicated threshold is reported once', 40, 85, [80, 50, 80, 50], [50, 80]],
    ['thresholds are returned lowest first whatever their order', 0, 200, [150, 100, 50], [50, 100, 150]],
    ['a mark above 100% counts like any other', 100, 120, [100, 120], [120]],
    ['no delta crosses nothing', 60, 60, [50, 80, 100], []],
  ])('returns the right marks when %s (%d → %d of 100)', (_case, before, after, thresholds, expected) => {
    expect(crossedThresholds(before, after, 100, thresholds)).toEqual(expected);
  });

  it('scales the marks by the limit (50% of 1,000 minutes is 500)', () => {
    expect(crossedThresholds(499.9, 500, 1000, [50, 80, 100])).toEqual([50]);
  });
});

describe('forecastBreach', () => {
  /** November 2026 in UTC: 30 days. */
  const NOVEMBER = { periodStart: '2026-11-01T00:00:00.000Z', periodEnd: '2026-12-01T00:00:00.000Z' };
  /** Usage on three days: the least evidence a forecast accepts. */
  const THREE_DAYS = { usageDays: 3 };

  /** The forecast for November at `now`: `usedMinutes` of `limitMinutes`, used on `usageDays` days. */
  const forecastNovember = (usedMinutes: number, limitMinutes: number, now: string, usageDays = THREE_DAYS.usageDays) =>
    forecastBreach({ ...NOVEMBER, usageDays, usedMinutes, limitMinutes, now });

  it('projects the date the limit is reached, and says what it is based on, when the rate so far passes it', () => {
    // 300 minutes in 10 days is 30 a day: 900 by the end of a 800-minute period; 800 after 26⅔ days.
    const result = forecastNovember(300, 800, '2026-11-11T00:00:00.000Z');

    expect(result).toEqual({
      at: '2026-11-27T16:00:00.000Z',
      projectedMinutes: 900,
      basedOn: { usedMinutes: 300, elapsedDays: 10, usageDays: 3 },
    });
  });

  it('rounds the projected total to 0.1 min and the days elapsed to 0.1 day', () => {
    // 100 minutes in 8.25 days of 30: 363.636… by the end; 360 after 29.7 days.
    const result = forecastNovember(100, 360, '2026-11-09T06:00:00.000Z', 4);

    expect(result).toEqual({
      at: '2026-11-30T16:48:00.000Z',
      projectedMinutes: 363.6,
      basedOn: { usedMinutes: 100, elapsedDays: 8.3, usageDays: 4 },
    });
  });

  it('forecasts nothing before a quarter of the period has elapsed', () => {
    // 7.5 days of 30 is exactly a quarter: a millisecond earlier is too soon.
    expect(FORECAST_MIN_ELAPSED).toBe(0.25);
    expect(forecastNovember(500, 1000, '2026-11-08T11:59:59.999Z')).toBeUndefined();
    expect(forecastNovember(500, 1000, '2026-11-08T12:00:00.000Z')).toEqual({
      at: '2026-11-16T00:00:00.000Z',
      projectedMinutes: 2000,
      basedOn: { usedMinutes: 500, elapsedDays: 7.5, usageDays: 3 },
    });
  });

  it('forecasts nothing when usage started on fewer than three days of the period', () => {
    // Half the period gone, at a rate that passes the limit twice over, but all of it on two days.
    expect(FORECAST_MIN_USAGE_DAYS).toBe(3);
    expect(forecastNovember(900, 1000, '2026-11-16T00:00:00.000Z', 2)).toBeUndefined();
  });

  it('forecasts nothing when the rate keeps usage under the limit', () => {
    // 300 minutes in 10 days: 900 by the end of a 1,000-minute period.
    expect(forecastNovember(300, 1000, '2026-11-11T00:00:00.000Z')).toBeUndefined();
  });

  it('forecasts nothing when the rate lands exactly on the limit', () => {
    expect(forecastNovember(500, 1000, '2026-11-16T00:00:00.000Z')).toBeUndefined();
  });

  it.each([
    ['the limit is already reached', 1000],
    ['the limit is already passed', 1200],
    ['nothing is used yet', 0],
  ])('forecasts nothing when %s', (_case, usedMinutes) => {
    expect(forecastNovember(usedMinutes, 1000, '2026-11-16T00:00:00.000Z')).toBeUndefined();
  });

  it('forecasts nothing when now is past the end of the period (the total is what was used)', () => {
    expect(forecastNovember(900, 1000, '2026-12-15T00:00:00.000Z')).toBeUndefined();
  });
});

describe('forecastEvidence', () => {
  const WEEK = { periodStart: '2026-11-16T00:00:00.000Z', periodEnd: '2026-11-23T00:00:00.000Z' };

  it.each([
    ['a quarter of a week has elapsed and usage is on three days', '2026-11-17T18:00:00.000Z', 3, 0.25, true],
    ['a quarter of a week has elapsed but usage is on two days', '2026-11-17T18:00:00.000Z', 2, 0.25, false],
    [
      'usage is on seven days but less than a quarter has elapsed',
      '2026-11-17T17:59:59.999Z',
      7,
      0.25 - 1 / 604_800_000,
      false,
    ],
    ['the period is over (elapsed counts up to its end)', '2026-12-01T00:00:00.000Z', 3, 1, true],
  ])('judges the evidence when %s', (_case, now, usageDays, elapsedShare, enough) => {
    expect(forecastEvidence({ ...WEEK, now, usageDays })).toEqual({ elapsedShare, enough });
  });
});
