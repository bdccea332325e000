// The citizen's portal links by name: kept as the hash of their token (never the token), one made,
// one made on first send (a link revoked since stays revoked), the ticket a token leads to, all of a
// ticket's revoked.
import type { Types } from 'mongoose';
import type { Models } from '../index.js';

export function portalLinks(models: Models) {
  const { portalLinks: links } = models;
  return {
    create: (tokenHash: string, ticketId: Types.ObjectId, citizenId: Types.ObjectId) => links.create({ _id: tokenHash, ticketId, citizenId }),
    /** $setOnInsert: a link revoked since the first send stays revoked. */
    ensure: (tokenHash: string, ticketId: unknown, citizenId: unknown) => links.updateOne({ _id: tokenHash }, { $setOnInsert: { ticketId, citizenId } }, { upsert: true }),
    /** The ticket (hydrated) the link leads to, unless revoked. */
    async ticketOf(tokenHash: string) {
      const link = await links.findById(tokenHash).lean();
      return link && !link.revokedAt ? models.tickets.findById(link.ticketId) : null;
    },
    revokeAll: async (ticketId: string, at: Date) => (await links.updateMany({ ticketId, revokedAt: null }, { $set: { revokedAt: at } })).modifiedCount,
  };
}
