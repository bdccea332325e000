import { Schema, type Connection, type HydratedDocument, type InferSchemaType } from 'mongoose';

// A citizen's web chat: the secret token is stored hashed; email and phone typed into the chat are
// unverified claims shown to agents, never used to link the chat to an existing citizen's records.
const chatSessionSchema = new Schema(
  {
    tokenHash: { type: String, required: true, unique: true },
    name: { type: String, default: null },
    claimedEmail: { type: String, default: null },
    claimedPhone: { type: String, default: null },
    topic: { type: String, default: null },
    consentAt: { type: Date, required: true },
    citizenId: { type: Schema.Types.ObjectId, ref: 'Citizen', default: null },
    ticketId: { type: Schema.Types.ObjectId, ref: 'Ticket', default: null },
    lastActivityAt: { type: Date, required: true },
  },
  { timestamps: true },
);

export type ChatSession = InferSchemaType<typeof chatSessionSchema>;
export type ChatSessionDoc = HydratedDocument<ChatSession>;
export const chatSessionModel = (conn: Connection) => conn.model('ChatSession', chatSessionSchema, 'chat_sessions');
