// A ticket's status (the clock pauses while pending, the citizen's open-ticket slot follows), its
// category and priority, a manager's reassignment, and the system's own status changes.
import { Types } from 'mongoose';
import type { Actor } from '../audit.js';
import type { Principal } from '../tokens.js';
import type { TicketDoc } from '../../store/models/ticket.js';
import type { TicketSla } from '../sla.js';
import type { TicketStatus } from '../../domain/ticket.js';
import { Conflict, NotFound } from '../../domain/errors.js';
import { eventData, idOf, loadVisible, type TicketContext } from './context.js';
import { summaries } from './summaries.js';

export async function setStatus(ctx: TicketContext, actor: Actor, ticket: TicketDoc, status: TicketStatus): Promise<Record<string, unknown>> {
  if (ticket.status === status) return {};
  if (ticket.status === 'closed') throw new Conflict('ticket.closed_stays_closed');
  const at = ctx.now();
  const set: Record<string, unknown> = { status };
  if (status === 'resolved') set.resolvedAt = at;
  if (status === 'closed') set.closedAt = at;
  if (status !== 'resolved' && status !== 'closed') set.resolvedAt = null;
  // Pending waits on the citizen: the clock pauses, and resumes with the time that was left.
  const sla = (ticket.toObject().sla ?? null) as TicketSla | null;
  if (status === 'pending') Object.assign(set, { pendingSince: at, reminderSentAt: null, ...(sla ? { sla: ctx.sla.pause(sla, at) } : {}) });
  else if (ticket.status === 'pending') Object.assign(set, { pendingSince: null, ...(sla ? { sla: ctx.sla.resume(sla, at) } : {}) });
  if (status === 'resolved' || status === 'closed') set.sla = null;
  if (!(await ctx.store.changeStatus(ticket._id, ticket.status, set))) throw new Conflict('ticket.changed_meanwhile');
  await ctx.store.openSlot(ticket.citizenId, ticket._id, status !== 'resolved' && status !== 'closed');
  await ctx.audit(actor, 'ticket.status.changed', { ticketId: ticket._id, citizenId: ticket.citizenId }, { from: ticket.status, to: status });
  if (status === 'resolved' && ctx.onResolved) {
    const resolved = await ctx.store.byId(ticket._id);
    if (resolved) await ctx.onResolved(resolved).catch((err: unknown) => ctx.log.warn({ err, ticketId: String(ticket._id) }, 'satisfaction question not queued'));
  }
  return { status };
}

export async function update(ctx: TicketContext, principal: Principal, ticketId: string, change: { status?: TicketStatus; category?: string | null; priority?: 'low' | 'normal' | 'high' | 'urgent' }) {
  const ticket = await loadVisible(ctx, principal, ticketId);
  const actor: Actor = { kind: 'agent', id: principal.agentId };
  const changes: Record<string, unknown> = {};
  if (change.status) Object.assign(changes, await setStatus(ctx, actor, ticket, change.status));
  const set: Record<string, unknown> = {};
  if (change.category !== undefined && change.category !== ticket.category) set.category = change.category;
  if (change.priority !== undefined && change.priority !== ticket.priority) set.priority = change.priority;
  if (Object.keys(set).length) {
    await ctx.store.setFields(ticket._id, set);
    await ctx.audit(actor, 'ticket.updated', { ticketId: ticket._id, citizenId: ticket.citizenId }, { from: { category: ticket.category, priority: ticket.priority }, to: set });
    Object.assign(changes, set);
  }
  const fresh = (await ctx.store.byId(ticket._id))!;
  if (Object.keys(changes).length) ctx.events.emit('ticket.updated', { ...(await eventData(ctx, fresh)), changes });
  const [summary] = await summaries(ctx, [fresh]);
  return summary!;
}

/** A manager gives one ticket to another agent; the citizen's recurring agent is unchanged. */
export async function assign(ctx: TicketContext, actor: Actor & { kind: 'agent' }, ticketId: string, agentId: string, reason?: string) {
  const ticket = await ctx.store.byId(idOf(ticketId));
  if (!ticket) throw new NotFound('ticket.not_found');
  const agent = Types.ObjectId.isValid(agentId) ? await ctx.store.activeAgent(agentId) : null;
  if (!agent) throw new NotFound('agent.not_found');
  const from = ticket.assigneeId ? String(ticket.assigneeId) : null;
  if (from === agentId) return (await summaries(ctx, [ticket]))[0]!;
  await ctx.store.setFields(ticket._id, { assigneeId: agent._id, teamId: agent.teamId ?? ticket.teamId });
  await ctx.audit(actor, 'ticket.assigned', { ticketId: ticket._id, citizenId: ticket.citizenId, agentId: agent._id }, { from, to: agentId, reason: reason ?? null });
  const fresh = (await ctx.store.byId(ticket._id))!;
  ctx.events.emit('ticket.assigned', { ...(await eventData(ctx, fresh)), fromAgentId: from, toAgentId: agentId, reason });
  return (await summaries(ctx, [fresh]))[0]!;
}

/** Automation: a status change made by the system itself, audited and pushed like any other. */
export async function setStatusAsSystem(ctx: TicketContext, ticketId: string, status: TicketStatus, reason: string) {
  const ticket = await ctx.store.byId(idOf(ticketId));
  if (!ticket) throw new NotFound('ticket.not_found');
  const changes = await setStatus(ctx, { kind: 'system' }, ticket, status);
  if (Object.keys(changes).length) {
    const fresh = (await ctx.store.byId(ticket._id))!;
    ctx.events.emit('ticket.updated', { ...(await eventData(ctx, fresh)), changes: { ...changes, reason } });
  }
}
