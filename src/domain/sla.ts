// The answer promise in business time: hours counted only inside the business hours of the
// administration's time zone, never on French public holidays; daylight-saving changes included.
import { isHoliday, localTime, type OpeningHours } from './calendar.js';

const MINUTE = 60_000;
const MAX_DAYS = 800;

/** The instant of a wall-clock time (date + minutes since midnight) in a time zone. */
export function zonedInstant(year: number, month: number, day: number, minutes: number, timeZone: string): Date {
  const naive = Date.UTC(year, month - 1, day, 0, minutes);
  let guess = naive;
  // Two passes settle the offset, also across a daylight-saving change.
  for (let i = 0; i < 2; i++) {
    const local = localTime(new Date(guess), timeZone);
    const asIf = Date.UTC(local.year, local.month - 1, local.day, 0, local.minutes);
    guess += naive - asIf;
  }
  return new Date(guess);
}

function nextLocalMidnight(instant: Date, timeZone: string): Date {
  const local = localTime(instant, timeZone);
  const tomorrow = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
  return zonedInstant(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth() + 1, tomorrow.getUTCDate(), 0, timeZone);
}

/** Walks business time forward from `start`, calling `visit` with each open span [from, to). */
function walk(start: Date, hours: OpeningHours, timeZone: string, visit: (from: Date, to: Date) => boolean): void {
  let cursor = start;
  for (let day = 0; day < MAX_DAYS; day++) {
    const local = localTime(cursor, timeZone);
    if (!isHoliday(local)) {
      for (const interval of hours[local.weekday]) {
        if (interval.to <= local.minutes) continue;
        const from = Math.max(interval.from, local.minutes);
        const spanFrom = from === local.minutes ? cursor : zonedInstant(local.year, local.month, local.day, from, timeZone);
        const spanTo = zonedInstant(local.year, local.month, local.day, interval.to, timeZone);
        if (spanTo > spanFrom && visit(spanFrom, spanTo)) return;
      }
    }
    cursor = nextLocalMidnight(cursor, timeZone);
  }
  throw new Error('business hours are empty: no open time within two years');
}

/** `start` plus `minutes` of business time. */
export function addBusinessMinutes(start: Date, minutes: number, hours: OpeningHours, timeZone: string): Date {
  let remaining = minutes * MINUTE;
  let result = start;
  if (remaining <= 0) return start;
  walk(start, hours, timeZone, (from, to) => {
    const span = to.getTime() - from.getTime();
    if (remaining <= span) {
      result = new Date(from.getTime() + remaining);
      return true;
    }
    remaining -= span;
    return false;
  });
  return result;
}

/** Business minutes between two instants (0 when `end` is not after `start`). */
export function businessMinutesBetween(start: Date, end: Date, hours: OpeningHours, timeZone: string): number {
  if (end <= start) return 0;
  let total = 0;
  walk(start, hours, timeZone, (from, to) => {
    if (from >= end) return true;
    total += Math.min(to.getTime(), end.getTime()) - from.getTime();
    return to >= end;
  });
  return total / MINUTE;
}

export interface SlaCalendar {
  hours: OpeningHours;
  timeZone: string;
  promiseHours: number;
  /** Share of the time after which the deadline is at risk (0.8: warned with a fifth left). */
  atRiskShare: number;
}

export interface Deadline {
  kind: 'first' | 'next';
  startedAt: Date;
  dueAt: Date;
  warnAt: Date;
}

export function deadlineFrom(kind: Deadline['kind'], startedAt: Date, calendar: SlaCalendar): Deadline {
  const minutes = calendar.promiseHours * 60;
  return {
    kind,
    startedAt,
    dueAt: addBusinessMinutes(startedAt, minutes, calendar.hours, calendar.timeZone),
    warnAt: addBusinessMinutes(startedAt, minutes * calendar.atRiskShare, calendar.hours, calendar.timeZone),
  };
}

/** The same deadline after a pause: what was left when it paused is counted again from `resumedAt`. */
export function resumeDeadline(deadline: Deadline, pausedAt: Date, resumedAt: Date, calendar: SlaCalendar): Deadline {
  const left = businessMinutesBetween(pausedAt, deadline.dueAt, calendar.hours, calendar.timeZone);
  const warnLeft = businessMinutesBetween(pausedAt, deadline.warnAt, calendar.hours, calendar.timeZone);
  return {
    ...deadline,
    dueAt: addBusinessMinutes(resumedAt, left, calendar.hours, calendar.timeZone),
    warnAt: addBusinessMinutes(resumedAt, warnLeft, calendar.hours, calendar.timeZone),
  };
}
