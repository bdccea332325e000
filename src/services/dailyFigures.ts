// Figures per local day, for the statistics. Reading a month of messages or tickets would decode
// thousands of documents on the embedded store at every refresh of the dashboard. What a day that is
// over holds does not change, with two exceptions handled here:
// - a ticket still waiting for its first answer: its id is kept with the day and the ticket read live;
// - a message that arrives late (mail read after an outage, dated when it reached the mailbox): storing
//   it forgets its day's figures (`reopen`), which are counted again at the next read.
// So each day is counted once from the messages and tickets and kept in stats_days; in the days that
// cannot be kept whole (today, the period's edges) each hour over is kept the same way, and only the
// rest (the last hour or two, the edges' partial hours) is counted live.
import type { Types } from 'mongoose';
import { localDayKey, startOfLocalDay } from '../domain/calendar.js';
import type { Models } from '../store/index.js';
import { figuresStore } from '../store/repositories/figures.js';
import { inboundKind, mergePromise, ratingsKind, ticketsKind, type Kind, type OpenTickets, type PromiseRow, type RatingRow } from './dailyFigureKinds.js';

export { promiseFields, type OpenTickets, type PromiseRow, type RatingRow, type VolumeRow } from './dailyFigureKinds.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** An hour kept apart, in a day not kept whole: '<day>@<UTC hour>Z'. */
const hourKey = (day: string, hour: number) => `${day}@${new Date(hour).toISOString().slice(11, 13)}Z`;
/** A day is kept once it has been over this long: a message received just before midnight is stored by then. */
const SETTLED_MS = 3_600_000;

/** Whether a row or a ticket is in the scope asked (a team's, an agent's, or the whole service). */
export const inScope =
  (scope: { teamId?: string; agentId?: string }) =>
  (item: { teamId?: Types.ObjectId | string | null; assigneeId?: Types.ObjectId | string | null }) =>
    (!scope.teamId || String(item.teamId) === scope.teamId) && (!scope.agentId || String(item.assigneeId) === scope.agentId);

/**
 * The period cut into slices of one local day: a whole day over is kept as a day; in a day that is
 * not (today, the period's edges), each whole hour over is kept as an hour; what is left (at most an
 * hour at each edge and the last hours) is counted live. `key`: the slice's name in stats_days, none
 * when it is counted live.
 */
export function slicesOf(period: { from: Date; to: Date }, nowAt: Date, timeZone: string) {
  const now = nowAt.getTime();
  const settled = now - SETTLED_MS;
  const ended = Math.min(period.to.getTime(), now);
  const slices: { day: string; key: string | null; from: Date; to: Date }[] = [];
  const slice = (day: string, key: string | null, from: number, to: number) => slices.push({ day, key, from: new Date(from), to: new Date(to) });
  for (let start = startOfLocalDay(period.from, timeZone).getTime(); start < ended; ) {
    const end = startOfLocalDay(new Date(start + DAY_MS + 2 * HOUR_MS), timeZone).getTime(); // the next midnight, whatever the offset
    const day = localDayKey(new Date(start), timeZone);
    const from = Math.max(start, period.from.getTime());
    const to = Math.min(end, ended);
    if (from === start && to === end && end <= settled) {
      slice(day, day, from, to);
    } else {
      const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
      const lastHour = Math.floor(Math.min(to, settled) / HOUR_MS) * HOUR_MS; // the end of the last hour that can be kept
      if (firstHour < lastHour) {
        if (from < firstHour) slice(day, null, from, firstHour);
        for (let hour = firstHour; hour < lastHour; hour += HOUR_MS) slice(day, hourKey(day, hour), hour, hour + HOUR_MS);
        if (lastHour < to) slice(day, null, lastHour, to);
      } else {
        slice(day, null, from, to);
      }
    }
    start = end;
  }
  return slices;
}

export function createDailyFigures(deps: { models: Models; now: () => Date; timeZone: string }) {
  const { timeZone } = deps;
  const store = figuresStore(deps.models);
  const inbound = inboundKind(store);
  const tickets = ticketsKind(store, deps.now);
  const ratings = ratingsKind(store);

  /**
   * Each day's rows over the period (kept slices read in one go, the rest counted, and kept when they
   * can be), and apart the rows of what the kept slices hold as pending, read now.
   */
  async function perDay<Row>(kind: Kind<Row>, period: { from: Date; to: Date }, open: OpenTickets): Promise<{ byDay: Map<string, Row[]>; pendingNow: Row[] }> {
    const slices = slicesOf(period, deps.now(), timeZone);
    const keys = slices.filter((s) => s.key).map((s) => `${kind.name}:${s.key}`);
    const kept = await store.kept(keys);
    const byDay = new Map<string, Row[]>();
    const add = (day: string, rows: Row[]) => byDay.set(day, [...(byDay.get(day) ?? []), ...rows]);
    const pending: Types.ObjectId[] = [];
    for (const s of slices) {
      const key = s.key ? `${kind.name}:${s.key}` : null;
      const stored = key ? kept.get(key) : undefined;
      if (stored) {
        add(s.day, stored.counts as Row[]);
        pending.push(...(stored.pending ?? []));
        continue;
      }
      const counted = await kind.count(s.from, s.to, key ? null : open);
      add(s.day, [...counted.rows, ...counted.pending.map((p) => p.row)]);
      if (!key) continue;
      await store.keep(key, counted.rows, counted.pending.map((p) => p.id));
      // A day kept whole: the hours kept while it was in progress are of no more use.
      if (s.key === s.day) {
        const hours = [];
        for (let hour = s.from.getTime(); hour < s.to.getTime(); hour += HOUR_MS) hours.push(`${kind.name}:${hourKey(s.day, hour)}`);
        await store.forget(hours);
      }
    }
    return { byDay, pendingNow: pending.length ? await kind.recount(pending, open) : [] };
  }
  const allOf = <Row>({ byDay, pendingNow }: { byDay: Map<string, Row[]>; pendingNow: Row[] }) => [...[...byDay.values()].flat(), ...pendingNow];


  return {
    /** 'YYYY-MM-DD|channel' → inbound messages in the period, for a team's or an agent's tickets, or all. */
    async volume(period: { from: Date; to: Date }, scope: { teamId?: string; agentId?: string }, open: OpenTickets): Promise<Map<string, number>> {
      const volume = new Map<string, number>();
      for (const [day, rows] of (await perDay(inbound, period, open)).byDay) {
        for (const row of rows.filter(inScope(scope))) volume.set(`${day}|${row.channel}`, (volume.get(`${day}|${row.channel}`) ?? 0) + row.n);
      }
      return volume;
    },

    /** The period's tickets (by the day they were opened): the promise's figures, summed. */
    async promise(period: { from: Date; to: Date }, scope: { teamId?: string; agentId?: string }, open: OpenTickets): Promise<PromiseRow> {
      const total: PromiseRow = { teamId: null, assigneeId: null, opened: 0, settled: 0, onTime: 0, minutes: [] };
      for (const row of allOf(await perDay(tickets, period, open)).filter(inScope(scope))) mergePromise(total, row);
      return total;
    },

    /** The satisfaction answers of the period (by the day they were given), per team, agent and channel. */
    async ratings(period: { from: Date; to: Date }, scope: { teamId?: string; agentId?: string }, open: OpenTickets): Promise<RatingRow[]> {
      return allOf(await perDay(ratings, period, open)).filter(inScope(scope));
    },

    /** A message received at `at` was stored late, after its day or hour was counted: they are counted again. */
    async reopen(at: Date): Promise<void> {
      if (at.getTime() > deps.now().getTime() - SETTLED_MS) return;
      const day = localDayKey(startOfLocalDay(at, timeZone), timeZone);
      const hour = hourKey(day, Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
      await store.forget(['inbound', 'tickets'].flatMap((kind) => [`${kind}:${day}`, `${kind}:${hour}`]));
    },
  };
}
export type DailyFigures = ReturnType<typeof createDailyFigures>;
