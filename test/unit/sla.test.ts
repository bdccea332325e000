import { describe, expect, it } from 'vitest';
import { parseOpeningHours } from '../../src/domain/calendar.js';
import { addBusinessMinutes, businessMinutesBetween, deadlineFrom, resumeDeadline, zonedInstant } from '../../src/domain/sla.js';

const tz = 'Europe/Paris';
const workingDays = parseOpeningHours('mon-fri 00:00-24:00');
const office = parseOpeningHours('mon-fri 09:00-12:00,14:00-17:00');
const at = (iso: string) => new Date(iso);

describe('business time', () => {
  it('converts Paris wall-clock times to instants on both sides of daylight saving', () => {
    expect(zonedInstant(2026, 1, 15, 9 * 60, tz).toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(zonedInstant(2026, 7, 15, 9 * 60, tz).toISOString()).toBe('2026-07-15T07:00:00.000Z');
    expect(zonedInstant(2026, 3, 29, 12 * 60, tz).toISOString()).toBe('2026-03-29T10:00:00.000Z');
  });

  it('counts 48 h as two working days, skipping the weekend', () => {
    // Friday 2026-03-06 10:00 Paris → Tuesday 10:00.
    expect(addBusinessMinutes(at('2026-03-06T09:00:00Z'), 48 * 60, workingDays, tz).toISOString()).toBe('2026-03-10T09:00:00.000Z');
  });

  it('skips Easter Monday and the Ascension bridge is not a holiday', () => {
    // Thursday 2026-04-02 10:00 → Friday, (weekend), Easter Monday skipped → Tuesday 2026-04-07 10:00 (UTC+2).
    expect(addBusinessMinutes(at('2026-04-02T08:00:00Z'), 48 * 60, workingDays, tz).toISOString()).toBe('2026-04-07T08:00:00.000Z');
    // Wednesday 2026-05-13 10:00 → Thursday 14 is Ascension → Friday 15, Monday 18 at 10:00.
    expect(addBusinessMinutes(at('2026-05-13T08:00:00Z'), 48 * 60, workingDays, tz).toISOString()).toBe('2026-05-18T08:00:00.000Z');
  });

  it('keeps local hours across the spring daylight-saving change', () => {
    // Friday 2026-03-27 16:00 (UTC+1) + 6 office hours → Monday 2026-03-30 (UTC+2): 1 h Friday, 5 h Monday → 16:00 local.
    expect(addBusinessMinutes(at('2026-03-27T15:00:00Z'), 6 * 60, office, tz).toISOString()).toBe('2026-03-30T14:00:00.000Z');
  });

  it('starts counting at opening time when received outside hours, and skips lunch', () => {
    // Saturday evening + 4 office hours → Monday 09:00 + 3 h (morning) + 1 h after lunch = 15:00.
    expect(addBusinessMinutes(at('2026-03-07T19:00:00Z'), 240, office, tz).toISOString()).toBe('2026-03-09T14:00:00.000Z');
    expect(businessMinutesBetween(at('2026-03-09T08:00:00Z'), at('2026-03-09T16:00:00Z'), office, tz)).toBe(360);
  });

  it('pauses a deadline and resumes it with the time that was left', () => {
    const calendar = { hours: workingDays, timeZone: tz, promiseHours: 48, atRiskShare: 0.8 };
    const deadline = deadlineFrom('first', at('2026-03-02T09:00:00Z'), calendar); // Monday
    expect(deadline.dueAt.toISOString()).toBe('2026-03-04T09:00:00.000Z');
    expect(deadline.warnAt.toISOString()).toBe('2026-03-03T23:24:00.000Z'); // 38.4 h in
    // Paused Tuesday 09:00 (24 h left), resumed Thursday 09:00: due Friday 09:00.
    const resumed = resumeDeadline(deadline, at('2026-03-03T09:00:00Z'), at('2026-03-05T09:00:00Z'), calendar);
    expect(resumed.dueAt.toISOString()).toBe('2026-03-06T09:00:00.000Z');
  });
});
