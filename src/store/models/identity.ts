import { Schema, type Connection, type InferSchemaType } from 'mongoose';

// One document per phone, email or chat session, keyed by "kind:value" in _id: the unique index that
// makes two concurrent first messages from one address resolve to one citizen.
const identitySchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['phone', 'email', 'chat'], required: true },
    value: { type: String, required: true },
    citizenId: { type: Schema.Types.ObjectId, ref: 'Citizen', required: true },
    /** Phones: the citizen sent STOP (or ARRET); no SMS goes to this number until START. */
    smsOptOutAt: { type: Date, default: null },
  },
  { timestamps: true },
);
identitySchema.index({ citizenId: 1 });

export type IdentityRecord = InferSchemaType<typeof identitySchema>;
export const identityModel = (conn: Connection) => conn.model('Identity', identitySchema, 'identities');
