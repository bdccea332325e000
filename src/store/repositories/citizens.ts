// Citizens' records, written by name: two records of one person merged into one.
import { Types } from 'mongoose';
import type { Identity } from '../../domain/identity.js';
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
  // « Mon espace »: their sessions and FranceConnect identity now open the kept record.
  await models.citizenSessions.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
  await models.franceConnectLinks.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
  await models.signInCodes.updateMany({ citizenId: other._id }, { $set: { citizenId: keep._id } });
  for (const identity of other.identities) await models.citizens.updateOne({ _id: keep._id }, { $addToSet: { identities: { kind: identity.kind, value: identity.value } } });
  const keepSet: Record<string, unknown> = {};
  if (!keep.name && other.name) keepSet.name = other.name;
  if (!keep.openTicketId && other.openTicketId) keepSet.openTicketId = other.openTicketId;
  if (!keep.recurringAgentId && other.recurringAgentId) keepSet.recurringAgentId = other.recurringAgentId;
  if (Object.keys(keepSet).length) await models.citizens.updateOne({ _id: keep._id }, { $set: keepSet });
  await models.citizens.updateOne({ _id: other._id }, { $set: { mergedIntoId: keep._id, identities: [], openTicketId: null } });
  return moved;
}

type Id = Types.ObjectId | string;
const valid = (id: Id | null | undefined): id is Id => !!id && Types.ObjectId.isValid(id);

/** Citizens and their identities, by name: one read, its fields and addresses written, what is held of them. */
export function citizensStore(models: Models) {
  const { citizens, identities } = models;
  return {
    /** Hydrated (its identities as subdocuments); null for an id that is none. */
    byId: (id: Id | null | undefined) => (valid(id) ? citizens.findById(id) : Promise.resolve(null)),
    /** Their names by id (null for one who gave none). */
    async namesOf(ids: string[]): Promise<Map<string, string | null>> {
      const found = ids.length ? await citizens.find({ _id: { $in: ids.filter(valid) } }, { name: 1 }).lean() : [];
      return new Map(found.map((c) => [String(c._id), c.name ?? null]));
    },
    read: (id: Id) => citizens.findById(id).lean(),
    nameOf: async (id: Id) => (await citizens.findById(id, { name: 1 }).lean())?.name ?? null,
    identitiesListed: (id: Id) => citizens.findById(id, { identities: 1 }).lean(),
    setFields: (id: Id, set: Record<string, unknown>) => citizens.updateOne({ _id: id }, { $set: set }),
    listIdentity: (id: Id, identity: Identity) => citizens.updateOne({ _id: id }, { $addToSet: { identities: identity } }),
    /** Those whose usual agent is `agentId` (merged records aside). */
    countOfRecurringAgent: (agentId: string) => citizens.countDocuments({ recurringAgentId: agentId, mergedIntoId: null }),
    ofRecurringAgent: (agentId: string) => citizens.find({ recurringAgentId: agentId, mergedIntoId: null }, { _id: 1 }).lean(),
    /** The identity record (unique key): who it leads to, and whether SMS were refused. */
    identity: (key: string) => identities.findById(key).lean(),
    identitiesOf: (citizenId: Id) => identities.find({ citizenId }).lean(),
    claimIdentity: (key: string, identity: Identity, citizenId: Types.ObjectId) => identities.create({ _id: key, ...identity, citizenId }),
    /** STOP (a date) or START (null): the record as it is now, or null for a number nobody wrote from. */
    setSmsOptOut: (key: string, at: Date | null) => identities.findOneAndUpdate({ _id: key }, { $set: { smsOptOutAt: at } }, { returnDocument: 'after' }),
    /** Everything held about the citizen (the right of access), session secrets aside. */
    async heldAbout(citizenId: Types.ObjectId) {
      const [ids, tickets, messages, chatSessions, auditEvents] = await Promise.all([
        identities.find({ citizenId }).lean(),
        models.tickets.find({ citizenId }).lean(),
        models.messages.find({ citizenId }).sort({ _id: 1 }).lean(),
        models.chatSessions.find({ citizenId }, { tokenHash: 0 }).lean(),
        models.auditEvents.find({ citizenId }).sort({ at: 1 }).lean(),
      ]);
      return { identities: ids, tickets, messages, chatSessions, auditEvents };
    },
  };
}
export type CitizensStore = ReturnType<typeof citizensStore>;
