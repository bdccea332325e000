// A ticket's status (the clock pauses while pending, the citizen's open-ticket slot follows), its
// category and priority, a manager's reassignment, and the system's own status changes.
import { Types } from 'mongoose';
import type { Actor } from '../audit.js';
import type { TicketDoc } from '../../store/models/ticket.js';
import type { TicketSla } from '../sla.js';
import type { TicketStatus } from '../../domain/ticket.js';
import { Conflict, NotFound } from '../../domain/errors.js';
import { eventData, idOf, type TicketContext } from './context.js';
import { summaries } from './summaries.js';

/** Moves the status (compare-and-set on the status read; with `version`, on that version too). */
export async function setStatus(ctx: TicketContext, actor: Actor, ticket: TicketDoc, status: TicketStatus, version?: number): Promise<Record<string, unknown>> {
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
  if (!(await ctx.store.changeStatus(ticket._id, ticket.status, set, version))) throw new Conflict('ticket.changed_meanwhile');
  await ctx.store.openSlot(ticket.citizenId, ticket._id, status !== 'resolved' && status !== 'closed');
  await ctx.audit(actor, 'ticket.status.changed', { ticketId: ticket._id, citizenId: ticket.citizenId }, { from: ticket.status, to: status, changes: [{ field: 'status', from: ticket.status, to: status }] });
  if (status === 'resolved' && ctx.onResolved) {
    const resolved = await ctx.store.byId(ticket._id);
    if (resolved) await ctx.onResolved(resolved).catch((err: unknown) => ctx.log.warn({ err, ticketId: String(ticket._id) }, 'satisfaction question not queued'));
  }
  return { status };
}

/** A manager gives one ticket to another agent; the citizen's recurring agent is unchanged. */
export async function assign(ctx: TicketContext, actor: Actor & { kind: 'agent' }, ticketId: string, agentId: string, reason?: string) {
  const ticket = await ctx.store.byId(idOf(ticketId));
  if (!ticket) throw new NotFound('ticket.not_found');
  const agent = Types.ObjectId.isValid(agentId) ? await ctx.store.activeAgent(agentId) : null;
  if (!agent) throw new NotFound('agent.not_found');
  const from = ticket.assigneeId ? String(ticket.assigneeId) : null;
  if (from === agentId) return (await summaries(ctx, [ticket]))[0]!;
  await ctx.store.edit(ticket._id, { assigneeId: agent._id, teamId: agent.teamId ?? ticket.teamId });
  await ctx.audit(actor, 'ticket.assigned', { ticketId: ticket._id, citizenId: ticket.citizenId, agentId: agent._id }, { from, to: agentId, reason: reason ?? null });
  const fresh = (await ctx.store.byId(ticket._id))!;
  ctx.events.emit('ticket.assigned', { ...(await eventData(ctx, fresh)), fromAgentId: from, toAgentId: agentId, reason, byAgentId: actor.id });
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
