import { Schema, type Connection, type InferSchemaType } from 'mongoose';

// The back-office's two doors. Outbound: endpoints an admin registered, and one delivery per event and
// endpoint, retried until the endpoint answers 2xx (src/jobs/integrationDispatcher.ts). Inbound: API keys
// for systems, stored as a hash, scoped and revocable.
const endpointSchema = new Schema(
  {
    url: { type: String, required: true },
    events: { type: [String], default: [] },
    /** The signing secret, sealed with the server's secret (AES-GCM): shown once at creation. */
    sealedSecret: { type: String, required: true },
    active: { type: Boolean, default: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
    lastDeliveredAt: { type: Date, default: null },
    lastError: { type: String, default: null },
    lastErrorAt: { type: Date, default: null },
  },
  { timestamps: true },
);
endpointSchema.index({ active: 1 });

const deliverySchema = new Schema(
  {
    endpointId: { type: Schema.Types.ObjectId, required: true },
    event: { type: String, required: true },
    /** Deliveries of one ticket to one endpoint go in the order they were made (by _id). */
    ticketId: { type: Schema.Types.ObjectId, default: null },
    body: { type: String, required: true },
    status: { type: String, enum: ['pending', 'delivered', 'cancelled'], default: 'pending' },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    leaseUntil: { type: Date, default: null },
    lastError: { type: String, default: null },
    lastStatusCode: { type: Number, default: null },
    deliveredAt: { type: Date, default: null },
  },
  { timestamps: true },
);
deliverySchema.index({ status: 1, nextAttemptAt: 1 });
deliverySchema.index({ endpointId: 1, ticketId: 1, status: 1, _id: 1 });

const apiKeySchema = new Schema(
  {
    name: { type: String, required: true },
    /** sha256 of the key's secret part; the key itself is shown once. */
    hash: { type: String, required: true },
    scopes: { type: [String], default: [] },
    createdBy: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
    revokedAt: { type: Date, default: null },
    lastUsedAt: { type: Date, default: null },
  },
  { timestamps: true },
);

export type IntegrationEndpoint = InferSchemaType<typeof endpointSchema>;
export type IntegrationDelivery = InferSchemaType<typeof deliverySchema>;
export const integrationEndpointModel = (conn: Connection) => conn.model('IntegrationEndpoint', endpointSchema, 'integration_webhooks');
export const integrationDeliveryModel = (conn: Connection) => conn.model('IntegrationDelivery', deliverySchema, 'integration_deliveries');
export const apiKeyModel = (conn: Connection) => conn.model('ApiKey', apiKeySchema, 'api_keys');
