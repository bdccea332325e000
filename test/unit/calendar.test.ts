import { describe, expect, it } from 'vitest';
import { easterSunday, frenchHolidays, isOpenAt, localDayKey, localTime, parseOpeningHours, startOfLocalDay } from '../../src/domain/calendar.js';

describe('French public holidays', () => {
  it.each([
    [2024, [3, 31]],
    [2025, [4, 20]],
    [2026, [4, 5]],
    [2027, [3, 28]],
    [2038, [4, 25]],
    [2285, [3, 22]],
  ])('Easter %i', (year, date) => {
    expect(easterSunday(year)).toEqual(date);
  });

  it('lists the eleven holidays of 2026 with the Easter-based ones', () => {
    expect([...frenchHolidays(2026)].sort()).toEqual([
      '2026-01-01', '2026-04-06', '2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25',
      '2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25',
    ]);
  });
});

describe('opening hours', () => {
  const hours = parseOpeningHours('mon-fri 08:30-12:00,13:30-17:00; sat 09:00-12:00');
  const tz = 'Europe/Paris';

  it('reads days, ranges and lunch breaks', () => {
    expect(hours[1]).toEqual([{ from: 510, to: 720 }, { from: 810, to: 1020 }]);
    expect(hours[6]).toEqual([{ from: 540, to: 720 }]);
    expect(hours[0]).toEqual([]);
  });

  it.each(['mon 8-17', 'lun-ven 08:00-17:00', 'mon 18:00-08:00', 'mon 08:00-25:00'])('refuses %j', (spec) => {
    expect(() => parseOpeningHours(spec)).toThrow();
  });

  it('follows Paris time across the daylight-saving change', () => {
    // Winter: UTC+1. 2026-03-27 is a Friday; 07:45 UTC = 08:45 Paris.
    expect(isOpenAt(new Date('2026-03-27T07:45:00Z'), hours, tz)).toBe(true);
    expect(isOpenAt(new Date('2026-03-27T07:15:00Z'), hours, tz)).toBe(false);
    // Summer: UTC+2 from 2026-03-29. Monday 2026-03-30 06:45 UTC = 08:45 Paris.
    expect(localTime(new Date('2026-03-30T06:45:00Z'), tz)).toMatchObject({ weekday: 1, minutes: 8 * 60 + 45 });
    expect(isOpenAt(new Date('2026-03-30T06:45:00Z'), hours, tz)).toBe(true);
  });

  it('is closed at lunch, on Sundays and on public holidays', () => {
    expect(isOpenAt(new Date('2026-03-27T11:30:00Z'), hours, tz)).toBe(false); // 12:30 Paris
    expect(isOpenAt(new Date('2026-03-29T09:00:00Z'), hours, tz)).toBe(false); // Sunday
    expect(isOpenAt(new Date('2026-04-06T08:00:00Z'), hours, tz)).toBe(false); // Easter Monday 10:00
    expect(isOpenAt(new Date('2026-05-14T08:00:00Z'), hours, tz)).toBe(false); // Ascension
  });
});

describe('local days', () => {
  it('finds midnight in Paris on ordinary days and across both daylight-saving changes', () => {
    expect(startOfLocalDay(new Date('2026-12-02T09:00:00Z'), 'Europe/Paris').toISOString()).toBe('2026-12-01T23:00:00.000Z');
    expect(startOfLocalDay(new Date('2026-03-29T08:00:00Z'), 'Europe/Paris').toISOString()).toBe('2026-03-28T23:00:00.000Z'); // 02:00 → 03:00
    expect(startOfLocalDay(new Date('2026-10-25T09:00:00Z'), 'Europe/Paris').toISOString()).toBe('2026-10-24T22:00:00.000Z'); // 03:00 → 02:00
    expect(startOfLocalDay(new Date('2026-07-14T21:59:59Z'), 'Europe/Paris').toISOString()).toBe('2026-07-13T22:00:00.000Z');
    expect(localDayKey(new Date('2026-12-31T23:30:00Z'), 'Europe/Paris')).toBe('2027-01-01');
  });
});
