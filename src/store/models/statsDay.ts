import { Schema, type Connection, type InferSchemaType } from 'mongoose';

// A local day's inbound messages, counted once the day is over (src/services/dailyVolume.ts): per
// channel and the team and agent their tickets had when counted. A day over never changes.
const statsDaySchema = new Schema(
  {
    _id: { type: String, required: true }, // 'inbound:YYYY-MM-DD' in the service's time zone
    counts: {
      type: [{ _id: false, channel: { type: String, required: true }, teamId: { type: String, default: null }, assigneeId: { type: String, default: null }, n: { type: Number, required: true } }],
      default: [],
    },
  },
  { timestamps: true },
);

export type StatsDay = InferSchemaType<typeof statsDaySchema>;
export const statsDayModel = (conn: Connection) => conn.model('StatsDay', statsDaySchema, 'stats_days');
