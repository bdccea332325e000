import { Schema, type Connection, type InferSchemaType } from 'mongoose';

// A reusable answer with variables ({{citizen.firstName}}...): personal (ownerId), for one team, or
// shared by the whole service (neither).
const cannedAnswerSchema = new Schema(
  {
    title: { type: String, required: true, trim: true },
    body: { type: String, required: true },
    teamId: { type: Schema.Types.ObjectId, ref: 'Team', default: null },
    createdBy: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
    /** Set for an agent's personal answer: only they see and change it. */
    ownerId: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
    /** "Pièces à fournir": sending this answer adds these pieces to the ticket's checklist. */
    documents: { type: [String], default: [] },
  },
  { timestamps: true },
);

export type CannedAnswer = InferSchemaType<typeof cannedAnswerSchema>;
export const cannedAnswerModel = (conn: Connection) => conn.model('CannedAnswer', cannedAnswerSchema, 'canned_answers');
