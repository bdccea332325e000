import { Schema, type Connection, type InferSchemaType } from 'mongoose';

// A local day's figures, counted once the day is over (src/services/dailyFigures.ts): 'inbound:' the
// inbound messages per channel, 'tickets:' the promise of the tickets opened that day, 'ratings:' the
// satisfaction answers given that day; each row per the team and agent their ticket had when counted.
// `pending`: tickets whose figures may still change (no first answer yet), read live at each use.
const statsDaySchema = new Schema(
  {
    _id: { type: String, required: true }, // '<kind>:YYYY-MM-DD' in the service's time zone
    counts: { type: [Schema.Types.Mixed], default: [] },
    pending: { type: [Schema.Types.ObjectId], default: [] },
  },
  { timestamps: true },
);

export type StatsDay = InferSchemaType<typeof statsDaySchema>;
export const statsDayModel = (conn: Connection) => conn.model('StatsDay', statsDaySchema, 'stats_days');
