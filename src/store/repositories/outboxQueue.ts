// The outbox's queue, read and written by name: the messages due, those whose sender died (an expired
// lease), a claim (a compare-and-set by _id, so two dispatchers never hold one message), and a message's
// return to the queue. The embedded store answers a date range from its index only with both bounds
// (its dates compare as 13-digit text, from 2001 on): EARLIEST is that lower bound, every date is later.
import type { Types } from 'mongoose';
import { STATUS_RANK } from '../../domain/delivery.js';
import type { Models } from '../index.js';
import type { MessageDoc } from '../models/message.js';

const EARLIEST = new Date(1_000_000_000_000);

export function outboxQueue(models: Models) {
  return {
    /**
     * Moves an outgoing message's delivery status forward, never back: the filter names it (by _id or
     * provider id) and requires a lower rank. Null when what is stored is already as far or further.
     */
    forward: (where: { _id: Types.ObjectId } | { providerId: string }, rank: number, set: Record<string, unknown>) =>
      models.messages.findOneAndUpdate({ ...where, direction: 'out', statusRank: { $lt: rank } }, { $set: set }, { returnDocument: 'after' }),
    /** The provider's id, when its callback came before the dispatcher recorded it. */
    providerIdOnce: (id: Types.ObjectId, providerId: string) => models.messages.updateOne({ _id: id, providerId: null }, { $set: { providerId } }),
    /** Queued messages whose time has come, the oldest due first (index status + nextAttemptAt). */
    due: (at: Date, limit = 20) => models.messages.find({ status: 'queued', nextAttemptAt: { $gte: EARLIEST, $lte: at } }, { _id: 1 }).sort({ nextAttemptAt: 1 }).limit(limit).lean(),
    /** Messages being sent by a holder whose lease ran out (it died). */
    expiredLeases: (at: Date, limit = 20) => models.messages.find({ status: 'sending', leaseUntil: { $gte: EARLIEST, $lt: at } }, { _id: 1 }).limit(limit).lean(),
    /** Takes the message for sending until `leaseUntil`: as it was before (to see an expired lease) and after, or null when another took it. */
    async claim(id: Types.ObjectId, at: Date, leaseUntil: Date): Promise<{ before: MessageDoc; after: MessageDoc } | null> {
      const before = await models.messages.findOneAndUpdate(
        { _id: id, direction: 'out', $or: [{ status: 'queued', nextAttemptAt: { $lte: at } }, { status: 'sending', leaseUntil: { $lt: at } }] },
        { $set: { status: 'sending', statusRank: STATUS_RANK.sending, statusAt: at, leaseUntil }, $inc: { attempts: 1 } },
        { returnDocument: 'before' },
      );
      return before ? { before, after: (await models.messages.findById(before._id))! } : null;
    },
    /** The provider could not say whether it went out: checked first at the next try. */
    markUnsure: (id: Types.ObjectId, since: Date) => models.messages.updateOne({ _id: id }, { $set: { unsureSince: since } }),
    /** Back in the queue for `nextAttemptAt`, with why the try failed. */
    requeue: (id: Types.ObjectId, reason: string, nextAttemptAt: Date) =>
      models.messages.updateOne({ _id: id, status: 'sending' }, { $set: { status: 'queued', statusRank: STATUS_RANK.queued, statusReason: reason, nextAttemptAt, leaseUntil: null } }),
  };
}
export type OutboxQueue = ReturnType<typeof outboxQueue>;
