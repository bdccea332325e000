// An agent's reply on any of the citizen's channels (or a canned answer, with its pieces to provide):
// queued in the outbox, then the ticket is answered (nothing due, nothing unread, first answer dated).
import type { InboundChannel } from '../../../channels/types.js';
import type { Principal } from '../tokens.js';
import type { TicketDoc } from '../../store/models/ticket.js';
import { Conflict, Invalid, NotFound } from '../../domain/errors.js';
import { attachmentRef } from '../../store/models/mailbox.js';
import { attachmentsStore } from '../../store/repositories/attachments.js';
import { cannedAnswersStore } from '../../store/repositories/cannedAnswers.js';
import { citizensStore } from '../../store/repositories/citizens.js';
import { messagesStore } from '../../store/repositories/messages.js';
import { eventData, loadVisible, type TicketContext } from './context.js';
import { renderCanned } from '../../domain/templates.js';
import { CHANNEL_NAMES, replyVia } from '../../../channels/registry.js';

/**
 * Where a reply can go, per channel: the address the citizen last wrote from on this ticket, else
 * on any of their requests (read only when they have several addresses of that kind), else their one
 * address of that kind. `optedOut`: the numbers that sent STOP, from the same read.
 */
export async function replyChannels(ctx: Pick<TicketContext, 'models' | 'outbox'>, ticket: TicketDoc): Promise<Map<InboundChannel, string> & { optedOut: Set<string> }> {
  const identities = await citizensStore(ctx.models).identitiesOf(ticket.citizenId);
  let lastIn: Promise<{ channel: string; fromAddress?: string | null }[]> | undefined;
  const recentIn = () => (lastIn ??= messagesStore(ctx.models).recentInbound(ticket.citizenId));
  const result = Object.assign(new Map<InboundChannel, string>(), { optedOut: new Set(identities.filter((i) => i.smsOptOutAt).map((i) => i.value)) });
  const prefer = async (channel: 'sms' | 'email' | 'chat', kinds: string[]) => {
    if (!ctx.outbox.adapterFor(channel)) return;
    const ofKind = identities.filter((i) => i.kind === (channel === 'sms' ? 'phone' : channel));
    const onTicket = ticket.lastFrom?.[channel];
    const recent = onTicket ? null : ofKind.length > 1 ? (await recentIn()).find((m) => kinds.includes(m.channel) && m.fromAddress) : null;
    const address = onTicket ?? recent?.fromAddress ?? ofKind.find((i) => channel !== 'sms' || !i.smsOptOutAt)?.value;
    if (address) result.set(channel, address);
  };
  // Each reply channel, with the channels answered on it (a call by SMS).
  for (const channel of ['sms', 'email', 'chat'] as const) await prefer(channel, CHANNEL_NAMES.filter((c) => replyVia(c) === channel));
  return result;
}

/** Files already stored with this ticket, as a message carries them; an id not of this ticket is refused. */
export async function filesOf(ctx: TicketContext, ticket: TicketDoc, attachmentIds: string[] | undefined) {
  const ids = [...new Set(attachmentIds ?? [])];
  if (ids.length === 0) return [];
  const files = await attachmentsStore(ctx.models).describedOf(ticket._id, ids);
  if (files.length !== ids.length) throw new Invalid('attachment.not_added');
  return files.map((f) => ({ filename: f.filename ?? undefined, contentType: f.contentType ?? 'application/octet-stream', size: f.size ?? 0, ref: attachmentRef(f._id) }));
}

export async function renderCannedFor(ctx: TicketContext, principal: Principal, cannedAnswerId: string, ticket: TicketDoc): Promise<string> {
  const answer = await cannedAnswersStore(ctx.models).byId(cannedAnswerId);
  const me = await ctx.agents.byId(principal.agentId);
  const othersPersonal = answer?.ownerId && String(answer.ownerId) !== principal.agentId;
  if (!answer || othersPersonal || (answer.teamId && principal.role === 'agent' && String(answer.teamId) !== String(me?.teamId))) throw new NotFound('canned.not_found');
  const citizenName = await ctx.citizens.nameOf(ticket.citizenId);
  return renderCanned(answer.body, {
    'citizen.firstName': citizenName?.split(/\s+/)[0] ?? null,
    'citizen.name': citizenName,
    'ticket.reference': ticket.reference,
    'agent.firstName': me?.name.split(/\s+/)[0] ?? null,
    'agent.name': me?.name ?? null,
    // The link itself is made when the reply is sent (outbox), never on reading a template.
    'portal.link': ctx.portal.redactedLink(),
  });
}

export async function reply(ctx: TicketContext, principal: Principal, ticketId: string, input: { text?: string; channel?: InboundChannel; cannedAnswerId?: string; attachments?: string[] }) {
  const ticket = await loadVisible(ctx, principal, ticketId);
  if (ticket.status === 'closed') throw new Conflict('ticket.closed');
  const attachments = await filesOf(ctx, ticket, input.attachments);
  let text = input.text?.trim() ?? '';
  // A canned answer: its text unless the agent's edited copy comes with it, and its pieces to provide.
  if (input.cannedAnswerId) {
    const rendered = await renderCannedFor(ctx, principal, input.cannedAnswerId, ticket);
    if (!text) text = rendered;
  }
  if (!text) throw new Invalid('reply.empty');
  const channels = await replyChannels(ctx, ticket);
  // A portal message is answered on the portal itself and on the citizen's usual channel.
  const last = replyVia(ticket.lastInboundChannel as InboundChannel);
  const defaultChannel = (last === 'portal' ? ([...channels.keys()][0] ?? 'portal') : last) as InboundChannel;
  const channel = input.channel ?? defaultChannel;
  const to = channels.get(replyVia(channel));
  if (!to) {
    const available = [...channels.keys()];
    throw available.length ? new Invalid('reply.channel_unavailable_use', { channel, available: available.join(' / ') }) : new Invalid('reply.channel_unavailable', { channel });
  }
  const pieces = input.cannedAnswerId ? ((await cannedAnswersStore(ctx.models).byId(input.cannedAnswerId))?.documents ?? []) : [];
  // The ticket is dated by the write below.
  const message = await ctx.outbox.queue({
    ticketId: ticket._id, ticket, ticketDatedByCaller: true, smsOptedOut: channels.optedOut.has(to), channel, to, text, authorId: principal.agentId, kind: 'message',
    subject: ticket.subject ? `Re: ${ticket.subject}` : undefined, attachments,
  });
  if (pieces.length) await ctx.documents.addToChecklist(ticket._id, pieces);
  // Answered: nothing is due until the citizen writes again, nothing is unread; the first answer is
  // dated once; a new request becomes open. One compare-and-set on what was read, or read again.
  const at = ctx.now();
  const changes: Record<string, unknown> = {};
  let fresh: TicketDoc | null = null;
  for (let state: TicketDoc | null = ticket, attempt = 0; state && !fresh && attempt < 8; attempt++) {
    const set: Record<string, unknown> = { sla: null, nextResponseDueAt: null, unreadCount: 0 };
    if (!state.firstRespondedAt) set.firstRespondedAt = at;
    if (state.status === 'new') Object.assign(set, { status: 'open', resolvedAt: null });
    fresh = await ctx.store.answered(state, set, message.receivedAt);
    if (fresh) {
      if (set.firstRespondedAt) changes.firstRespondedAt = at.toISOString();
      if (set.status) {
        changes.status = 'open';
        await ctx.audit({ kind: 'agent', id: principal.agentId }, 'ticket.status.changed', { ticketId: ticket._id, citizenId: ticket.citizenId }, { from: 'new', to: 'open' });
      }
    } else state = await ctx.store.byId(ticket._id);
  }
  if (fresh && Object.keys(changes).length) ctx.events.emit('ticket.updated', { ...(await eventData(ctx, fresh)), changes: { ...changes, byAgentId: principal.agentId } });
  return message;
}
