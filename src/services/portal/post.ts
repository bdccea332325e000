// The citizen writes on the portal, with documents or not: the link and its rate limit first, then the
// message lands in the same thread (or a linked new one if it was closed).
import { Types } from 'mongoose';
import { Invalid, RateLimited } from '../../domain/errors.js';
import { t } from '../../i18n/catalogue.js';
import { type TicketDoc } from '../../store/models/ticket.js';
import { type UploadedFile } from '../documents.js';
import { type PortalContext, resolve, hash } from './context.js';

/** The ticket behind a link, for a citizen's action that counts against the link's rate limit. */
export async function forAction(ctx: PortalContext, token: string): Promise<TicketDoc> {
  const ticket = await resolve(ctx, token);
  if (!(await ctx.posts.take(hash(token))).allowed) throw new RateLimited('portal.too_many_messages');
  return ticket;
}

/**
 * The citizen adds a message, with documents or not: it lands in the same thread (or a linked new one
 * if it was closed). Files naming a piece of the checklist (`item`) tick it.
 */
export async function post(ctx: PortalContext, token: string, input: { text: string; clientId?: string; item?: string; files?: UploadedFile[] }, checked?: TicketDoc) {
  // `checked`: the ticket forAction gave before the body was read (link and limit already counted).
  const ticket = checked ?? (await resolve(ctx, token));
  if (!checked && !(await ctx.posts.take(hash(token))).allowed) throw new RateLimited('portal.too_many_messages');
  return write(ctx, ticket, input, hash(token).slice(0, 16));
}

/**
 * The citizen's message (checked and counted by the caller) into the request's thread; `origin` names
 * where it came from (a link's hash, a space session), so a retried send with its clientId lands once.
 */
export async function write(ctx: PortalContext, ticket: TicketDoc, input: { text: string; clientId?: string; item?: string; files?: UploadedFile[] }, origin: string) {
  const files = input.files ?? [];
  let text = input.text.trim();
  if (!text && files.length === 0) throw new Invalid('message.empty');
  if (input.item && !ctx.documents.isRequested(ticket, input.item)) throw new Invalid('document.item_unknown');
  const attachments = files.length ? await ctx.documents.store(ticket, files) : [];
  if (!text) text = t('document.sent_text', { count: attachments.length, names: attachments.map((a) => a.filename).join(', ') });
  const result = await ctx.ingestInbound({
    channel: 'portal',
    externalId: `${origin}:${input.clientId ?? new Types.ObjectId().toHexString()}`,
    from: { address: 'portal' },
    citizenId: String(ticket.citizenId),
    text,
    threadHints: { ticketId: String(ticket._id) },
    attachments,
    receivedAt: ctx.now(),
  });
  if (input.item && attachments.length) await ctx.documents.markProvided(new Types.ObjectId(result.ticketId), input.item, result.messageId);
  return { id: result.messageId, reference: result.reference };
}
