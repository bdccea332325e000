import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const teamSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    slug: { type: String, required: true, unique: true, lowercase: true, trim: true },
    /** The team that gets citizens no rule routes elsewhere. */
    isDefault: { type: Boolean, default: false },
  },
  { timestamps: true },
);

export type Team = InferSchemaType<typeof teamSchema>;
export const teamModel = (conn: Connection) => conn.model('Team', teamSchema, 'teams');
