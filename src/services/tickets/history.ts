// What happened to a ticket, oldest first, as agents read it.
import { Types } from 'mongoose';
import type { Principal } from '../tokens.js';
import { loadVisible, type TicketContext } from './context.js';

/** What happened to the ticket, oldest first: assignments (who, to whom, why), status changes, SLA events. */
export async function history(ctx: TicketContext, principal: Principal, ticketId: string) {
  const ticket = await loadVisible(ctx, principal, ticketId);
  const events = await ctx.models.auditEvents.find({ ticketId: ticket._id }).sort({ at: 1 }).limit(500).lean();
  const actorIds = [...new Set(events.flatMap((e) => [e.actor?.kind === 'agent' ? e.actor.id : null, (e.data as { to?: unknown })?.to, (e.data as { from?: unknown })?.from]).filter((id): id is string => typeof id === 'string' && Types.ObjectId.isValid(id)))];
  const names = new Map((await ctx.models.agents.find({ _id: { $in: actorIds } }, { name: 1 }).lean()).map((a) => [String(a._id), a.name]));
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
