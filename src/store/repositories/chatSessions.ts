// Chat sessions' address verification, by name: a code's pending verification recorded, one try taken
// at a time (atomically, so concurrent guesses cannot pass the limit), the code taken once, and the
// session linked to the citizen it proved.
import type { Types } from 'mongoose';
import type { Identity } from '../../domain/identity.js';
import type { Models } from '../index.js';

export function chatSessions(models: Models) {
  return {
    byId: (id: Types.ObjectId) => models.chatSessions.findById(id).lean(),
    /** What the citizen's chats claimed (an email, a phone), unverified. */
    claimsOf: (citizenId: Types.ObjectId) =>
      models.chatSessions.find({ citizenId, $or: [{ claimedEmail: { $ne: null } }, { claimedPhone: { $ne: null } }] }, { claimedEmail: 1, claimedPhone: 1 }).limit(20).lean(),
    open: (doc: Record<string, unknown>) => models.chatSessions.create(doc),
    /** Hydrated: the socket handlers keep it and follow its thread. */
    byTokenHash: (tokenHash: string) => models.chatSessions.findOne({ tokenHash }),
    touched: (id: Types.ObjectId, at: Date) => models.chatSessions.updateOne({ _id: id }, { $set: { lastActivityAt: at } }),
    follows: (id: Types.ObjectId, ticketId: Types.ObjectId, citizenId: Types.ObjectId, at: Date) =>
      models.chatSessions.updateOne({ _id: id }, { $set: { ticketId, citizenId, lastActivityAt: at } }),
    pending: (id: Types.ObjectId, verification: { kind: string; value: string; messageId: Types.ObjectId; expiresAt: Date; tries: number }) =>
      models.chatSessions.updateOne({ _id: id }, { $set: { verification } }),
    /** One try of the code sent in `messageId`, if fewer than `max` were taken; null otherwise (or when the code is gone). */
    takeTry: (id: Types.ObjectId, messageId: Types.ObjectId, max: number) =>
      models.chatSessions.findOneAndUpdate({ _id: id, 'verification.messageId': messageId, 'verification.tries': { $lt: max } }, { $inc: { 'verification.tries': 1 } }, { returnDocument: 'after' }),
    /** The code used once: null when another tab took it first. */
    takeCode: (id: Types.ObjectId, messageId: Types.ObjectId) => models.chatSessions.findOneAndUpdate({ _id: id, 'verification.messageId': messageId }, { $set: { verification: null } }),
    linked: (id: Types.ObjectId, to: { citizenId: Types.ObjectId; ticketId: Types.ObjectId | null }, identity: Identity, at: Date) =>
      models.chatSessions.updateOne({ _id: id }, { $set: { citizenId: to.citizenId, ticketId: to.ticketId }, $push: { verified: { kind: identity.kind, value: identity.value, at } } }),
  };
}
export type ChatSessions = ReturnType<typeof chatSessions>;
