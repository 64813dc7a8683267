import { isTimeZone, localMidnight, localParts } from '../../../lambda/core/time-zone';

describe('isTimeZone', () => {
  it.each(['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Pacific/Kiritimati', 'Australia/Lord_Howe'])(
    'accepts the IANA zone %s',
    (zone) => {
      expect(isTimeZone(zone)).toBe(true);
    },
  );

  it.each(['Mars/Olympus_Mons', 'Europe/Pariss', '', 'not a zone'])('rejects %j', (zone) => {
    expect(isTimeZone(zone)).toBe(false);
  });
});

describe('localParts', () => {
  it('gives the wall clock and weekday (0 = Monday) of an instant in a zone', () => {
    // 2026-11-22T23:30Z is Monday 23 Nov, 00:30 in Paris (UTC+1).
    expect(localParts(Date.parse('2026-11-22T23:30:15.000Z'), 'Europe/Paris')).toEqual({
      year: 2026,
      month: 11,
      day: 23,
      hour: 0,
      minute: 30,
      second: 15,
      weekday: 0,
    });
  });

  it('says Sunday is weekday 6', () => {
    expect(localParts(Date.parse('2026-11-22T12:00:00.000Z'), 'UTC').weekday).toBe(6);
  });
});

describe('localMidnight', () => {
  it.each([
    ['UTC', 2026, 11, 22, '2026-11-22T00:00:00.000Z'],
    ['Asia/Kolkata', 2026, 2, 1, '2026-01-31T18:30:00.000Z'],
    ['Pacific/Kiritimati', 2027, 1, 1, '2026-12-31T10:00:00.000Z'],
    // Month and day overflow are normalised: day 32 of January, month 13 of 2026.
    ['UTC', 2026, 1, 32, '2026-02-01T00:00:00.000Z'],
    ['America/New_York', 2026, 13, 1, '2027-01-01T05:00:00.000Z'],
    // The midnight after a spring-forward in Paris is already in summer time (UTC+2).
    ['Europe/Paris', 2026, 3, 30, '2026-03-29T22:00:00.000Z'],
    // Lord Howe's midnight on the day its clocks move half an hour forward is still at UTC+10:30.
    ['Australia/Lord_Howe', 2026, 10, 4, '2026-10-03T13:30:00.000Z'],
  ])('puts midnight of %s %d-%d-%d at %s', (zone, year, month, day, expected) => {
    expect(new Date(localMidnight(year, month, day, zone)).toISOString()).toBe(expected);
  });
});
