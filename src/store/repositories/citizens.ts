// Citizens' records, written by name: two records of one person merged into one.
import type { Models } from '../index.js';
import type { CitizenDoc } from '../models/citizen.js';

/** `other`'s identities, tickets, messages and chat sessions move to `keep`, which takes what it lacks (name, open ticket, usual agent); answers what moved. */
export async function mergeRecords(models: Models, keep: CitizenDoc, other: CitizenDoc) {
  const moved = {
    identities: (await models.identities.find({ citizenId: other._id }, { _id: 1 }).lean()).map((i) => i._id),
    tickets: (await models.tickets.find({ citizenId: other._id }, { _id: 1 }).lean()).map((t) => String(t._id)),
    chatSessions: (await models.chatSessions.find({ citizenId: other._id }, { _id: 1 }).lean()).map((c) => String(c._id)),
  };
  await models.identities.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
  await models.tickets.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
  await models.messages.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
  await models.chatSessions.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
  for (const identity of other.identities) await models.citizens.updateOne({ _id: keep._id }, { $addToSet: { identities: { kind: identity.kind, value: identity.value } } });
  const keepSet: Record<string, unknown> = {};
  if (!keep.name && other.name) keepSet.name = other.name;
  if (!keep.openTicketId && other.openTicketId) keepSet.openTicketId = other.openTicketId;
  if (!keep.recurringAgentId && other.recurringAgentId) keepSet.recurringAgentId = other.recurringAgentId;
  if (Object.keys(keepSet).length) await models.citizens.updateOne({ _id: keep._id }, { $set: keepSet });
  await models.citizens.updateOne({ _id: other._id }, { $set: { mergedIntoId: keep._id, identities: [], openTicketId: null } });
  return moved;
}
