import { Schema, type Connection } from 'mongoose';

// The idempotency key of an inbound message, "sms:SM123…", as the _id: looked up by primary key on every
// delivery (FerretDB pushes down only _id lookups), and unique, so one delivery reserves the message id.
const messageKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    messageId: { type: Schema.Types.ObjectId, ref: 'Message', required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

export const messageKeyModel = (conn: Connection) => conn.model('MessageKey', messageKeySchema, 'message_keys');
export const messageKey = (channel: string, externalId: string) => `${channel}:${externalId}`;
