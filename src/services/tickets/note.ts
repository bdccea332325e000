// An internal note: for agents only, never sent to the citizen.
import { Types } from 'mongoose';
import type { Principal } from '../tokens.js';
import { eventData, loadVisible, type TicketContext } from './context.js';

export async function note(ctx: TicketContext, principal: Principal, ticketId: string, text: string) {
  const ticket = await loadVisible(ctx, principal, ticketId);
  const id = new Types.ObjectId();
  const at = ctx.now();
  const note = await ctx.messages.write({
    _id: id,
    ticketId: ticket._id,
    citizenId: ticket.citizenId,
    direction: 'note',
    channel: ticket.lastInboundChannel,
    externalId: `note:${String(id)}`,
    text: text.trim(),
    authorId: new Types.ObjectId(principal.agentId),
    receivedAt: at,
  });
  ctx.events.emit('message.created', { ...(await eventData(ctx, ticket)), messageId: String(id), direction: 'note', channel: ticket.lastInboundChannel, preview: note.text.slice(0, 140), byAgentId: principal.agentId });
  return note;
}
