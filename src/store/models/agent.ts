import { Schema, type Connection, type HydratedDocument, type InferSchemaType } from 'mongoose';

export const AGENT_ROLES = ['agent', 'manager', 'admin'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

const agentSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    email: { type: String, required: true, unique: true, lowercase: true, trim: true },
    passwordHash: { type: String, required: true },
    role: { type: String, enum: AGENT_ROLES, required: true, default: 'agent' },
    teamId: { type: Schema.Types.ObjectId, ref: 'Team', default: null },
    availability: { type: String, enum: ['available', 'away'], default: 'available' },
    /** While away, this agent answers for them; the recurring agent stays recorded on citizens. */
    coverAgentId: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
    awayUntil: { type: Date, default: null },
    active: { type: Boolean, default: true },
    /** Tokens carry the version they were signed at: a password change, reset, deactivation or role change moves it on, and every older token is refused. */
    sessionVersion: { type: Number, default: 0 },
    /** The agent's own phone, rung first for a call-back. */
    phone: { type: String, default: null },
    /** Where live calls ring: their phone, or the console in the browser (Twilio Voice SDK). */
    voiceDevice: { type: String, enum: ['phone', 'browser'], default: 'phone' },
  },
  { timestamps: true },
);
agentSchema.index({ teamId: 1, availability: 1 });

export type Agent = InferSchemaType<typeof agentSchema>;
export type AgentDoc = HydratedDocument<Agent>;
export const agentModel = (conn: Connection) => conn.model('Agent', agentSchema, 'agents');
