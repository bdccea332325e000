// What happened to a ticket, oldest first, as agents read it: who did what, and for a change of its
// header the fields with their values before and after (`changes`), which the console words in French.
import { Types } from 'mongoose';
import type { Principal } from '../tokens.js';
import { loadVisible, type TicketContext } from './context.js';
import { auditLog } from '../../store/repositories/auditLog.js';

export type FieldChange = { field: string; from: unknown; to: unknown };

/** The fields an audit event changed: written with it since this was kept, read back from `from`/`to` for older ones. */
export function changesOf(action: string, data: Record<string, unknown>): FieldChange[] {
  if (Array.isArray(data.changes)) return data.changes as FieldChange[];
  if (action === 'ticket.status.changed') return [{ field: 'status', from: data.from ?? null, to: data.to ?? null }];
  if (action === 'ticket.assigned') return [{ field: 'assignee', from: data.from ?? null, to: data.to ?? null }];
  if (action === 'ticket.updated' && data.to && typeof data.to === 'object') {
    const before = (data.from ?? {}) as Record<string, unknown>;
    return Object.entries(data.to as Record<string, unknown>).map(([field, to]) => ({ field, from: before[field] ?? null, to }));
  }
  return [];
}

const agentIdsIn = (value: unknown) => (typeof value === 'string' && Types.ObjectId.isValid(value) ? [value] : []);

/** What happened to the ticket, oldest first: assignments (who, to whom, why), status changes, SLA events. */
export async function history(ctx: TicketContext, principal: Principal, ticketId: string) {
  const ticket = await loadVisible(ctx, principal, ticketId);
  const events = await auditLog(ctx.models).ofTicket(ticket._id);
  const actorIds = events.flatMap((e) => {
    const data = (e.data ?? {}) as Record<string, unknown>;
    return [...agentIdsIn(e.actor?.kind === 'agent' ? e.actor.id : null), ...agentIdsIn(data.from), ...agentIdsIn(data.to)];
  });
  const names = await ctx.agents.namesOf(actorIds);
  const nameOf = (id: unknown) => (typeof id === 'string' ? (names.get(id) ?? null) : null);
  return events.map((e) => {
    const data = (e.data ?? {}) as Record<string, unknown>;
    const changes = changesOf(e.action, data).map((c) =>
      c.field === 'assignee' || c.field === 'recurringAgent' ? { field: c.field, from: nameOf(c.from) ?? c.from ?? null, to: nameOf(c.to) ?? c.to ?? null } : { field: c.field, from: c.from ?? null, to: c.to ?? null },
    );
    return {
      at: e.at.toISOString(),
      action: e.action,
      actor: e.actor?.kind === 'agent' ? { kind: 'agent', name: nameOf(e.actor.id) } : { kind: e.actor?.kind ?? 'system', name: null },
      from: typeof data.from === 'string' ? (nameOf(data.from) ?? data.from) : null,
      to: typeof data.to === 'string' ? (nameOf(data.to) ?? data.to) : null,
      reason: typeof data.reason === 'string' ? data.reason : null,
      changes: changes.map((c) => ({ field: c.field, from: c.from === null ? null : String(c.from), to: c.to === null ? null : String(c.to) })),
    };
  });
}
