import { Schema, type Connection } from 'mongoose';

// « Mon espace »: what lets a citizen in without an account. Secrets are kept as hashes or not at all:
// a session is found by the SHA-256 of its cookie; a sign-in code is derived from the id of the message
// that carries it (never stored); a FranceConnect flow by the hash of its `state`.

/** A citizen's session in the space (cookie gru_citizen): 30 minutes idle, 8 hours at most. */
const citizenSessionSchema = new Schema(
  {
    tokenHash: { type: String, required: true, unique: true },
    /** Null for a FranceConnect identity not linked yet to a citizen we know (the space is empty). */
    citizenId: { type: Schema.Types.ObjectId, ref: 'Citizen', default: null },
    method: { type: String, enum: ['code', 'franceconnect'], required: true },
    /** The FranceConnect identity: its subject, and the ID token its logout needs (deleted as it ends). */
    franceConnect: { type: new Schema({ sub: { type: String, required: true }, idToken: { type: String, default: null }, email: { type: String, default: null } }, { _id: false }), default: null },
    startedAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    endedAt: { type: Date, default: null },
  },
  { timestamps: false },
);
citizenSessionSchema.index({ citizenId: 1 });

/** A sign-in code on its way to an address: one per address (a new one replaces it), 10 minutes, 5 tries. */
const signInCodeSchema = new Schema(
  {
    /** The identity key ("email:…", "phone:+33…"). */
    _id: { type: String, required: true },
    citizenId: { type: Schema.Types.ObjectId, ref: 'Citizen', required: true },
    messageId: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true },
    tries: { type: Number, default: 0 },
  },
  { timestamps: false },
);
signInCodeSchema.index({ citizenId: 1 });

/** A FranceConnect identity linked to a citizen: by an email we know for them, or by a code they confirmed. */
const franceConnectLinkSchema = new Schema(
  {
    /** FranceConnect's subject (`sub`): stable per citizen and per service. */
    _id: { type: String, required: true },
    citizenId: { type: Schema.Types.ObjectId, ref: 'Citizen', required: true },
    via: { type: String, enum: ['email', 'code'], required: true },
    linkedAt: { type: Date, required: true },
  },
  { timestamps: false },
);
franceConnectLinkSchema.index({ citizenId: 1 });

/** A sign-in with FranceConnect under way: what the callback checks (state, nonce) and proves (PKCE verifier). */
const franceConnectFlowSchema = new Schema(
  {
    /** SHA-256 of `state`. */
    _id: { type: String, required: true },
    nonce: { type: String, required: true },
    verifier: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { timestamps: false },
);

export const citizenSessionModel = (conn: Connection) => conn.model('CitizenSession', citizenSessionSchema, 'citizen_sessions');
export const signInCodeModel = (conn: Connection) => conn.model('SignInCode', signInCodeSchema, 'citizen_sign_in_codes');
export const franceConnectLinkModel = (conn: Connection) => conn.model('FranceConnectLink', franceConnectLinkSchema, 'franceconnect_links');
export const franceConnectFlowModel = (conn: Connection) => conn.model('FranceConnectFlow', franceConnectFlowSchema, 'franceconnect_flows');
