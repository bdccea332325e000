import { Schema, type Connection, type InferSchemaType } from 'mongoose';

// A reusable answer with variables ({{citizen.firstName}}...), for one team or shared by all (teamId null).
const cannedAnswerSchema = new Schema(
  {
    title: { type: String, required: true, trim: true },
    body: { type: String, required: true },
    teamId: { type: Schema.Types.ObjectId, ref: 'Team', default: null },
    createdBy: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
  },
  { timestamps: true },
);

export type CannedAnswer = InferSchemaType<typeof cannedAnswerSchema>;
export const cannedAnswerModel = (conn: Connection) => conn.model('CannedAnswer', cannedAnswerSchema, 'canned_answers');
