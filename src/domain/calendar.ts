// Opening hours and French public holidays, in the administration's time zone (Europe/Paris by default,
// daylight-saving changes included through Intl). Used by the voice greeting and the SLA clock.

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6; // 0 = Sunday
export interface Interval { from: number; to: number } // minutes since local midnight
export type OpeningHours = Record<Weekday, Interval[]>;

const DAY_NAMES: Record<string, Weekday> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** Parses "mon-fri 08:30-12:00,13:30-17:00; sat 09:00-12:00". Throws a readable Error on bad input. */
export function parseOpeningHours(spec: string): OpeningHours {
  const hours: OpeningHours = { 0: [], 1: [], 2: [], 3: [], 4: [], 5: [], 6: [] };
  for (const part of spec.split(';').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z]{3})(?:-([a-z]{3}))?\s+(.+)$/i.exec(part);
    if (!match) throw new Error(`cannot read "${part}" (expected e.g. "mon-fri 08:30-17:00")`);
    const first = DAY_NAMES[match[1]!.toLowerCase()];
    const last = DAY_NAMES[(match[2] ?? match[1]!).toLowerCase()];
    if (first === undefined || last === undefined) throw new Error(`unknown day in "${part}" (use mon, tue, wed, thu, fri, sat, sun)`);
    const intervals = match[3]!.split(',').map((range) => {
      const r = /^\s*(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})\s*$/.exec(range);
      if (!r) throw new Error(`cannot read the hours "${range.trim()}" (expected HH:MM-HH:MM)`);
      const from = Number(r[1]) * 60 + Number(r[2]);
      const to = Number(r[3]) * 60 + Number(r[4]);
      if (from >= to || to > 24 * 60 || Number(r[2]) > 59 || Number(r[4]) > 59) throw new Error(`"${range.trim()}" is not a valid time range`);
      return { from, to };
    });
    for (let day = first; ; day = ((day + 1) % 7) as Weekday) {
      hours[day].push(...intervals);
      if (day === last) break;
    }
  }
  for (const day of Object.values(hours)) day.sort((a, b) => a.from - b.from);
  return hours;
}

export interface LocalTime { year: number; month: number; day: number; weekday: Weekday; minutes: number }

const formatters = new Map<string, Intl.DateTimeFormat>();
/** The wall-clock date and time of an instant in a time zone. */
export function localTime(instant: Date, timeZone: string): LocalTime {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: DAY_NAMES[String(parts.weekday).toLowerCase().slice(0, 3)]!,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** The instant a local day begins (midnight in the time zone; found again after a change of offset). */
export function startOfLocalDay(instant: Date, timeZone: string): Date {
  let start = new Date(instant.getTime() - (instant.getTime() % 60_000) - localTime(instant, timeZone).minutes * 60_000);
  // Across a daylight-saving change the wall clock's minutes are not the minutes elapsed: step back to midnight.
  for (let i = 0; i < 3 && localTime(start, timeZone).minutes !== 0; i++) {
    const { minutes } = localTime(start, timeZone);
    start = new Date(start.getTime() - (minutes > 720 ? minutes - 1440 : minutes) * 60_000);
  }
  return start;
}

/** A local day's key, YYYY-MM-DD. */
export function localDayKey(instant: Date, timeZone: string): string {
  const { year, month, day } = localTime(instant, timeZone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Easter Sunday (Gregorian), as [month, day]: the anonymous algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

const pad = (n: number) => String(n).padStart(2, '0');
const holidayCache = new Map<number, Set<string>>();

/** The eleven public holidays of metropolitan France, as "YYYY-MM-DD". */
export function frenchHolidays(year: number): Set<string> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const fixed = ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25'];
  const [em, ed] = easterSunday(year);
  const easter = Date.UTC(year, em - 1, ed);
  const shifted = (days: number) => {
    const d = new Date(easter + days * 86_400_000);
    return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  };
  // Easter Monday, Ascension Thursday, Whit Monday.
  const movable = [shifted(1), shifted(39), shifted(50)];
  const set = new Set([...fixed, ...movable].map((md) => `${year}-${md}`));
  holidayCache.set(year, set);
  return set;
}

export function isHoliday(local: Pick<LocalTime, 'year' | 'month' | 'day'>): boolean {
  return frenchHolidays(local.year).has(`${local.year}-${pad(local.month)}-${pad(local.day)}`);
}

/** True when the service is open at that instant: within the day's hours and not a public holiday. */
export function isOpenAt(instant: Date, hours: OpeningHours, timeZone: string): boolean {
  const local = localTime(instant, timeZone);
  if (isHoliday(local)) return false;
  return hours[local.weekday].some((i) => local.minutes >= i.from && local.minutes < i.to);
}
