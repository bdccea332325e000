import { Schema, type Connection, type HydratedDocument, type InferSchemaType } from 'mongoose';

const citizenSchema = new Schema(
  {
    name: { type: String, default: null, trim: true },
    /** Display copy; the unique authority is the identities collection (see identity.ts). */
    identities: {
      type: [{ _id: false, kind: { type: String, enum: ['phone', 'email', 'chat'], required: true }, value: { type: String, required: true } }],
      default: [],
    },
    recurringAgentId: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
    teamId: { type: Schema.Types.ObjectId, ref: 'Team', default: null },
    /** The one open ticket new messages without a reference go to; cleared when it is resolved. */
    openTicketId: { type: Schema.Types.ObjectId, ref: 'Ticket', default: null },
    lastTicketId: { type: Schema.Types.ObjectId, ref: 'Ticket', default: null },
    /** A sender the phone channels cannot answer (hidden number, name, app): one record per message. */
    unreachable: { type: String, enum: ['hidden', 'alphanumeric', 'app'], default: null },
    anonymisedAt: { type: Date, default: null },
    /** Set on the record merged away: everything it held now belongs to that citizen. */
    mergedIntoId: { type: Schema.Types.ObjectId, ref: 'Citizen', default: null },
    /** The citizen asked for erasure from their space: managers have a month to do it (RGPD art. 12). */
    erasureRequest: { type: new Schema({ at: { type: Date, required: true }, dueBy: { type: Date, required: true } }, { _id: false }), default: null },
  },
  { timestamps: true },
);
citizenSchema.index({ recurringAgentId: 1 });

export type Citizen = InferSchemaType<typeof citizenSchema>;
export type CitizenDoc = HydratedDocument<Citizen>;
export const citizenModel = (conn: Connection) => conn.model('Citizen', citizenSchema, 'citizens');
