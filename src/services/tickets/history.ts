// What happened to a ticket, oldest first, as agents read it.
import { Types } from 'mongoose';
import type { Principal } from '../tokens.js';
import { loadVisible, type TicketContext } from './context.js';
import { auditLog } from '../../store/repositories/auditLog.js';

/** What happened to the ticket, oldest first: assignments (who, to whom, why), status changes, SLA events. */
export async function history(ctx: TicketContext, principal: Principal, ticketId: string) {
  const ticket = await loadVisible(ctx, principal, ticketId);
  const events = await auditLog(ctx.models).ofTicket(ticket._id);
  const actorIds = [...new Set(events.flatMap((e) => [e.actor?.kind === 'agent' ? e.actor.id : null, (e.data as { to?: unknown })?.to, (e.data as { from?: unknown })?.from]).filter((id): id is string => typeof id === 'string' && Types.ObjectId.isValid(id)))];
  const names = await ctx.agents.namesOf(actorIds);
  const nameOf = (id: unknown) => (typeof id === 'string' ? (names.get(id) ?? null) : null);
  return events.map((e) => {
    const data = (e.data ?? {}) as Record<string, unknown>;
    return {
      at: e.at.toISOString(),
      action: e.action,
      actor: e.actor?.kind === 'agent' ? { kind: 'agent', name: nameOf(e.actor.id) } : { kind: e.actor?.kind ?? 'system', name: null },
      from: typeof data.from === 'string' ? (nameOf(data.from) ?? data.from) : null,
      to: typeof data.to === 'string' ? (nameOf(data.to) ?? data.to) : null,
      reason: typeof data.reason === 'string' ? data.reason : null,
    };
  });
}
