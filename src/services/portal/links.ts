// Portal links: in stored texts a placeholder, in what is sent the message's own link (its hash stored
// on first send), shown to the chat citizen; a new one for an agent to give, all revoked by a manager.
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { NotFound } from '../../domain/errors.js';
import { type TicketDoc } from '../../store/models/ticket.js';
import { type Actor } from '../audit.js';
import { type PortalContext, tokenOf, hash } from './context.js';

/** The text as sent: each ctx.redacted link replaced by the message's own link, stored (hashed) on first send. */
export async function expandLinks(ctx: PortalContext, message: { _id: unknown; ticketId: unknown; citizenId?: unknown }, text: string): Promise<string> {
  if (!text.includes(ctx.redacted)) return text;
  const token = tokenOf(ctx, message);
  // $setOnInsert: a link revoked since the first send stays revoked.
  await ctx.models.portalLinks.updateOne({ _id: hash(token) }, { $setOnInsert: { ticketId: message.ticketId, citizenId: message.citizenId ?? null } }, { upsert: true });
  return text.replaceAll(ctx.redacted, `${ctx.publicBaseUrl}/portal/${token}`);
}

/** The text shown again to its citizen (chat history): the same link, nothing written. */
export function showLinks(ctx: PortalContext, message: { _id: unknown }, text: string): string {
  return text.includes(ctx.redacted) ? text.replaceAll(ctx.redacted, `${ctx.publicBaseUrl}/portal/${tokenOf(ctx, message)}`) : text;
}

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
