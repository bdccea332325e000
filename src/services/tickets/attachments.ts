// Files an agent attaches to a coming reply, and the files of a thread, for those who may see the ticket.
import { Types } from 'mongoose';
import type { Principal } from '../tokens.js';
import { Invalid, NotFound } from '../../domain/errors.js';
import { attachmentRef } from '../../store/models/mailbox.js';
import { attachmentsStore } from '../../store/repositories/attachments.js';
import { loadVisible, type TicketContext } from './context.js';
import { withoutBidi } from '../../domain/text.js';

/** A file an agent attaches to a coming reply: kept with the ticket, sent with the reply that names it. */
export async function addAttachment(ctx: TicketContext, principal: Principal, ticketId: string, file: { filename: string; contentType: string; content: Buffer }) {
  const ticket = await loadVisible(ctx, principal, ticketId);
  if (!file.content.length) throw new Invalid('attachment.empty');
  const stored = await attachmentsStore(ctx.models).keep({
    ticketId: ticket._id,
    uploadedBy: new Types.ObjectId(principal.agentId),
    filename: withoutBidi(file.filename).replace(/[\r\n"\\/]/g, '_').slice(0, 200) || 'piece-jointe',
    contentType: file.contentType,
    size: file.content.length,
    content: file.content,
  });
  return { id: String(stored._id), ref: attachmentRef(stored._id), filename: stored.filename!, contentType: stored.contentType!, size: stored.size! };
}

/** A file of the ticket (a citizen's or an agent's), for those who may see the ticket. */
export async function attachment(ctx: TicketContext, principal: Principal, ticketId: string, attachmentId: string) {
  const ticket = await loadVisible(ctx, principal, ticketId);
  // Not lean: the hydrated document gives the bytes as a Buffer.
  const file = await attachmentsStore(ctx.models).withContent(attachmentId);
  if (!file || !file.content || String(file.ticketId) !== String(ticket._id)) throw new NotFound('attachment.not_found');
  return { filename: file.filename ?? 'piece-jointe', contentType: file.contentType ?? 'application/octet-stream', content: file.content };
}
