// The one inbound path for every channel, as its steps: receive → reserve the key → identify, route and
// thread (place) → store → announce. Every step is a single-document atomic operation guarded by a
// unique index or a compare-and-set, so concurrent deliveries of one message, or first messages of one
// citizen, converge on one record.
import type { InboundMessage } from '../../../channels/types.js';
import { oneLine } from '../../domain/text.js';
import type { IngestContext, IngestDeps, IngestResult } from './context.js';
import { messageKeys } from '../../store/repositories/messageKeys.js';
import { senders } from '../../store/repositories/senders.js';
import { threads } from '../../store/repositories/threads.js';
import { inboundMessages } from '../../store/repositories/inboundMessages.js';
import { announceFollowUp, finish, finishDuplicate, recoverInterrupted } from './announce.js';
import { readIdentity, senderOf } from './identify.js';
import { place } from './place.js';
import { releaseKey, reserveKey } from './reserveKey.js';
import { createRoutingState, routingOf } from './route.js';
import { applyToTicket, messageFields, storeMessage } from './store.js';

export type { IngestDeps, IngestResult } from './context.js';
export { FINISHING_STALE_MS } from './context.js';

export function createIngestInbound(deps: IngestDeps) {
  const ctx: IngestContext = { ...deps, routing: createRoutingState(deps), keys: messageKeys(deps.models), senders: senders(deps.models), threads: threads(deps.models), messages: inboundMessages(deps.models) };

  async function ingestInbound(received: InboundMessage): Promise<IngestResult> {
    const inbound = receive(received);
    const log = ctx.log.child({ channel: inbound.channel, externalId: inbound.externalId });
    // The sender's identity is read while the key is reserved (of use only if the key is ours).
    const sender = senderOf(ctx, inbound);
    const known = readIdentity(ctx, sender);
    const reservation = await reserveKey(ctx, inbound);
    if (reservation.stored) return finishDuplicate(ctx, reservation.stored, log);
    const placed = await place(ctx, inbound, sender, known, reservation.messageId, log).catch(async (err: unknown) => {
      await releaseKey(ctx, reservation);
      throw err;
    });
    const fields = messageFields(inbound, placed, reservation.messageId);
    const { ticket } = placed;
    const ticketLog = log.child({ ticketId: String(ticket._id) });

    // A follow-up on a ticket already announced (by another message): once stored, nothing is left to do
    // but push it. So the ticket is written first and the message stored as processed, with no second
    // write to it; a crash in between leaves the sender unanswered, and its retry applies the message again.
    if (ticket.announcedBy && String(ticket.announcedBy) !== String(reservation.messageId)) {
      const [{ current }, early] = await Promise.all([applyToTicket(ctx, ticket, fields), routingOf(ctx, ticket)]);
      const { message, stored } = await storeMessage(ctx, fields, 'processed');
      return stored ? announceFollowUp(ctx, message, ticket, current, early, ticketLog) : finishDuplicate(ctx, message, log);
    }
    // Otherwise the message is stored first ('finishing'): what follows (the announcement, its
    // acknowledgement) is completed after a crash by recoverInterrupted.
    const { message, stored } = await storeMessage(ctx, fields, 'finishing');
    return stored ? finish(ctx, message, ticket, ticketLog, { created: placed.created, citizenName: placed.citizen.name ?? null, smsOptedOut: placed.smsOptedOut }) : finishDuplicate(ctx, message, log);
  }

  return Object.assign(ingestInbound, { recoverInterrupted: () => recoverInterrupted(ctx) });
}
export type IngestInbound = ReturnType<typeof createIngestInbound>;

/** Names and subjects end up in headers and greetings: one line, no control characters. */
function receive(received: InboundMessage): InboundMessage {
  return { ...received, from: { ...received.from, name: oneLine(received.from.name, 120) }, subject: oneLine(received.subject, 300) };
}
