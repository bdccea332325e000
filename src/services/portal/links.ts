// Portal links beyond those put into sent texts (sentTexts.ts): a new one for an agent to give, all
// revoked by a manager.
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { NotFound } from '../../domain/errors.js';
import { type TicketDoc } from '../../store/models/ticket.js';
import { type Actor } from '../audit.js';
import { type PortalContext, hash } from './context.js';

export async function createLink(ctx: PortalContext, ticket: Pick<TicketDoc, '_id' | 'citizenId'>): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await ctx.models.portalLinks.create({ _id: hash(token), ticketId: ticket._id, citizenId: ticket.citizenId });
  return `${ctx.publicBaseUrl}/portal/${token}`;
}

export async function revokeAll(ctx: PortalContext, actor: Actor, ticketId: string): Promise<{ revoked: number }> {
  if (!Types.ObjectId.isValid(ticketId) || !(await ctx.models.tickets.exists({ _id: ticketId }))) throw new NotFound('ticket.not_found');
  const result = await ctx.models.portalLinks.updateMany({ ticketId, revokedAt: null }, { $set: { revokedAt: ctx.now() } });
  await ctx.audit(actor, 'portal.links.revoked', { ticketId }, { count: result.modifiedCount });
  return { revoked: result.modifiedCount };
}
