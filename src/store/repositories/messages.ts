// A ticket's messages as its readers see them, by name: a page of the thread for agents (newest
// first), what the citizen may see (in and out, never notes), the status updates a back-office sent,
// the citizen's recent inbound messages (where a reply goes); and the messages a use case writes
// itself (notes, portal-only updates).
import { Types } from 'mongoose';
import type { Models } from '../index.js';

type Id = Types.ObjectId;

export function messagesStore(models: Models) {
  const { messages } = models;
  return {
    /** Up to `limit` messages of the ticket before `before` (all when absent), newest first. */
    page: (ticketId: Id, before: Id | null, limit: number) =>
      messages.find({ ticketId, ...(before ? { _id: { $lt: before } } : {}) }).sort({ _id: -1 }).limit(limit).lean(),
    /** What the citizen may see of the ticket: in and out, oldest first; `citizenId` and `afterId` narrow it (chat). */
    publicThread: (ticketId: Id, options: { citizenId?: Id | null; afterId?: string; withoutVerification?: boolean } = {}) =>
      messages.find({
        ticketId,
        direction: { $in: ['in', 'out'] },
        ...(options.citizenId !== undefined ? { citizenId: options.citizenId } : {}),
        ...(options.withoutVerification ? { kind: { $ne: 'verification' } } : {}),
        ...(options.afterId && Types.ObjectId.isValid(options.afterId) ? { _id: { $gt: new Types.ObjectId(options.afterId) } } : {}),
      }).sort({ _id: 1 }).limit(500).lean(),
    statusUpdates: (ticketId: Id) => messages.find({ ticketId, kind: 'status_update' }).sort({ _id: 1 }).limit(200).lean(),
    /** The citizen's latest inbound messages (channel and address). */
    recentInbound: (citizenId: Id) => messages.find({ citizenId, direction: 'in' }, { channel: 1, fromAddress: 1 }).sort({ _id: -1 }).limit(20).lean().exec(),
    /** Email keys of the ticket's messages, oldest first (the References of a reply). */
    emailKeysOf: (ticketId: Id) => messages.find({ ticketId, channel: 'email', 'threadKeys.messageId': { $ne: null } }, { direction: 1, threadKeys: 1 }).sort({ _id: 1 }).lean(),
    byExternalId: (channel: 'email' | 'sms' | 'chat' | 'voice' | 'portal', externalId: string) => messages.findOne({ channel, externalId }),
    write: (doc: Record<string, unknown>) => messages.create(doc),
    setFields: (id: Id | string, set: Record<string, unknown>) => messages.updateOne({ _id: id }, { $set: set }),
    /** A plain message becomes the call-back request it carries. */
    markCallbackRequest: (id: string, callback: Record<string, unknown>) => messages.updateOne({ _id: id, kind: 'message' }, { $set: { kind: 'callback_request', callback } }),
  };
}
export type MessagesStore = ReturnType<typeof messagesStore>;
