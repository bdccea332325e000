// Managers' figures. The open tickets are read once (by status, projected); the period's figures come
// per day from dailyFigures (a day over is counted once and kept); counting, grouping, ratios, medians
// are computed here.
import type { Models } from '../store/index.js';
import { agentsStore } from '../store/repositories/agents.js';
import { figuresStore } from '../store/repositories/figures.js';
import { teamsStore } from '../store/repositories/teams.js';
import { backlogAge, countBy, median, satisfactionOf, volumeRows } from '../domain/figures.js';
import { callFigures } from '../domain/callFigures.js';
import { inScope, promiseFields, type DailyFigures } from './dailyFigures.js';
import type { PromiseDoc } from './dailyFigureKinds.js';

export function createStatsService(deps: { models: Models; now: () => Date; figures: DailyFigures }) {
  const { models } = deps;
  return {
    /** Figures over a period, for the whole service or one team or one agent's tickets. */
    async compute(period: { from: Date; to: Date }, scope: { teamId?: string; agentId?: string } = {}) {
      // Every open ticket once, whatever the scope (the embedded store decodes each document it returns):
      // per agent, per team and by age, counted here; and the period's figures (dailyFigures.ts, a day
      // or an hour over is counted once and kept) need not read them again.
      const [all, agentName, teamName] = await Promise.all([
        figuresStore(models).openTickets<PromiseDoc & { createdAt?: Date }>({ ...promiseFields, createdAt: 1 }),
        agentsStore(models).allNames(),
        teamsStore(models).namesOf(),
      ]);
      const openTickets = new Map(all.map((t) => [String(t._id), t]));
      const [promise, volume, rated] = await Promise.all([
        deps.figures.promise(period, scope, openTickets),
        deps.figures.volume(period, scope, openTickets),
        deps.figures.ratings(period, scope, openTickets),
      ]);
      const open = all.filter(inScope(scope));
      const calls = (await figuresStore(models).callsBetween(period.from, period.to)).filter((c) => (!scope.teamId || c.teamId === scope.teamId) && (!scope.agentId || c.agentId === scope.agentId));
      const satisfaction = satisfactionOf(rated, (k) => (k ? (teamName.get(k) ?? '?') : 'no team'), (k) => (k ? (agentName.get(k) ?? '?') : 'unassigned'));

      return {
        period: { from: period.from.toISOString(), to: period.to.toISOString() },
        satisfaction,
        openPerAgent: countBy(open, (t) => t.assigneeId)
          .map((r) => ({ agentId: r._id ? String(r._id) : null, name: r._id ? (agentName.get(String(r._id)) ?? '?') : 'unassigned', open: r.open }))
          .sort((a, b) => b.open - a.open),
        openPerTeam: countBy(open, (t) => t.teamId)
          .map((r) => ({ teamId: r._id ? String(r._id) : null, name: r._id ? (teamName.get(String(r._id)) ?? '?') : 'no team', open: r.open }))
          .sort((a, b) => b.open - a.open),
        promise: { settled: promise.settled, onTime: promise.onTime, share: promise.settled ? promise.onTime / promise.settled : null },
        medianFirstResponseMinutes: median(promise.minutes),
        volumePerChannelPerDay: volumeRows(volume),
        backlogAge: backlogAge(open.map((t) => t.openedAt ?? t.createdAt!), deps.now()),
        calls: callFigures(calls, { team: (k) => (k ? (teamName.get(k) ?? '?') : 'no team'), agent: (k) => (k ? (agentName.get(k) ?? '?') : 'unassigned') }),
      };
    },
  };
}
export type StatsService = ReturnType<typeof createStatsService>;
