// An agent's edit of a ticket's header (status, category, priority): only the fields sent change, from
// the version the agent's screen started from. When someone changed the ticket since, nothing is
// written and the answer is a conflict with the values as they are now and who changed them last.
import type { Actor } from '../audit.js';
import type { Principal } from '../tokens.js';
import type { TicketDoc } from '../../store/models/ticket.js';
import type { TicketStatus } from '../../domain/ticket.js';
import { Conflict } from '../../domain/errors.js';
import { auditLog } from '../../store/repositories/auditLog.js';
import { eventData, loadVisible, type TicketContext } from './context.js';
import { setStatus } from './status.js';
import { changesOf, type FieldChange } from './history.js';
import { summaries } from './summaries.js';

export type TicketEdit = { status?: TicketStatus; category?: string | null; priority?: 'low' | 'normal' | 'high' | 'urgent'; version?: number };

export async function update(ctx: TicketContext, principal: Principal, ticketId: string, change: TicketEdit) {
  const ticket = await loadVisible(ctx, principal, ticketId);
  if (change.version !== undefined && change.version !== (ticket.version ?? 0)) throw await conflict(ctx, ticket);
  const actor: Actor = { kind: 'agent', id: principal.agentId };
  const changes: Record<string, unknown> = {};
  if (change.status) Object.assign(changes, await setStatus(ctx, actor, ticket, change.status, change.version));
  const set: Record<string, unknown> = {};
  if (change.category !== undefined && change.category !== (ticket.category ?? null)) set.category = change.category;
  if (change.priority !== undefined && change.priority !== ticket.priority) set.priority = change.priority;
  if (Object.keys(set).length) {
    // After a status change here the version moved by one: the same edit still holds it.
    const expected = change.version === undefined ? undefined : change.version + (changes.status ? 1 : 0);
    if (!(await ctx.store.edit(ticket._id, set, expected))) throw await conflict(ctx, ticket);
    const fieldChanges: FieldChange[] = Object.keys(set).map((field) => ({ field, from: (ticket as unknown as Record<string, unknown>)[field] ?? null, to: set[field] ?? null }));
    await ctx.audit(actor, 'ticket.updated', { ticketId: ticket._id, citizenId: ticket.citizenId }, { from: { category: ticket.category, priority: ticket.priority }, to: set, changes: fieldChanges });
    Object.assign(changes, set);
  }
  const fresh = (await ctx.store.byId(ticket._id))!;
  if (Object.keys(changes).length) ctx.events.emit('ticket.updated', { ...(await eventData(ctx, fresh)), changes: { ...changes, version: fresh.version ?? 0, byAgentId: principal.agentId } });
  const [summary] = await summaries(ctx, [fresh]);
  return summary!;
}

/** The conflict answer: the ticket as it is now, and the last change of its header (who, what). */
async function conflict(ctx: TicketContext, ticket: TicketDoc) {
  const fresh = (await ctx.store.byId(ticket._id)) ?? ticket;
  const last = await auditLog(ctx.models).lastHeaderChange(ticket._id);
  const names = await ctx.agents.namesOf(last?.actor?.kind === 'agent' && last.actor.id ? [last.actor.id] : []);
  const by = last?.actor?.kind === 'agent' && last.actor.id ? (names.get(last.actor.id) ?? null) : null;
  const [summary] = await summaries(ctx, [fresh]);
  return new Conflict('ticket.conflict', { name: by ?? 'Quelqu’un' }).with({
    current: {
      version: fresh.version ?? 0,
      status: summary!.status, category: summary!.category, priority: summary!.priority, assignee: summary!.assignee,
      changedBy: by,
      changedAt: last ? last.at.toISOString() : null,
      changes: last ? changesOf(last.action, (last.data ?? {}) as Record<string, unknown>) : [],
    },
  });
}
