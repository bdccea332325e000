// Automation's messages to the citizen (reminders, closing), on their usual channel, once per key.
import type { InboundChannel } from '../../../channels/types.js';
import { NotFound } from '../../domain/errors.js';
import { idOf, type TicketContext } from './context.js';
import { replyChannels } from './reply.js';
import { replyVia } from '../../../channels/registry.js';

/** Automation: a message to the citizen on their usual channel, once per idempotency key. */
export async function sendAutomatic(ctx: TicketContext, ticketId: string, text: string, kind: 'reminder' | 'closing', externalId: string) {
  const ticket = await ctx.store.byId(idOf(ticketId));
  if (!ticket) throw new NotFound('ticket.not_found');
  const channels = await replyChannels(ctx, ticket);
  const last = replyVia(ticket.lastInboundChannel as InboundChannel);
  const channel = channels.has(last) ? last : [...channels.keys()][0];
  if (!channel) return null;
  return ctx.outbox.queue({ ticketId: ticket._id, channel, to: channels.get(channel)!, text, kind, externalId, subject: ticket.subject ? `Re: ${ticket.subject}` : undefined });
}
