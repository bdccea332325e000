import { Schema, type Connection, type HydratedDocument, type InferSchemaType } from 'mongoose';
import { CHANNELS, TICKET_STATUSES } from '../../domain/ticket.js';

const ticketSchema = new Schema(
  {
    reference: { type: String, required: true, unique: true },
    citizenId: { type: Schema.Types.ObjectId, ref: 'Citizen', required: true },
    teamId: { type: Schema.Types.ObjectId, ref: 'Team', default: null },
    /** The agent who owns the thread: the citizen's recurring agent unless a manager reassigned it. */
    assigneeId: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
    status: { type: String, enum: TICKET_STATUSES, required: true, default: 'new' },
    channel: { type: String, enum: CHANNELS, required: true },
    lastInboundChannel: { type: String, enum: CHANNELS, required: true },
    /** The address the citizen last wrote from on this ticket, per channel a reply can take (a call counts as SMS). */
    lastFrom: { sms: { type: String, default: null }, email: { type: String, default: null }, chat: { type: String, default: null } },
    /** Every channel the citizen used in this thread (inbox filter). */
    channels: { type: [String], default: [] },
    subject: { type: String, default: '' },
    category: { type: String, default: null },
    priority: { type: String, enum: ['low', 'normal', 'high', 'urgent'], default: 'normal' },
    /** Retention: when the request's personal data was blanked (closed longer than its keeping period). */
    anonymisedAt: { type: Date, default: null },
    /** Moves by one at each change of what agents edit or see in the ticket's header (status, category, priority, assignee): a save names the version it started from. */
    version: { type: Number, default: 0 },
    /** When the citizen's first message of this ticket arrived (the start of every figure). */
    openedAt: { type: Date, default: null },
    lastMessageAt: { type: Date, required: true },
    lastInboundAt: { type: Date, required: true },
    unreadCount: { type: Number, default: 0 },
    firstResponseDueAt: { type: Date, default: null },
    firstRespondedAt: { type: Date, default: null },
    /** Due for each later citizen message once answered; null when nothing is due. */
    nextResponseDueAt: { type: Date, default: null },
    /** The running deadline (first or next response): warned and breached once each, paused while pending. */
    sla: {
      type: new Schema(
        {
          kind: { type: String, enum: ['first', 'next'], required: true },
          startedAt: { type: Date, required: true },
          dueAt: { type: Date, required: true },
          warnAt: { type: Date, required: true },
          warnedAt: { type: Date, default: null },
          breachedAt: { type: Date, default: null },
          pausedAt: { type: Date, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
    /**
     * The inbox order: when the answer the citizen waits for is due (the running, unpaused deadline), or
     * NOTHING_DUE when nothing is awaited (answered, pending, resolved). Kept in step with `sla` by the
     * hooks below, wherever `sla` is written.
     */
    inboxOrder: { type: Date, default: null },
    pendingSince: { type: Date, default: null },
    /** "Pièces à fournir": what the citizen was asked to send, ticked when a portal upload names it. */
    documents: {
      type: [{ _id: false, id: { type: String, required: true }, label: { type: String, required: true }, requestedAt: { type: Date, required: true }, providedAt: { type: Date, default: null }, messageId: { type: Schema.Types.ObjectId, default: null } }],
      default: [],
    },
    /** The satisfaction question: asked once when resolved; the first answer (1 to 5, a comment) kept. */
    surveyAskedAt: { type: Date, default: null },
    /** When the satisfaction answer came (= satisfaction.at), top-level so that a period is read from its index. */
    satisfiedAt: { type: Date, default: null },
    satisfaction: {
      type: new Schema({ score: { type: Number, required: true }, comment: { type: String, default: null }, at: { type: Date, required: true }, channel: { type: String, required: true } }, { _id: false }),
      default: null,
    },
    /** The citizen's pending request to be called back, until a call reaches them. */
    callback: {
      type: new Schema(
        { slot: { type: String, required: true }, phone: { type: String, required: true }, messageId: { type: Schema.Types.ObjectId, default: null } },
        { _id: false },
      ),
      default: null,
    },
    reminderSentAt: { type: Date, default: null },
    /** Set once by the first stored message of the ticket: it, and only it, announces the new ticket. */
    announcedAt: { type: Date, default: null },
    announcedBy: { type: Schema.Types.ObjectId, ref: 'Message', default: null },
    previousTicketId: { type: Schema.Types.ObjectId, ref: 'Ticket', default: null },
    /** Closed because its messages joined this ticket (a chat whose citizen proved an address). */
    mergedIntoId: { type: Schema.Types.ObjectId, ref: 'Ticket', default: null },
    resolvedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
/** The inbox order of a ticket awaiting nothing: after every running deadline. */
export const NOTHING_DUE = new Date('9999-12-31T00:00:00Z');
export const inboxOrderOf = (sla: { dueAt?: Date | null; pausedAt?: Date | null } | null | undefined) => (sla?.dueAt && !sla.pausedAt ? sla.dueAt : NOTHING_DUE);

ticketSchema.pre('save', function () {
  this.inboxOrder = inboxOrderOf(this.sla);
});
// Every change of the deadline writes `sla` whole ({ $set: { sla } }): the order follows it.
ticketSchema.pre(['updateOne', 'updateMany', 'findOneAndUpdate'], function () {
  const update = this.getUpdate() as ({ $set?: Record<string, unknown> } & Record<string, unknown>) | null;
  if (update?.$set && 'sla' in update.$set) update.$set.inboxOrder = inboxOrderOf(update.$set.sla as never);
  else if (update && 'sla' in update) update.inboxOrder = inboxOrderOf(update.sla as never);
});

ticketSchema.index({ assigneeId: 1, status: 1, inboxOrder: 1, _id: 1 });
ticketSchema.index({ teamId: 1, status: 1, inboxOrder: 1, _id: 1 });
ticketSchema.index({ citizenId: 1, createdAt: -1 });
ticketSchema.index({ inboxOrder: 1, _id: 1 });
ticketSchema.index({ firstResponseDueAt: 1, _id: 1 });
// Statistics: tickets opened over a period (a range between two dates), open tickets by status, and
// the period's tickets of some statuses (both columns: SQLite keeps no statistics to choose between two).
ticketSchema.index({ openedAt: 1 });
ticketSchema.index({ status: 1, openedAt: 1 });
// Retention: the closed requests past their keeping period, not yet blanked.
ticketSchema.index({ status: 1, closedAt: 1 });
ticketSchema.index({ satisfiedAt: 1 });

export type Ticket = InferSchemaType<typeof ticketSchema>;
export type TicketDoc = HydratedDocument<Ticket>;
export const ticketModel = (conn: Connection) => conn.model('Ticket', ticketSchema, 'tickets');
