import { crossedThresholds, FORECAST_MIN_ELAPSED, forecastBreach } from '../../../../lambda/react/budgets/usage';

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

  it('projects the date the limit is reached when the rate so far passes it before the period ends', () => {
    // 300 minutes in 5 days is 60 a day: 1,800 by the end; 1,000 after 16⅔ days.
    const result = forecastBreach({
      ...NOVEMBER,
      usedMinutes: 300,
      limitMinutes: 1000,
      now: '2026-11-06T00:00:00.000Z',
    });

    expect(result).toEqual({ at: '2026-11-17T16:00:00.000Z', projectedMinutes: 1800 });
  });

  it('rounds the projected total to one decimal', () => {
    // 100 minutes in 7 of 30 days: 428.571… by the end.
    const result = forecastBreach({
      ...NOVEMBER,
      usedMinutes: 100,
      limitMinutes: 400,
      now: '2026-11-08T00:00:00.000Z',
    });

    expect(result).toEqual({ at: '2026-11-29T00:00:00.000Z', projectedMinutes: 428.6 });
  });

  it('forecasts nothing before 10% of the period has passed', () => {
    // 3 days of 30 is exactly 10%: a millisecond earlier is too soon.
    expect(FORECAST_MIN_ELAPSED).toBe(0.1);
    expect(
      forecastBreach({ ...NOVEMBER, usedMinutes: 500, limitMinutes: 1000, now: '2026-11-03T23:59:59.999Z' }),
    ).toBeUndefined();
    expect(
      forecastBreach({ ...NOVEMBER, usedMinutes: 500, limitMinutes: 1000, now: '2026-11-04T00:00:00.000Z' }),
    ).toEqual({ at: '2026-11-07T00:00:00.000Z', projectedMinutes: 5000 });
  });

  it('forecasts nothing when the rate keeps usage under the limit', () => {
    // 300 minutes in 10 days: 900 by the end of a 1,000-minute period.
    expect(
      forecastBreach({ ...NOVEMBER, usedMinutes: 300, limitMinutes: 1000, now: '2026-11-11T00:00:00.000Z' }),
    ).toBeUndefined();
  });

  it('forecasts nothing when the rate lands exactly on the limit', () => {
    expect(
      forecastBreach({ ...NOVEMBER, usedMinutes: 500, limitMinutes: 1000, now: '2026-11-16T00:00:00.000Z' }),
    ).toBeUndefined();
  });

  it.each([
    ['the limit is already reached', 1000],
    ['the limit is already passed', 1200],
    ['nothing is used yet', 0],
  ])('forecasts nothing when %s', (_case, usedMinutes) => {
    expect(forecastBreach({ ...NOVEMBER, usedMinutes, limitMinutes: 1000, now: '2026-11-06T00:00:00.000Z' })).toBe(
      undefined,
    );
  });

  it('forecasts nothing when now is past the end of the period (the total is what was used)', () => {
    expect(
      forecastBreach({ ...NOVEMBER, usedMinutes: 900, limitMinutes: 1000, now: '2026-12-15T00:00:00.000Z' }),
    ).toBeUndefined();
  });
});
