import { Schema, type Connection } from 'mongoose';

// Per mailbox: where reading stopped (UIDVALIDITY and the last stored UID), and which instance holds
// the right to read it (a lease renewed while alive, taken over when it expires).
const mailboxStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    uidValidity: { type: String, default: null },
    lastUid: { type: Number, default: 0 },
    leaseHolder: { type: String, default: null },
    leaseUntil: { type: Date, default: null },
  },
  { timestamps: true },
);

// What the mailbox brought that is not a citizen message: auto-replies, bounces, unreadable mail.
// Kept for inspection, never silently dropped.
const mailEventSchema = new Schema(
  {
    mailbox: { type: String, required: true },
    uid: { type: Number, default: null },
    kind: { type: String, enum: ['auto-reply', 'bounce', 'unreadable'], required: true },
    messageId: { type: String, default: null },
    from: { type: String, default: null },
    subject: { type: String, default: null },
    reason: { type: String, default: null },
    raw: { type: Buffer, default: null },
    at: { type: Date, required: true },
  },
  { timestamps: false },
);

// Attachment bytes under the size limit; the message keeps name, type, size and "attachment:<id>".
// ticketId: the ticket whose people may download it (set when stored with a message, or on upload).
const attachmentSchema = new Schema(
  { content: { type: Buffer, default: null }, contentType: String, filename: String, size: Number, ticketId: { type: Schema.Types.ObjectId, default: null }, uploadedBy: { type: Schema.Types.ObjectId, default: null } },
  { timestamps: true },
);

export const mailboxStateModel = (conn: Connection) => conn.model('MailboxState', mailboxStateSchema, 'mailbox_state');
export const mailEventModel = (conn: Connection) => conn.model('MailEvent', mailEventSchema, 'mail_events');
/** How a message names a file of our attachment store, and back (null for a provider URL or "too-large"). */
export const attachmentRef = (id: unknown) => `attachment:${String(id)}`;
export const attachmentIdOf = (ref: string): string | null => /^attachment:([0-9a-f]{24})$/.exec(ref)?.[1] ?? null;

export const attachmentModel = (conn: Connection) => conn.model('Attachment', attachmentSchema, 'attachments');
