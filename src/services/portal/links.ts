// Portal links beyond those put into sent texts (sentTexts.ts): a new one for an agent to give, all
// revoked by a manager.
import { randomBytes } from 'node:crypto';
import { portalLinks } from '../../store/repositories/portalLinks.js';
import { tickets } from '../../store/repositories/tickets.js';
import { NotFound } from '../../domain/errors.js';
import { type TicketDoc } from '../../store/models/ticket.js';
import { type Actor } from '../audit.js';
import { type PortalContext, hash } from './context.js';

export async function createLink(ctx: PortalContext, ticket: Pick<TicketDoc, '_id' | 'citizenId'>): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await portalLinks(ctx.models).create(hash(token), ticket._id, ticket.citizenId);
  return `${ctx.publicBaseUrl}/portal/${token}`;
}

export async function revokeAll(ctx: PortalContext, actor: Actor, ticketId: string): Promise<{ revoked: number }> {
  if (!(await tickets(ctx.models).exists(ticketId))) throw new NotFound('ticket.not_found');
  const revoked = await portalLinks(ctx.models).revokeAll(ticketId, ctx.now());
  await ctx.audit(actor, 'portal.links.revoked', { ticketId }, { count: revoked });
  return { revoked };
}
