import { Schema, type Connection, type InferSchemaType } from 'mongoose';

// Append-only: who did what to which record, when, with the before/after that makes it reversible.
const auditEventSchema = new Schema({
  at: { type: Date, required: true },
  actor: {
    kind: { type: String, enum: ['system', 'agent', 'citizen'], required: true },
    id: { type: String, default: null },
  },
  action: { type: String, required: true },
  ticketId: { type: Schema.Types.ObjectId, ref: 'Ticket', default: null },
  citizenId: { type: Schema.Types.ObjectId, ref: 'Citizen', default: null },
  agentId: { type: Schema.Types.ObjectId, ref: 'Agent', default: null },
  data: { type: Schema.Types.Mixed, default: {} },
});
auditEventSchema.index({ ticketId: 1, at: 1 });
auditEventSchema.index({ citizenId: 1, at: 1 });

export type AuditEvent = InferSchemaType<typeof auditEventSchema>;
export const auditEventModel = (conn: Connection) => conn.model('AuditEvent', auditEventSchema, 'audit_events');
