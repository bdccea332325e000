import { Schema, type Connection, type HydratedDocument, type InferSchemaType } from 'mongoose';
import { CHANNELS, DELIVERY_STATUSES, MESSAGE_DIRECTIONS, MESSAGE_KINDS } from '../../domain/ticket.js';

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
    /** Email: the quoted history below the new text, kept apart for the thread view. */
    quotedText: { type: String, default: null },
    attachments: { type: [attachmentSchema], default: [] },
    threadKeys: {
      messageId: { type: String, default: null },
      inReplyTo: { type: String, default: null },
      references: { type: [String], default: [] },
    },
    authorId: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
    /** Outbound delivery, driven by the outbox (src/jobs/outboxDispatcher.ts). */
    status: { type: String, enum: DELIVERY_STATUSES, default: null },
    /** Order of status: a callback may only move it forward (queued 0, sending 1, sent 2, delivered/failed 3). */
    statusRank: { type: Number, default: null },
    statusReason: { type: String, default: null },
    statusCode: { type: String, default: null },
    statusAt: { type: Date, default: null },
    providerId: { type: String, default: null },
    toAddress: { type: String, default: null },
    kind: { type: String, enum: MESSAGE_KINDS, default: 'message' },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, default: null },
    leaseUntil: { type: Date, default: null },
    /** Set when an interrupted send could not be checked with the provider: check before any resend. */
    unsureSince: { type: Date, default: null },
    /** Voice: a call is one thread entry that gains its recording and transcription. */
    call: {
      type: new Schema(
        {
          state: { type: String, enum: ['waiting', 'ringing', 'in_progress', 'answered', 'abandoned', 'missed', 'voicemail'], required: true },
          /** Waiting: the team whose queue it is in, since when; how long it waited in all. */
          teamId: { type: Schema.Types.ObjectId, ref: 'Team', default: null },
          queuedAt: { type: Date, default: null },
          waitedSeconds: { type: Number, default: null },
          /** 'usual': rung at the caller's own agent (or their cover); 'team': taken from the queue. */
          rungAs: { type: String, enum: ['usual', 'team', null], default: null },
          /** A live call: the agent rung. */
          agentId: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
          recordingSid: { type: String, default: null },
          recordingUrl: { type: String, default: null },
          durationSeconds: { type: Number, default: null },
          transcriptionStatus: { type: String, default: null },
          /** Final utterances of the real-time transcription, by Twilio's SequenceId (src/domain/voicemail.ts). */
          segments: { type: [{ _id: false, seq: { type: Number, required: true }, text: { type: String, required: true } }], default: [] },
          /** Compare-and-set counter: each callback applies to the state it read, or reads again. */
          version: { type: Number, default: 0 },
        },
        { _id: false },
      ),
      default: null,
    },
    /** A citizen's request to be called back (kind 'callback_request'): the half-day and the number. */
    callback: {
      type: new Schema(
        { slot: { type: String, required: true }, phone: { type: String, required: true }, state: { type: String, enum: ['requested', 'done'], default: 'requested' } },
        { _id: false },
      ),
      default: null,
    },
    /** A call-back made from the console (kind 'call'): src/domain/outboundCall.ts. */
    dial: {
      type: new Schema(
        {
          state: { type: String, required: true },
          durationSeconds: { type: Number, default: null },
          agentPhone: { type: String, default: null },
          version: { type: Number, default: 0 },
        },
        { _id: false },
      ),
      default: null,
    },
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
// Live calls: whether an agent is already rung or on a call.
messageSchema.index({ 'call.agentId': 1, 'call.state': 1 });
messageSchema.index({ stage: 1, stageAt: 1 });
// The outbox's messages still to send (only outbound messages have these statuses): led by the status,
// which the embedded store's pushdown then answers from this index.
messageSchema.index({ status: 1, nextAttemptAt: 1 });
messageSchema.index({ providerId: 1 });
// Statistics: inbound messages received over a period.
messageSchema.index({ direction: 1, receivedAt: 1 });
// A citizen's latest messages (the channels a reply can take), their erasure.
messageSchema.index({ citizenId: 1, _id: -1 });

export type Message = InferSchemaType<typeof messageSchema>;
export type MessageDoc = HydratedDocument<Message>;
export const messageModel = (conn: Connection) => conn.model('Message', messageSchema, 'messages');
