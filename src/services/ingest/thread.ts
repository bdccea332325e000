// Thread: which ticket a message belongs to. An explicit reference first (the chat's or portal's ticket,
// email headers naming a message we sent, a reference in the subject), then the citizen's open ticket,
// then one resolved within the reopen window; otherwise a new ticket, whose slot on the citizen is
// claimed by compare-and-set so that concurrent first messages open one ticket.
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { InboundMessage } from '../../../channels/types.js';
import { findReference, formatReference, referenceCounterName } from '../../domain/reference.js';
import { oneLine } from '../../domain/text.js';
import { chooseThread, type TicketForThreading } from '../../domain/threading.js';
import { nextSequence } from '../../store/index.js';
import type { CitizenDoc } from '../../store/models/citizen.js';
import type { TicketDoc } from '../../store/models/ticket.js';
import { SYSTEM, type Audit } from '../audit.js';
import { MAX_ATTEMPTS, waitFor, type Classify, type IngestContext, type Rule } from './context.js';
import { replyVia } from '../../../channels/registry.js';

/** What the message that opens a ticket brings to it. */
export type Opening = { messageId: Types.ObjectId; fromAddress: string | null; previousTicketId?: string; rule?: Rule; audits?: Parameters<Audit['all']>[0] };

/** The ticket of the message, existing (reopened when the rule says so) or created now. */
export async function resolveTicket(ctx: IngestContext, citizen: CitizenDoc, inbound: InboundMessage, message: Opening, log: Logger, classify: Classify): Promise<{ ticket: TicketDoc; created: boolean }> {
  const { threads } = ctx;
  const referenced = await referencedTicket(ctx, inbound);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const fresh = attempt === 0 ? citizen : (await threads.citizen(citizen._id))!;
    const expectedOpenId = fresh.openTicketId ?? null;
    // A ticket another delivery is creating right now is waited for briefly.
    const open = expectedOpenId ? await waitFor(() => threads.ticket(expectedOpenId).exec()) : null;
    // Usually the open ticket is the last one too: read once.
    const last = !fresh.lastTicketId ? null : open && String(open._id) === String(fresh.lastTicketId) ? open : await threads.ticket(fresh.lastTicketId);
    const choice = chooseThread({
      citizenId: String(fresh._id),
      referenced: referenced && forThreading(referenced),
      open: open && forThreading(open),
      last: last && forThreading(last),
      now: ctx.now(),
      reopenWindowDays: ctx.rules.reopenWindowDays,
      newRequest: !!inbound.threadHints.newRequest,
    });
    if (choice.kind === 'existing') {
      const ticket = [referenced, open, last].find((t) => t && String(t._id) === choice.ticketId)!;
      if (choice.reopen) await reopen(ctx, ticket, fresh, log);
      return { ticket, created: false };
    }
    // Claim the citizen's open-ticket slot first; only the winner creates the ticket.
    const newId = new Types.ObjectId();
    const claimed = await threads.claimOpenSlot(fresh._id, expectedOpenId, newId);
    if (!claimed) continue;
    const ticket = await createTicket(ctx, newId, claimed, inbound, { ...message, previousTicketId: choice.previousTicketId, rule: await classify() });
    log.info({ ticketId: String(ticket._id), reference: ticket.reference }, 'ticket created');
    return { ticket, created: true };
  }
  throw new Error(`could not settle the thread of citizen ${String(citizen._id)} after ${MAX_ATTEMPTS} attempts`);
}

/** The ticket the message names: by id (chat, portal), by the email headers of a message we sent, by a reference in the subject. */
async function referencedTicket(ctx: IngestContext, inbound: InboundMessage): Promise<TicketDoc | null> {
  const { threads } = ctx;
  const hints = inbound.threadHints;
  if (hints.ticketId && Types.ObjectId.isValid(hints.ticketId)) {
    const byId = await threads.ticket(hints.ticketId);
    // A ticket merged into another (a chat joined to its citizen's request): the message goes there.
    if (byId?.mergedIntoId) return (await threads.ticket(byId.mergedIntoId)) ?? byId;
    if (byId) return byId;
  }
  const keys = [hints.inReplyTo, ...(hints.references ?? [])].filter((k): k is string => !!k);
  if (keys.length > 0) {
    const ticket = await threads.byMessageIds(keys);
    if (ticket) return ticket;
  }
  const reference = hints.ticketRef ?? findReference(inbound.subject);
  return reference ? threads.byReference(reference) : null;
}

async function reopen(ctx: IngestContext, ticket: TicketDoc, citizen: CitizenDoc, log: Logger) {
  if (!(await ctx.threads.reopen(ticket._id, citizen._id))) return;
  await ctx.audit(SYSTEM, 'ticket.reopened', { ticketId: ticket._id, citizenId: citizen._id }, { reason: 'citizen wrote within the reopen window' });
  log.info({ ticketId: String(ticket._id) }, 'ticket reopened');
}

/**
 * A new ticket, announced by the message that opens it (its effect on the ticket written with it);
 * `audits`: events of the same step, written with the ticket's.
 */
export async function createTicket(ctx: IngestContext, id: Types.ObjectId, citizen: CitizenDoc, inbound: InboundMessage, opening: Opening): Promise<TicketDoc> {
  const { rule, previousTicketId } = opening;
  const replyChannel = replyVia(inbound.channel);
  const year = inbound.receivedAt.getUTCFullYear();
  const reference = formatReference(year, await nextSequence(ctx.models, referenceCounterName(year)));
  const firstDeadline = ctx.sla.first(inbound.receivedAt);
  const ticket = await ctx.threads.create({
    _id: id,
    reference,
    citizenId: citizen._id,
    teamId: (rule?.teamId ? new Types.ObjectId(rule.teamId) : null) ?? citizen.teamId ?? null,
    category: rule?.category ?? null,
    assigneeId: citizen.recurringAgentId ?? null,
    status: 'new',
    channel: inbound.channel,
    lastInboundChannel: inbound.channel,
    subject: subjectOf(inbound),
    openedAt: inbound.receivedAt,
    lastMessageAt: inbound.receivedAt,
    lastInboundAt: inbound.receivedAt,
    lastFrom: opening.fromAddress && replyChannel !== 'portal' ? { [replyChannel]: opening.fromAddress } : {},
    unreadCount: 1,
    channels: [inbound.channel],
    announcedAt: ctx.now(),
    announcedBy: opening.messageId,
    firstResponseDueAt: firstDeadline.dueAt,
    sla: firstDeadline,
    previousTicketId: previousTicketId ? new Types.ObjectId(previousTicketId) : null,
  });
  await ctx.audit.all([
    ...(opening.audits ?? []),
    [SYSTEM, 'ticket.created', { ticketId: id, citizenId: citizen._id, agentId: citizen.recurringAgentId }, { reference, channel: inbound.channel, previousTicketId: previousTicketId ?? null }],
  ]);
  return ticket;
}

function forThreading(ticket: TicketDoc): TicketForThreading {
  return { id: String(ticket._id), citizenId: String(ticket.citizenId), status: ticket.status, resolvedAt: ticket.resolvedAt };
}

/** The ticket's subject: the email's own, or the first line of the text, 120 characters at most. */
function subjectOf(inbound: InboundMessage): string {
  return inbound.subject?.trim() ? subjectFromText(inbound.subject) : subjectFromText(inbound.text);
}

/** A subject made of a text: its first line, 120 characters at most. */
export function subjectFromText(text: string): string {
  const subject = oneLine(text.trim().split('\n')[0], 300) || '';
  return subject.length > 120 ? `${subject.slice(0, 117)}...` : subject;
}
