// Citizens' messages as the pipeline stores them, by name: stored once (a concurrent delivery that won
// the unique index gives its own), marked processed when everything after storing is done, and those
// a dead process left 'finishing' found and taken over one at a time.
import type { Types } from 'mongoose';
import type { InboundChannel } from '../../../channels/types.js';
import { isDuplicateKey, type Models } from '../index.js';
import type { MessageDoc } from '../models/message.js';

export function inboundMessages(models: Models) {
  return {
    byId: (id: Types.ObjectId) => models.messages.findById(id),
    /** Stores the message; or, when a concurrent delivery of it won the unique index, that one. */
    async store(fields: Record<string, unknown> & { _id: Types.ObjectId; channel: InboundChannel; externalId: string }, stage: 'finishing' | 'processed', at: Date): Promise<{ message: MessageDoc; stored: boolean }> {
      try {
        return { message: await models.messages.create({ ...fields, stage, stageAt: at }), stored: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const winner = (await models.messages.findById(fields._id)) ?? (await models.messages.findOne({ channel: fields.channel, externalId: fields.externalId }));
        return { message: winner!, stored: false };
      }
    },
    processed: (id: Types.ObjectId) => models.messages.updateOne({ _id: id }, { $set: { stage: 'processed' } }),
    /** Messages left 'finishing' since before `staleBefore`: their process died. */
    stuck: (staleBefore: Date, limit = 500) => models.messages.find({ stage: 'finishing', stageAt: { $lt: staleBefore } }).limit(limit),
    /** Takes over a stale 'finishing' message: false when another process took it first. */
    async claimInterrupted(id: Types.ObjectId, staleBefore: Date, at: Date): Promise<boolean> {
      return !!(await models.messages.findOneAndUpdate({ _id: id, stage: 'finishing', stageAt: { $lt: staleBefore } }, { $set: { stageAt: at } }));
    },
  };
}
export type InboundMessages = ReturnType<typeof inboundMessages>;
