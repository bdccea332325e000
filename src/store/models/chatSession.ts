import { Schema, type Connection, type HydratedDocument, type InferSchemaType } from 'mongoose';

// A citizen's web chat: the secret token is stored hashed; email and phone typed into the chat are
// unverified claims shown to agents, linked to an existing citizen's records only once confirmed with a
// code sent to that address.
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
    /** A code sent to confirm a claim (src/services/chatIdentity.ts): never the code itself. */
    verification: {
      type: new Schema(
        { kind: { type: String, required: true }, value: { type: String, required: true }, messageId: { type: Schema.Types.ObjectId, required: true }, expiresAt: { type: Date, required: true }, tries: { type: Number, default: 0 } },
        { _id: false },
      ),
      default: null,
    },
    /** Claims confirmed with a code: the chat belongs to that address's citizen. */
    verified: { type: [{ _id: false, kind: { type: String, required: true }, value: { type: String, required: true }, at: { type: Date, required: true } }], default: [] },
  },
  { timestamps: true },
);

export type ChatSession = InferSchemaType<typeof chatSessionSchema>;
export type ChatSessionDoc = HydratedDocument<ChatSession>;
export const chatSessionModel = (conn: Connection) => conn.model('ChatSession', chatSessionSchema, 'chat_sessions');
