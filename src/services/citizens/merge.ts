// Two records of one person: the other's identities, tickets and messages move to the one kept; the audit record holds what undoes it.
import { Invalid } from '../../domain/errors.js';
import { mergeRecords } from '../../store/repositories/citizens.js';
import type { Actor } from '../audit.js';
import { type CitizenContext, load } from './context.js';
import { get } from './profile.js';
import { ticketEventData } from '../ticketEvents.js';

/** Two records of one person: `otherId`'s identities, tickets and messages move to `keepId`. */
export async function merge(ctx: CitizenContext, actor: Actor, keepId: string, otherId: string) {
  if (keepId === otherId) throw new Invalid('citizen.merge_self');
  const [keep, other] = await Promise.all([load(ctx, keepId), load(ctx, otherId)]);
  const moved = await mergeRecords(ctx.models, keep, other);
  // The audit record holds what is needed to undo it.
  await ctx.audit(actor, 'citizen.merged', { citizenId: keep._id }, {
    mergedCitizenId: String(other._id),
    mergedSnapshot: { name: other.name, identities: other.identities.map((i) => ({ kind: i.kind, value: i.value })), recurringAgentId: other.recurringAgentId ? String(other.recurringAgentId) : null },
    moved,
  });
  // Open screens of both records' requests follow: the citizen beside them changed.
  const open = (await ctx.tickets.openOfCitizen(keep._id)).map((t) => String(t._id));
  for (const id of new Set([...moved.tickets, ...open])) {
    const ticket = await ctx.tickets.read(id);
    if (ticket) ctx.events.emit('ticket.updated', { ...(await ticketEventData(ctx.models, ticket)), changes: { citizen: 'merged', byAgentId: actor.kind === 'agent' ? actor.id : null } });
  }
  return get(ctx, keepId);
}
