// Inbound messages per local day and channel, for the statistics. Reading a month of messages would
// decode thousands of documents on the embedded store at every refresh of the dashboard; a day that is
// over never changes (a message's receivedAt is when it came in), so its counts are read from the
// messages once and kept in stats_days. Parts of days (the period's edges, today) are counted live.
import { localDayKey, startOfLocalDay } from '../domain/calendar.js';
import type { Models } from '../store/index.js';

const DAY_MS = 86_400_000;
/** A day is kept once it has been over this long: a message received just before midnight is stored by then. */
const SETTLED_MS = 3_600_000;
type Count = { channel: string; teamId: string | null; assigneeId: string | null; n: number };

export function createDailyVolume(deps: { models: Models; now: () => Date; timeZone: string }) {
  const { models, timeZone } = deps;

  /** Inbound messages received in [from, to), per channel and the team and agent of their ticket now. */
  async function count(from: Date, to: Date): Promise<Count[]> {
    // The period alone: its index is the one to use (with `direction` beside it the embedded store's
    // SQLite, which keeps no statistics, would rather walk every inbound message of all time).
    const messages = (await models.messages.find({ receivedAt: { $gte: from, $lt: to } }, { channel: 1, ticketId: 1, direction: 1 }).lean()).filter((m) => m.direction === 'in');
    const ticketIds = [...new Set(messages.map((m) => String(m.ticketId)))];
    const tickets = ticketIds.length ? await models.tickets.find({ _id: { $in: ticketIds } }, { teamId: 1, assigneeId: 1 }).lean() : [];
    const scopeOf = new Map(tickets.map((t) => [String(t._id), { teamId: t.teamId ? String(t.teamId) : null, assigneeId: t.assigneeId ? String(t.assigneeId) : null }]));
    const counts = new Map<string, Count>();
    for (const m of messages) {
      const scope = scopeOf.get(String(m.ticketId)) ?? { teamId: null, assigneeId: null };
      const key = `${m.channel}|${scope.teamId}|${scope.assigneeId}`;
      const entry = counts.get(key) ?? { channel: m.channel, ...scope, n: 0 };
      entry.n++;
      counts.set(key, entry);
    }
    return [...counts.values()];
  }

  /** A whole day that is over: counted once, then read back. */
  async function pastDay(start: Date, end: Date, day: string): Promise<Count[]> {
    const kept = await models.statsDays.findById(`inbound:${day}`).lean();
    if (kept) return kept.counts.map((c) => ({ channel: c.channel, teamId: c.teamId ?? null, assigneeId: c.assigneeId ?? null, n: c.n }));
    const counts = await count(start, end);
    await models.statsDays.updateOne({ _id: `inbound:${day}` }, { $set: { counts } }, { upsert: true });
    return counts;
  }

  return {
    /** 'YYYY-MM-DD|channel' → inbound messages in the period, for a team or an agent's tickets, or all. */
    async perDayAndChannel(period: { from: Date; to: Date }, scope: { teamId?: string; agentId?: string }): Promise<Map<string, number>> {
      const volume = new Map<string, number>();
      const add = (day: string, counts: Count[]) => {
        for (const c of counts) {
          if (scope.teamId && c.teamId !== scope.teamId) continue;
          if (scope.agentId && c.assigneeId !== scope.agentId) continue;
          const key = `${day}|${c.channel}`;
          volume.set(key, (volume.get(key) ?? 0) + c.n);
        }
      };
      const now = deps.now();
      const ended = Math.min(period.to.getTime(), now.getTime());
      // Day by day; a day is complete when it lies inside the period and is over.
      for (let start = startOfLocalDay(period.from, timeZone); start.getTime() < ended; ) {
        const end = startOfLocalDay(new Date(start.getTime() + DAY_MS + 2 * 3_600_000), timeZone); // the next midnight, whatever the offset
        const day = localDayKey(start, timeZone);
        const from = new Date(Math.max(start.getTime(), period.from.getTime()));
        const to = new Date(Math.min(end.getTime(), ended));
        const whole = from.getTime() === start.getTime() && to.getTime() === end.getTime() && end.getTime() <= now.getTime() - SETTLED_MS;
        add(day, whole ? await pastDay(start, end, day) : await count(from, to));
        start = end;
      }
      return volume;
    },
  };
}
export type DailyVolume = ReturnType<typeof createDailyVolume>;
