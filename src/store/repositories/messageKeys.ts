// The idempotency keys of inbound messages ("sms:SM123…"), kept as the _id of their own collection:
// the embedded FerretDB pushes down only _id lookups, so a key looked up on every delivery is an _id,
// and its uniqueness is what lets one delivery, and only one, reserve the message's id.
import { Types } from 'mongoose';
import { isDuplicateKey, type Models } from '../index.js';
import { messageKey } from '../models/messageKey.js';

export function messageKeys(models: Models) {
  return {
    /** The reserved message id, and whether this call reserved it (false: a delivery got there first). */
    async reserve(channel: string, externalId: string): Promise<{ key: string; messageId: Types.ObjectId; reservedHere: boolean }> {
      const key = messageKey(channel, externalId);
      try {
        const reserved = await models.messageKeys.create({ _id: key, messageId: new Types.ObjectId() });
        return { key, messageId: reserved.messageId, reservedHere: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const reserved = (await models.messageKeys.findById(key).lean())!;
        return { key, messageId: reserved.messageId, reservedHere: false };
      }
    },
    /** Frees a key this delivery reserved (only while it still holds that message id). */
    release: (key: string, messageId: Types.ObjectId) => models.messageKeys.deleteOne({ _id: key, messageId }),
  };
}
export type MessageKeys = ReturnType<typeof messageKeys>;
