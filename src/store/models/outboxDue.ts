import { Schema, type Connection } from 'mongoose';

// The outbox's to-do list: one small document per outgoing message still queued or being sent, with
// when it is next due (its retry time, or when its send lease expires). The dispatcher reads this short
// list instead of searching all messages (FerretDB scans any filter but _id, and the claim is a write),
// then claims the message itself by _id with a compare-and-set: the message stays the authority, an
// entry is only a hint, removed once the message is sent or failed.
const outboxDueSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true }, // the message's id
    at: { type: Date, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
outboxDueSchema.index({ at: 1 });

export const outboxDueModel = (conn: Connection) => conn.model('OutboxDue', outboxDueSchema, 'outbox_due');
