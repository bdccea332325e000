// Two records of one person: the other's identities, tickets and messages move to the one kept; the audit record holds what undoes it.
import { Invalid } from '../../domain/errors.js';
import type { Actor } from '../audit.js';
import { type CitizenContext, load } from './context.js';
import { get } from './profile.js';

/** Two records of one person: `otherId`'s identities, tickets and messages move to `keepId`. */
export async function merge(ctx: CitizenContext, actor: Actor, keepId: string, otherId: string) {
  if (keepId === otherId) throw new Invalid('citizen.merge_self');
  const [keep, other] = await Promise.all([load(ctx, keepId), load(ctx, otherId)]);
  const moved = {
    identities: (await ctx.models.identities.find({ citizenId: other._id }, { _id: 1 }).lean()).map((i) => i._id),
    tickets: (await ctx.models.tickets.find({ citizenId: other._id }, { _id: 1 }).lean()).map((t) => String(t._id)),
    chatSessions: (await ctx.models.chatSessions.find({ citizenId: other._id }, { _id: 1 }).lean()).map((c) => String(c._id)),
  };
  await ctx.models.identities.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
  await ctx.models.tickets.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
  await ctx.models.messages.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
  await ctx.models.chatSessions.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
  for (const identity of other.identities) await ctx.models.citizens.updateOne({ _id: keep._id }, { $addToSet: { identities: { kind: identity.kind, value: identity.value } } });
  const keepSet: Record<string, unknown> = {};
  if (!keep.name && other.name) keepSet.name = other.name;
  if (!keep.openTicketId && other.openTicketId) keepSet.openTicketId = other.openTicketId;
  if (!keep.recurringAgentId && other.recurringAgentId) keepSet.recurringAgentId = other.recurringAgentId;
  if (Object.keys(keepSet).length) await ctx.models.citizens.updateOne({ _id: keep._id }, { $set: keepSet });
  await ctx.models.citizens.updateOne({ _id: other._id }, { $set: { mergedIntoId: keep._id, identities: [], openTicketId: null } });
  // The ctx.audit record holds what is needed to undo it.
  await ctx.audit(actor, 'citizen.merged', { citizenId: keep._id }, {
    mergedCitizenId: String(other._id),
    mergedSnapshot: { name: other.name, identities: other.identities.map((i) => ({ kind: i.kind, value: i.value })), recurringAgentId: other.recurringAgentId ? String(other.recurringAgentId) : null },
    moved,
  });
  return get(ctx, keepId);
}
