// A citizen's usual interlocutor: changed by a manager (their open tickets follow), or all of a leaving agent's citizens handed over.
import { Invalid, NotFound } from '../../domain/errors.js';
import { Types } from 'mongoose';
import type { Actor } from '../audit.js';
import { type CitizenContext, activeAgent, load } from './context.js';
import { get } from './profile.js';

/** Changes the citizen's usual interlocutor: their open tickets follow, and so will new ones. */
export async function setRecurringAgent(ctx: CitizenContext, actor: Actor, citizenId: string, agentId: string, reason?: string) {
  const citizen = await load(ctx, citizenId);
  const agent = await activeAgent(ctx, agentId);
  const from = citizen.recurringAgentId ? String(citizen.recurringAgentId) : null;
  await ctx.store.setFields(citizen._id, { recurringAgentId: agent._id, teamId: agent.teamId ?? citizen.teamId });
  const open = await ctx.tickets.openOfCitizen(citizen._id);
  for (const ticket of open) {
    const previous = ticket.assigneeId ? String(ticket.assigneeId) : null;
    await ctx.tickets.assign(ticket._id, agent._id, agent.teamId ?? ticket.teamId);
    // In each open request's history too: who the usual interlocutor became, and why.
    await ctx.audit(actor, 'ticket.recurring_agent.changed', { ticketId: ticket._id }, {
      from, to: agentId, reason: reason ?? null, changes: [{ field: 'recurringAgent', from, to: agentId }, ...(previous !== agentId ? [{ field: 'assignee', from: previous, to: agentId }] : [])],
    });
    ctx.events.emit('ticket.assigned', {
      ticketId: String(ticket._id), reference: ticket.reference, citizenId: String(citizen._id), teamId: agent.teamId ? String(agent.teamId) : null,
      assigneeId: agentId, agentIds: [agentId], status: ticket.status, fromAgentId: previous, toAgentId: agentId, reason, byAgentId: actor.kind === 'agent' ? actor.id : null,
    });
  }
  await ctx.audit(actor, 'citizen.recurring_agent.changed', { citizenId: citizen._id, agentId: agent._id }, { from, to: agentId, reason: reason ?? null, ticketsMoved: open.map((t) => String(t._id)) });
  return get(ctx, citizenId);
}

/** A leaving agent: every citizen of theirs goes to another agent at once, each change audited. */
export async function handOver(ctx: CitizenContext, actor: Actor, fromAgentId: string, toAgentId: string, reason?: string): Promise<{ citizens: number; tickets: number }> {
  if (fromAgentId === toAgentId) throw new Invalid('agent.handover_same');
  await activeAgent(ctx, toAgentId);
  if (!Types.ObjectId.isValid(fromAgentId)) throw new NotFound('agent.not_found');
  const citizens = await ctx.store.ofRecurringAgent(fromAgentId);
  for (const citizen of citizens) await setRecurringAgent(ctx, actor, String(citizen._id), toAgentId, reason ?? 'hand-over');
  // Tickets a manager had given them directly follow too, each audited and pushed like a reassignment.
  const to = await activeAgent(ctx, toAgentId);
  const direct = await ctx.tickets.openAssignedTo(fromAgentId);
  for (const ticket of direct) {
    await ctx.tickets.assign(ticket._id, to._id, to.teamId ?? ticket.teamId);
    await ctx.audit(actor, 'ticket.assigned', { ticketId: ticket._id, citizenId: ticket.citizenId, agentId: to._id }, { from: fromAgentId, to: toAgentId, reason: reason ?? 'hand-over' });
    ctx.events.emit('ticket.assigned', {
      ticketId: String(ticket._id), reference: ticket.reference, citizenId: String(ticket.citizenId), teamId: to.teamId ? String(to.teamId) : null,
      assigneeId: toAgentId, agentIds: [toAgentId], status: ticket.status, fromAgentId, toAgentId, reason, byAgentId: actor.kind === 'agent' ? actor.id : null,
    });
  }
  await ctx.audit(actor, 'agent.handed_over', { agentId: fromAgentId }, { to: toAgentId, citizens: citizens.map((c) => String(c._id)), tickets: direct.length, reason: reason ?? null });
  return { citizens: citizens.length, tickets: direct.length };
}
