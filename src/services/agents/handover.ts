// An agent's work when they leave: an agent who still has open requests or citizens is deactivated only
// with a successor named (an agent, or "team": the least loaded active colleague of their team), to
// whom every open request and citizen moves at once, audited (citizens' service: handOver).
import { Conflict, Invalid, NotFound } from '../../domain/errors.js';
import { citizensStore } from '../../store/repositories/citizens.js';
import { tickets } from '../../store/repositories/tickets.js';
import type { Actor } from '../audit.js';
import type { AgentContext } from './context.js';

export type HandoverTarget = string | 'team';

/** What the leaving agent still holds. */
export async function workOf(ctx: AgentContext, agentId: string) {
  const [openTickets, citizens] = await Promise.all([tickets(ctx.models).openCountOf(agentId), citizensStore(ctx.models).countOfRecurringAgent(agentId)]);
  return { tickets: openTickets, citizens };
}

/** The least loaded active colleague of the agent's team (available ones first). */
async function leastLoadedColleague(ctx: AgentContext, agent: { _id: unknown; teamId?: unknown }): Promise<string> {
  const [all, loads] = await Promise.all([ctx.store.list(false), ctx.store.openLoads()]);
  const colleagues = all.filter((a) => String(a._id) !== String(agent._id) && agent.teamId && String(a.teamId) === String(agent.teamId));
  const rank = (a: (typeof colleagues)[number]) => [a.availability === 'available' ? 0 : 1, loads.get(String(a._id)) ?? 0] as const;
  colleagues.sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1] || a.name.localeCompare(b.name));
  if (!colleagues[0]) throw new Invalid('agent.handover_team_empty');
  return String(colleagues[0]._id);
}

/**
 * Before a deactivation: nothing to hand over, or a successor named and everything moved to them.
 * Without one, a conflict `handover_required` that gives the counts.
 */
export async function handOverBeforeLeaving(ctx: AgentContext, actor: Actor, agent: { _id: unknown; teamId?: unknown }, target: HandoverTarget | undefined) {
  const id = String(agent._id);
  const work = await workOf(ctx, id);
  if (work.tickets + work.citizens === 0) return null;
  if (!target) throw new Conflict('agent.handover_required', work).with({ counts: work }, 'handover_required');
  if (!ctx.handOver) throw new Invalid('agent.handover_required', work);
  const to = target === 'team' ? await leastLoadedColleague(ctx, agent) : target;
  if (to === id) throw new Invalid('agent.handover_same');
  if (!(await ctx.store.isActive(to))) throw new NotFound('agent.not_found');
  const moved = await ctx.handOver(actor, id, to, 'deactivation');
  return { to, ...moved };
}
