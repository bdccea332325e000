// Announce: after the message is stored, its effect on the ticket (unless it just created it, announced
// by it), the acknowledgement of a new ticket, the domain events; then the message counts as processed.
// A message a crash left half-processed ('finishing') is completed by its sender's retry or the sweeper.
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { TicketEventData } from '../../domain/events.js';
import type { MessageDoc } from '../../store/models/message.js';
import type { TicketDoc } from '../../store/models/ticket.js';
import { chatFollows } from '../ticketEvents.js';
import { FINISHING_STALE_MS, type IngestContext, type IngestResult, type Known, type Routing } from './context.js';
import { routingOf } from './route.js';
import { applyToTicket } from './store.js';

export async function finish(ctx: IngestContext, message: MessageDoc, ticket: TicketDoc, log: Logger, known: Known = {}): Promise<IngestResult> {
  // Who answers today is read while the ticket is written (read again if the ticket changed hands).
  const [{ current, isNewTicket }, early] = await Promise.all([known.created ? { current: ticket, isNewTicket: true } : applyToTicket(ctx, ticket, message), routingOf(ctx, ticket)]);
  const routing = await sameHands(ctx, ticket, current, early);
  if (isNewTicket && ctx.acknowledge) await ctx.acknowledge(current, message, { citizenName: known.citizenName, smsOptedOut: known.smsOptedOut });
  // Stored: pushed now; then marked processed (a crash before that completes it again, see recoverInterrupted).
  publish(ctx, message, current, isNewTicket, routing);
  await Promise.all([ctx.messages.processed(message._id), ctx.storedLate?.(message.receivedAt)]);
  log.info({ messageId: String(message._id), isNewTicket }, 'inbound message stored');
  return result(message._id, current, isNewTicket, false, routing);
}

/** A follow-up on a ticket announced by another message, the ticket written first: what is left is to push it. */
export async function announceFollowUp(ctx: IngestContext, message: MessageDoc, before: TicketDoc, current: TicketDoc, early: Routing, log: Logger): Promise<IngestResult> {
  const routing = await sameHands(ctx, before, current, early);
  publish(ctx, message, current, false, routing);
  await ctx.storedLate?.(message.receivedAt);
  log.info({ messageId: String(message._id), isNewTicket: false }, 'inbound message stored');
  return result(message._id, current, false, false, routing);
}

/** A retry: stored once already. Completes the work a crash interrupted (stale 'finishing'), then reports. */
export async function finishDuplicate(ctx: IngestContext, message: MessageDoc, log: Logger): Promise<IngestResult> {
  const ticket = await ctx.threads.ticket(message.ticketId);
  if (!ticket) throw new Error(`message ${String(message._id)} refers to a missing ticket`);
  if (message.stage === 'finishing' && (await claimInterrupted(ctx, message._id))) {
    log.warn('completing a message whose processing was interrupted');
    return { ...(await finish(ctx, message, ticket, log)), duplicate: true };
  }
  return result(message._id, ticket, false, true, await routingOf(ctx, ticket));
}

/** Completes every message a dead process left half-processed; run at start and by the sweeper. */
export async function recoverInterrupted(ctx: IngestContext): Promise<number> {
  const staleBefore = new Date(ctx.now().getTime() - FINISHING_STALE_MS);
  const stuck = await ctx.messages.stuck(staleBefore);
  let recovered = 0;
  for (const message of stuck) {
    const ticket = await ctx.threads.ticket(message.ticketId);
    if (!ticket || !(await claimInterrupted(ctx, message._id))) continue;
    await finish(ctx, message, ticket, ctx.log.child({ channel: message.channel, externalId: message.externalId, ticketId: String(ticket._id) }));
    recovered++;
  }
  return recovered;
}

/** Takes over a message left 'finishing' longer than FINISHING_STALE_MS (its process died). */
async function claimInterrupted(ctx: IngestContext, messageId: Types.ObjectId): Promise<boolean> {
  const staleBefore = new Date(ctx.now().getTime() - FINISHING_STALE_MS);
  return ctx.messages.claimInterrupted(messageId, staleBefore, ctx.now());
}

/** The routing read before the write, unless the ticket changed hands meanwhile. */
async function sameHands(ctx: IngestContext, before: TicketDoc, current: TicketDoc, early: Routing): Promise<Routing> {
  return String(current.assigneeId ?? '') === String(before.assigneeId ?? '') ? early : routingOf(ctx, current);
}

/** The events of a message stored (and of its ticket, when the message opened it). */
function publish(ctx: IngestContext, message: MessageDoc, ticket: TicketDoc, isNewTicket: boolean, routing: Routing) {
  const data = eventData(ticket, routing);
  if (isNewTicket) ctx.events.emit('ticket.created', { ...data, channel: ticket.channel });
  ctx.events.emit('message.created', { ...data, messageId: String(message._id), direction: 'in', channel: message.channel as 'sms', preview: message.text.slice(0, 140) });
}

function eventData(ticket: TicketDoc, routing: Routing): TicketEventData {
  return {
    ticketId: String(ticket._id),
    reference: ticket.reference,
    citizenId: String(ticket.citizenId),
    teamId: ticket.teamId ? String(ticket.teamId) : null,
    assigneeId: routing.recurringAgentId,
    agentIds: [...new Set([routing.recurringAgentId, routing.handlingAgentId].filter((id): id is string => !!id))],
    status: ticket.status,
    chat: chatFollows(ticket),
  };
}

function result(messageId: Types.ObjectId, ticket: TicketDoc, isNewTicket: boolean, duplicate: boolean, routing: Routing): IngestResult {
  return { messageId: String(messageId), ticketId: String(ticket._id), reference: ticket.reference, citizenId: String(ticket.citizenId), isNewTicket, duplicate, ...routing };
}
