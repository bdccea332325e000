// Managers' figures. Each collection is read once per figure with a filter its indexes answer (open
// tickets by status, a period between two dates), projected; counting, grouping, ratios, medians and
// calendar days are computed here.
import { Types } from 'mongoose';
import { OPEN_STATUSES } from '../domain/ticket.js';
import type { Models } from '../store/index.js';
import type { DailyVolume } from './dailyVolume.js';

export function createStatsService(deps: { models: Models; now: () => Date; timeZone: string; volume: DailyVolume }) {
  const { models } = deps;
  return {
    /** Figures over a period, for the whole service or one team or one agent's tickets. */
    async compute(period: { from: Date; to: Date }, scope: { teamId?: string; agentId?: string } = {}) {
      const scoped: Record<string, unknown> = {};
      if (scope.teamId) scoped.teamId = new Types.ObjectId(scope.teamId);
      if (scope.agentId) scoped.assigneeId = new Types.ObjectId(scope.agentId);
      // The open tickets once (the embedded store decodes each document it returns): per agent, per
      // team and by age, counted here.
      const [open, agents, teams] = await Promise.all([
        models.tickets.find({ ...scoped, status: { $in: OPEN_STATUSES } }, { assigneeId: 1, teamId: 1, openedAt: 1, createdAt: 1 }).lean(),
        models.agents.find({}, { name: 1 }).lean(),
        models.teams.find({}, { name: 1 }).lean(),
      ]);
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

      const created = await models.tickets
        .find({ ...scoped, openedAt: { $gte: period.from, $lt: period.to } }, { openedAt: 1, firstRespondedAt: 1, firstResponseDueAt: 1 })
        .lean();
      const now = deps.now();
      // A ticket counts once its promise is settled: answered, or its deadline passed unanswered.
      const settled = created.filter((t) => t.firstRespondedAt || (t.firstResponseDueAt && t.firstResponseDueAt <= now));
      const onTime = settled.filter((t) => t.firstRespondedAt && t.firstResponseDueAt && t.firstRespondedAt <= t.firstResponseDueAt);
      const responseMinutes = created
        .filter((t) => t.firstRespondedAt)
        .map((t) => (t.firstRespondedAt!.getTime() - t.openedAt!.getTime()) / 60_000)
        .sort((a, b) => a - b);
      const median = responseMinutes.length
        ? responseMinutes.length % 2
          ? responseMinutes[(responseMinutes.length - 1) / 2]!
          : (responseMinutes[responseMinutes.length / 2 - 1]! + responseMinutes[responseMinutes.length / 2]!) / 2
        : null;

      const volume = await deps.volume.perDayAndChannel(period, scope);

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
      const rated = await models.tickets
        .find({ ...scoped, satisfiedAt: { $gte: period.from, $lt: period.to } }, { satisfaction: 1, teamId: 1, assigneeId: 1, channel: 1 })
        .lean();
      const average = (scores: number[]) => (scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100 : null);
      const groupBy = (key: (t: (typeof rated)[number]) => string | null, name: (k: string | null) => string) => {
        const groups = new Map<string | null, number[]>();
        for (const ticket of rated) groups.set(key(ticket), [...(groups.get(key(ticket)) ?? []), ticket.satisfaction!.score]);
        return [...groups.entries()].map(([k, scores]) => ({ key: k, name: name(k), count: scores.length, average: average(scores)! })).sort((a, b) => b.count - a.count);
      };
      const satisfaction = {
        count: rated.length,
        average: average(rated.map((t) => t.satisfaction!.score)),
        perTeam: groupBy((t) => (t.teamId ? String(t.teamId) : null), (k) => (k ? (teamName.get(k) ?? '?') : 'no team')),
        perAgent: groupBy((t) => (t.assigneeId ? String(t.assigneeId) : null), (k) => (k ? (agentName.get(k) ?? '?') : 'unassigned')),
        perChannel: groupBy((t) => t.channel, (k) => k ?? ''),
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
        promise: { settled: settled.length, onTime: onTime.length, share: settled.length ? onTime.length / settled.length : null },
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
