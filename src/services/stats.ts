// Managers' figures. The open tickets are read once (by status, projected); the period's figures come
// per day from dailyFigures (a day over is counted once and kept); counting, grouping, ratios, medians
// are computed here.
import type { Types } from 'mongoose';
import { OPEN_STATUSES } from '../domain/ticket.js';
import type { Models } from '../store/index.js';
import { inScope, promiseFields, type DailyFigures, type RatingRow } from './dailyFigures.js';

export function createStatsService(deps: { models: Models; now: () => Date; figures: DailyFigures }) {
  const { models } = deps;
  return {
    /** Figures over a period, for the whole service or one team or one agent's tickets. */
    async compute(period: { from: Date; to: Date }, scope: { teamId?: string; agentId?: string } = {}) {
      // Every open ticket once, whatever the scope (the embedded store decodes each document it returns):
      // per agent, per team and by age, counted here; and the period's figures (dailyFigures.ts, a day
      // or an hour over is counted once and kept) need not read them again.
      const [all, agents, teams] = await Promise.all([
        models.tickets.find({ status: { $in: OPEN_STATUSES } }, { ...promiseFields, createdAt: 1 }).lean(),
        models.agents.find({}, { name: 1 }).lean(),
        models.teams.find({}, { name: 1 }).lean(),
      ]);
      const openTickets = new Map(all.map((t) => [String(t._id), t]));
      const [promise, volume, rated] = await Promise.all([
        deps.figures.promise(period, scope, openTickets),
        deps.figures.volume(period, scope, openTickets),
        deps.figures.ratings(period, scope, openTickets),
      ]);
      const open = all.filter(inScope(scope));
      const countBy = (key: (t: (typeof open)[number]) => Types.ObjectId | null | undefined) => {
        const counts = new Map<string | null, number>();
        for (const t of open) {
          const k = key(t) ? String(key(t)) : null;
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        return [...counts.entries()].map(([id, n]) => ({ _id: id, open: n }));
      };
      const perAgent = countBy((t) => t.assigneeId);
      const perTeam = countBy((t) => t.teamId);
      const agentName = new Map(agents.map((a) => [String(a._id), a.name]));
      const teamName = new Map(teams.map((t) => [String(t._id), t.name]));

      const now = deps.now();
      const responseMinutes = promise.minutes.sort((a, b) => a - b);
      const median = responseMinutes.length
        ? responseMinutes.length % 2
          ? responseMinutes[(responseMinutes.length - 1) / 2]!
          : (responseMinutes[responseMinutes.length / 2 - 1]! + responseMinutes[responseMinutes.length / 2]!) / 2
        : null;

      const buckets = [
        { key: 'lt1d', label: 'under 1 day', maxDays: 1 },
        { key: '1to2d', label: '1 to 2 days', maxDays: 2 },
        { key: '2to7d', label: '2 to 7 days', maxDays: 7 },
        { key: 'gt7d', label: 'over 7 days', maxDays: Infinity },
      ].map((b) => ({ ...b, count: 0 }));
      for (const t of open) {
        const days = (now.getTime() - (t.openedAt ?? t.createdAt!).getTime()) / 86_400_000;
        buckets.find((b) => days < b.maxDays)!.count++;
      }

      // Satisfaction answered within the period, per team, agent and the channel the request came by.
      const average = (n: number, sum: number) => (n ? Math.round((sum / n) * 100) / 100 : null);
      const groupBy = (key: (row: RatingRow) => string | null, name: (k: string | null) => string) => {
        const groups = new Map<string | null, { n: number; sum: number }>();
        for (const row of rated) {
          const group = groups.get(key(row)) ?? { n: 0, sum: 0 };
          groups.set(key(row), { n: group.n + row.n, sum: group.sum + row.sum });
        }
        return [...groups.entries()].map(([k, g]) => ({ key: k, name: name(k), count: g.n, average: average(g.n, g.sum)! })).sort((a, b) => b.count - a.count);
      };
      const ratedCount = rated.reduce((n, row) => n + row.n, 0);
      const satisfaction = {
        count: ratedCount,
        average: average(ratedCount, rated.reduce((sum, row) => sum + row.sum, 0)),
        perTeam: groupBy((row) => row.teamId, (k) => (k ? (teamName.get(k) ?? '?') : 'no team')),
        perAgent: groupBy((row) => row.assigneeId, (k) => (k ? (agentName.get(k) ?? '?') : 'unassigned')),
        perChannel: groupBy((row) => row.channel, (k) => k ?? ''),
      };

      return {
        period: { from: period.from.toISOString(), to: period.to.toISOString() },
        satisfaction,
        openPerAgent: perAgent
          .map((r) => ({ agentId: r._id ? String(r._id) : null, name: r._id ? (agentName.get(String(r._id)) ?? '?') : 'unassigned', open: r.open }))
          .sort((a, b) => b.open - a.open),
        openPerTeam: perTeam
          .map((r) => ({ teamId: r._id ? String(r._id) : null, name: r._id ? (teamName.get(String(r._id)) ?? '?') : 'no team', open: r.open }))
          .sort((a, b) => b.open - a.open),
        promise: { settled: promise.settled, onTime: promise.onTime, share: promise.settled ? promise.onTime / promise.settled : null },
        medianFirstResponseMinutes: median,
        volumePerChannelPerDay: [...volume.entries()]
          .map(([key, count]) => {
            const [day, channel] = key.split('|') as [string, string];
            return { day, channel, count };
          })
          .sort((a, b) => a.day.localeCompare(b.day) || a.channel.localeCompare(b.channel)),
        backlogAge: buckets.map(({ key, label, count }) => ({ key, label, count })),
      };
    },
  };
}
export type StatsService = ReturnType<typeof createStatsService>;
