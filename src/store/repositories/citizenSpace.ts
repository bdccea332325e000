// « Mon espace » in the store, by name: sessions (by the hash of their cookie), sign-in codes (one per
// address, tries counted atomically), FranceConnect identities linked to citizens and flows under way,
// and the citizen's requests as the space lists them.
import type { Types } from 'mongoose';
import type { Models } from '../index.js';

type Id = Types.ObjectId | string;

export function citizenSpaceStore(models: Models) {
  const { citizenSessions: sessions, signInCodes: codes, franceConnectLinks: links, franceConnectFlows: flows } = models;
  return {
    openSession: (session: { tokenHash: string; citizenId: Id | null; method: 'code' | 'franceconnect'; franceConnect?: { sub: string; idToken: string | null; email: string | null }; at: Date }) =>
      sessions.create({ tokenHash: session.tokenHash, citizenId: session.citizenId, method: session.method, franceConnect: session.franceConnect ?? null, startedAt: session.at, lastSeenAt: session.at }),
    /** The live session of a cookie (not ended). */
    session: (tokenHash: string) => sessions.findOne({ tokenHash, endedAt: null }).lean(),
    /** Seen now: the idle clock starts again. */
    seen: (id: Id, at: Date) => sessions.updateOne({ _id: id, endedAt: null }, { $max: { lastSeenAt: at } }),
    /** Ended (logout or expiry): the FranceConnect ID token is no longer needed. */
    async end(id: Id, at: Date) {
      const before = await sessions.findOneAndUpdate({ _id: id, endedAt: null }, { $set: { endedAt: at } }, { returnDocument: 'before' }).lean();
      if (before?.franceConnect) await sessions.updateOne({ _id: id }, { $set: { 'franceConnect.idToken': null } });
      return before;
    },
    /** A FranceConnect session now knows its citizen (an address confirmed with a code). */
    attach: (id: Id, citizenId: Id) => sessions.updateOne({ _id: id, endedAt: null }, { $set: { citizenId } }),

    /** A new code for the address replaces any earlier one (its tries start again). */
    putCode: (key: string, code: { citizenId: Id; messageId: Types.ObjectId; expiresAt: Date }) =>
      codes.updateOne({ _id: key }, { $set: { ...code, tries: 0 } }, { upsert: true }),
    code: (key: string) => codes.findById(key).lean(),
    /** One try taken if any is left (concurrent guesses cannot pass the limit): the code after, or null. */
    takeTry: (key: string, messageId: Types.ObjectId, maxTries: number) =>
      codes.findOneAndUpdate({ _id: key, messageId, tries: { $lt: maxTries } }, { $inc: { tries: 1 } }, { returnDocument: 'after' }).lean(),
    /** The code used: whoever deletes it signs in. */
    useCode: async (key: string, messageId: Types.ObjectId) => (await codes.deleteOne({ _id: key, messageId })).deletedCount === 1,

    linkOf: (sub: string) => links.findById(sub).lean(),
    /** The FranceConnect identity linked to a citizen, if any. */
    linkOfCitizen: (citizenId: Id) => links.findOne({ citizenId }).lean(),
    /** The FranceConnect identity joins the citizen; an identity already linked keeps its citizen. */
    link: (sub: string, citizenId: Id, via: 'email' | 'code', at: Date) =>
      links.updateOne({ _id: sub }, { $setOnInsert: { citizenId, via, linkedAt: at } }, { upsert: true }),

    startFlow: (stateHash: string, flow: { nonce: string; verifier: string; expiresAt: Date }) => flows.create({ _id: stateHash, ...flow }),
    /** The flow of a `state`, taken once. */
    takeFlow: (stateHash: string) => flows.findOneAndDelete({ _id: stateHash }).lean(),

    /** What no longer serves: sessions ended or past their 8 hours, codes and FranceConnect flows expired. */
    async purge(now: Date, longestMs: number) {
      const sessionsGone = await sessions.deleteMany({ $or: [{ endedAt: { $ne: null } }, { startedAt: { $lt: new Date(now.getTime() - longestMs) } }] });
      const codesGone = await codes.deleteMany({ expiresAt: { $lt: now } });
      const flowsGone = await flows.deleteMany({ expiresAt: { $lt: now } });
      return sessionsGone.deletedCount + codesGone.deletedCount + flowsGone.deletedCount;
    },
    /** The citizen's requests, newest first (those merged into another aside). */
    requestsOf: (citizenId: Id) =>
      models.tickets
        .find({ citizenId, mergedIntoId: null }, { reference: 1, status: 1, subject: 1, category: 1, channel: 1, openedAt: 1, createdAt: 1, lastMessageAt: 1, sla: 1, assigneeId: 1, anonymisedAt: 1 })
        .sort({ lastMessageAt: -1 })
        .limit(200)
        .lean(),
    /** One of the citizen's requests, hydrated; null for another citizen's. */
    request: (citizenId: Id, reference: string) => models.tickets.findOne({ citizenId, reference, mergedIntoId: null }),
    /** The request a sign-in code is written in: the citizen's latest. */
    latestRequest: (citizenId: Id) => models.tickets.findOne({ citizenId, mergedIntoId: null }).sort({ lastMessageAt: -1 }),
    /** The citizen asked for erasure (kept only if not asked already): the record after. */
    requestErasure: (citizenId: Id, at: Date, dueBy: Date) =>
      models.citizens.findOneAndUpdate({ _id: citizenId, erasureRequest: null }, { $set: { erasureRequest: { at, dueBy } } }, { returnDocument: 'after' }).lean(),
    /** Citizens waiting for their erasure, the oldest first. */
    erasureRequests: () => models.citizens.find({ erasureRequest: { $ne: null }, anonymisedAt: null, mergedIntoId: null }, { name: 1, erasureRequest: 1 }).sort({ 'erasureRequest.at': 1 }).limit(500).lean(),
  };
}
export type CitizenSpaceStore = ReturnType<typeof citizenSpaceStore>;
