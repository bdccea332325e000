import { Schema, type Connection, type HydratedDocument, type InferSchemaType } from 'mongoose';
import { CHANNELS, DELIVERY_STATUSES, MESSAGE_DIRECTIONS } from '../../domain/ticket.js';

const attachmentSchema = new Schema(
  { filename: String, contentType: { type: String, required: true }, size: { type: Number, required: true }, ref: { type: String, required: true } },
  { _id: false },
);

const messageSchema = new Schema(
  {
    ticketId: { type: Schema.Types.ObjectId, ref: 'Ticket', required: true },
    citizenId: { type: Schema.Types.ObjectId, ref: 'Citizen', required: true },
    direction: { type: String, enum: MESSAGE_DIRECTIONS, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    /** Idempotency key with channel: MessageSid, Message-ID, chat client id, or ours for outbound. */
    externalId: { type: String, required: true },
    fromAddress: { type: String, default: null },
    fromName: { type: String, default: null },
    subject: { type: String, default: null },
    text: { type: String, default: '' },
    html: { type: String, default: null },
    attachments: { type: [attachmentSchema], default: [] },
    threadKeys: {
      messageId: { type: String, default: null },
      inReplyTo: { type: String, default: null },
      references: { type: [String], default: [] },
    },
    authorId: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
    /** Outbound delivery, driven by the outbox. */
    status: { type: String, enum: DELIVERY_STATUSES, default: null },
    statusReason: { type: String, default: null },
    providerId: { type: String, default: null },
    /** Inbound: 'finishing' while its ticket update and event are under way (since stageAt), then 'processed'. */
    stage: { type: String, enum: ['finishing', 'processed'], default: 'processed' },
    stageAt: { type: Date, default: null },
    receivedAt: { type: Date, required: true },
  },
  { timestamps: true },
);
messageSchema.index({ channel: 1, externalId: 1 }, { unique: true });
messageSchema.index({ ticketId: 1, createdAt: 1 });
messageSchema.index({ 'threadKeys.messageId': 1 });
messageSchema.index({ stage: 1, stageAt: 1 });

export type Message = InferSchemaType<typeof messageSchema>;
export type MessageDoc = HydratedDocument<Message>;
export const messageModel = (conn: Connection) => conn.model('Message', messageSchema, 'messages');
