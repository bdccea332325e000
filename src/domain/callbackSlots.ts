// Call-back slots: a citizen asks to be called back in a half-day ("2026-03-04:am" or ":pm") when the
// service is open then (opening hours, French public holidays closed), and not in a half-day already over.
import { isHoliday, localTime, type OpeningHours } from './calendar.js';

export type HalfDay = 'am' | 'pm';
const NOON = 12 * 60;
/** A half-day is still offered until this long before its last opening minute. */
const LAST_CALL_MINUTES = 30;
const SLOT = /^(\d{4})-(\d{2})-(\d{2}):(am|pm)$/;

const pad = (n: number) => String(n).padStart(2, '0');

/** The opening minutes of a half-day of a weekday: [first, last), or null when closed. */
function halfDayHours(hours: OpeningHours, weekday: number, half: HalfDay): { from: number; to: number } | null {
  const parts = hours[weekday as 0]
    .map((i) => (half === 'am' ? { from: i.from, to: Math.min(i.to, NOON) } : { from: Math.max(i.from, NOON), to: i.to }))
    .filter((i) => i.from < i.to);
  if (parts.length === 0) return null;
  return { from: Math.min(...parts.map((p) => p.from)), to: Math.max(...parts.map((p) => p.to)) };
}

/** The next `count` half-days open for a call-back, from `now` on. */
export function nextSlots(now: Date, hours: OpeningHours, timeZone: string, count = 6): string[] {
  const slots: string[] = [];
  const today = localTime(now, timeZone);
  for (let offset = 0; offset < 60 && slots.length < count; offset++) {
    // Noon UTC of the local date plus `offset` days: a safe instant to read that date's weekday.
    const day = localTime(new Date(Date.UTC(today.year, today.month - 1, today.day + offset, 12)), 'UTC');
    if (isHoliday(day)) continue;
    for (const half of ['am', 'pm'] as const) {
      const open = halfDayHours(hours, day.weekday, half);
      if (!open) continue;
      if (offset === 0 && today.minutes > open.to - LAST_CALL_MINUTES) continue;
      slots.push(`${day.year}-${pad(day.month)}-${pad(day.day)}:${half}`);
      if (slots.length >= count) break;
    }
  }
  return slots;
}

/** True when `slot` is a well-formed half-day open for a call-back, seen from `now`. */
export function isOpenSlot(slot: string, now: Date, hours: OpeningHours, timeZone: string): boolean {
  const match = SLOT.exec(slot);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day, 12));
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return false;
  // Within the next 60 days: the same rule as the list offered.
  return nextSlots(now, hours, timeZone, 200).includes(slot);
}

/** "mardi 3 mars, le matin": how a slot is said and shown to citizens and agents. */
export function slotLabel(slot: string, locale: 'fr' | 'en' = 'fr'): string {
  const match = SLOT.exec(slot);
  if (!match) return slot;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12));
  const day = date.toLocaleDateString(locale === 'fr' ? 'fr-FR' : 'en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
  if (locale === 'en') return `${day}, ${match[4] === 'am' ? 'morning' : 'afternoon'}`;
  return `${day}, ${match[4] === 'am' ? 'le matin' : 'l’après-midi'}`;
}
