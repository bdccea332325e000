// Store: the message as it is kept (unique on channel and externalId: a concurrent delivery that won
// gives its own), and its effect on the ticket, one compare-and-set on the state it was decided from.
import type { Types } from 'mongoose';
import type { InboundMessage } from '../../../channels/types.js';
import type { MessageDoc } from '../../store/models/message.js';
import type { TicketDoc } from '../../store/models/ticket.js';
import type { SlaPolicy } from '../sla.js';
import { MAX_ATTEMPTS, type IngestContext } from './context.js';
import { unreachableName } from './identify.js';
import type { Placed } from './place.js';
import { replyVia, type ChannelName } from '../../../channels/registry.js';

export function messageFields(inbound: InboundMessage, placed: Placed, messageId: Types.ObjectId) {
  return {
    _id: messageId,
    ticketId: placed.ticket._id,
    citizenId: placed.citizen._id,
    direction: 'in' as const,
    channel: inbound.channel,
    externalId: inbound.externalId,
    fromAddress: placed.identity?.value ?? null,
    fromName: inbound.from.name ?? (placed.unreachable ? unreachableName(placed.unreachable) : null),
    subject: inbound.subject ?? null,
    text: inbound.text,
    html: inbound.html ?? null,
    quotedText: inbound.quoted?.slice(0, 100_000) ?? null,
    attachments: inbound.attachments,
    threadKeys: { messageId: inbound.threadHints.messageId ?? null, inReplyTo: inbound.threadHints.inReplyTo ?? null, references: inbound.threadHints.references ?? [] },
    receivedAt: inbound.receivedAt,
  };
}
export type MessageFields = ReturnType<typeof messageFields>;

/** Stores the message; or, when a concurrent delivery of it won the unique index, that one. */
export function storeMessage(ctx: IngestContext, fields: MessageFields, stage: 'finishing' | 'processed'): Promise<{ message: MessageDoc; stored: boolean }> {
  return ctx.messages.store(fields, stage, ctx.now());
}

/**
 * What a citizen's message does to its ticket, as one compare-and-set on the state it was decided
 * from (read again only when another write came first):
 * - among concurrent first messages, whichever is stored first announces the ticket, exactly once;
 *   after a crash the same message announces it again (the acknowledgement is idempotent), and
 *   `announcedBy` never changes once set;
 * - a paused or resolved ticket goes back to the agent's work ('new' stays new), its paused deadline resumes;
 * - a ticket answered before starts its next deadline (while nothing else is due);
 * - the latest times, the channel, the unread count move.
 */
export async function applyToTicket(ctx: IngestContext, ticket: TicketDoc, message: Pick<MessageDoc, '_id' | 'receivedAt' | 'channel' | 'fromAddress'>): Promise<{ current: TicketDoc; isNewTicket: boolean }> {
  let state: TicketDoc | null = ticket;
  for (let attempt = 0; state && attempt < 4 * MAX_ATTEMPTS; attempt++) {
    const { filter, set, announces } = ticketChange(ctx, state, message);
    const updated = await ctx.threads.applyMessage(filter, set, message);
    if (updated) return { current: updated, isNewTicket: announces || String(state.announcedBy) === String(message._id) };
    state = await ctx.threads.ticket(ticket._id);
  }
  throw new Error(`could not apply message ${String(message._id)} to ticket ${String(ticket._id)}: it kept changing`);
}

/** The compare-and-set of one try: the state it was decided from, and what the message sets. */
function ticketChange(ctx: IngestContext, state: TicketDoc, message: Pick<MessageDoc, '_id' | 'receivedAt' | 'channel' | 'fromAddress'>) {
  let sla = (state.toObject() as { sla: Parameters<SlaPolicy['resume']>[0] | null }).sla;
  const filter: Record<string, unknown> = {
    _id: state._id,
    status: state.status,
    sla: sla ? { $ne: null } : null,
    'sla.pausedAt': sla?.pausedAt ?? null,
    firstRespondedAt: state.firstRespondedAt ? { $ne: null } : null,
  };
  const set: Record<string, unknown> = { lastInboundChannel: message.channel, ...lastFrom(message) };
  const announces = !state.announcedBy;
  if (announces) {
    filter.announcedBy = null;
    Object.assign(set, { announcedAt: ctx.now(), announcedBy: message._id });
  }
  if (state.status === 'pending' || state.status === 'resolved') {
    Object.assign(set, { status: 'open', resolvedAt: null, pendingSince: null });
    if (sla?.pausedAt) set.sla = sla = ctx.sla.resume(sla, message.receivedAt);
  }
  if (state.firstRespondedAt && !sla) {
    const next = ctx.sla.next(message.receivedAt);
    Object.assign(set, { sla: next, nextResponseDueAt: next.dueAt });
  }
  return { filter, set, announces };
}

/** Where a reply on the message's channel goes: the address it came from (a call is answered by SMS). */
function lastFrom(message: Pick<MessageDoc, 'channel' | 'fromAddress'>): Record<string, string> {
  const channel = replyVia(message.channel as ChannelName);
  return message.fromAddress && channel !== 'portal' ? { [`lastFrom.${channel}`]: message.fromAddress } : {};
}
