// Which ticket a message belongs to, in the store: tickets by id, by reference, by the email headers
// of a message we sent; the citizen's open-ticket slot claimed by compare-and-set (so concurrent first
// messages open one ticket); a resolved ticket reopened once; a new ticket.
import type { Types } from 'mongoose';
import type { Models } from '../index.js';

export function threads(models: Models) {
  return {
    ticket: (id: Types.ObjectId | string) => models.tickets.findById(id),
    byReference: (reference: string) => models.tickets.findOne({ reference }),
    /** The ticket of the latest message we sent whose Message-ID is among `keys` (In-Reply-To, References). */
    async byMessageIds(keys: string[]) {
      const earlier = await models.messages.findOne({ 'threadKeys.messageId': { $in: keys } }).sort({ createdAt: -1 }).lean();
      return earlier ? models.tickets.findById(earlier.ticketId) : null;
    },
    citizen: (id: Types.ObjectId) => models.citizens.findById(id),
    /** Takes the citizen's open-ticket slot for `newId` if it still holds `expected`; null when another delivery moved it. */
    claimOpenSlot: (citizenId: Types.ObjectId, expected: Types.ObjectId | null, newId: Types.ObjectId) =>
      models.citizens.findOneAndUpdate({ _id: citizenId, openTicketId: expected }, { $set: { openTicketId: newId, lastTicketId: newId } }, { returnDocument: 'after' }),
    /** Reopens a resolved ticket (false if it was not resolved any more) and gives it the citizen's free open slot. */
    async reopen(ticketId: Types.ObjectId, citizenId: Types.ObjectId): Promise<boolean> {
      const reopened = await models.tickets.updateOne({ _id: ticketId, status: 'resolved' }, { $set: { status: 'open', resolvedAt: null }, $inc: { version: 1 } });
      if (reopened.modifiedCount !== 1) return false;
      await models.citizens.updateOne({ _id: citizenId, openTicketId: null }, { $set: { openTicketId: ticketId } });
      return true;
    },
    create: (fields: Record<string, unknown>) => models.tickets.create(fields),
    /**
     * One ticket joins another (a chat joined to its citizen's open request): its messages and the open
     * slot move, it is closed as merged, the other takes its times and unread count. Null `from` when it
     * was merged already.
     */
    async join(fromId: Types.ObjectId, intoId: Types.ObjectId, at: Date) {
      const from = await models.tickets.findOneAndUpdate({ _id: fromId, mergedIntoId: null }, { $set: { mergedIntoId: intoId, status: 'closed', closedAt: at, sla: null }, $inc: { version: 1 } }, { returnDocument: 'before' });
      if (!from) return { from: null, into: null };
      await models.messages.updateMany({ ticketId: fromId }, { $set: { ticketId: intoId } });
      await models.citizens.updateMany({ openTicketId: fromId }, { $set: { openTicketId: intoId } });
      const into = await models.tickets.findOneAndUpdate(
        { _id: intoId },
        { $max: { lastMessageAt: from.lastMessageAt, lastInboundAt: from.lastInboundAt }, $inc: { unreadCount: from.unreadCount ?? 0 }, $addToSet: { channels: 'chat' }, $set: { lastInboundChannel: 'chat' } },
        { returnDocument: 'after' },
      );
      return { from, into };
    },
    /** A citizen's message written to its ticket if the ticket is still as `filter` says; null when another write came first. */
    applyMessage: (filter: Record<string, unknown>, set: Record<string, unknown>, message: { receivedAt: Date; channel: string }) =>
      models.tickets.findOneAndUpdate(
        filter,
        { $max: { lastMessageAt: message.receivedAt, lastInboundAt: message.receivedAt }, $set: set, $inc: { unreadCount: 1, ...('status' in set ? { version: 1 } : {}) }, $addToSet: { channels: message.channel } },
        { returnDocument: 'after' },
      ),
  };
}
export type Threads = ReturnType<typeof threads>;
