import { Schema, type Connection } from 'mongoose';

// A citizen's secret link to follow a ticket: only the SHA-256 of the token is kept (as the _id).
const portalLinkSchema = new Schema(
  {
    _id: { type: String, required: true },
    ticketId: { type: Schema.Types.ObjectId, ref: 'Ticket', required: true },
    citizenId: { type: Schema.Types.ObjectId, ref: 'Citizen', required: true },
    revokedAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
portalLinkSchema.index({ ticketId: 1 });

export const portalLinkModel = (conn: Connection) => conn.model('PortalLink', portalLinkSchema, 'portal_links');
