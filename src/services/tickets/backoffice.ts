// A ticket as a back-office system sees it (its state, never the citizen's words) and the status
// updates such a system sends to the citizen.
import { Types } from 'mongoose';
import type { InboundChannel } from '../../../channels/types.js';
import { Conflict, NotFound } from '../../domain/errors.js';
import { checklistView } from '../documents.js';
import { eventData, type TicketContext } from './context.js';
import { filesOf, replyChannels } from './reply.js';
import { setStatus } from './status.js';
import { t } from '../../i18n/catalogue.js';
import { replyVia } from '../../../channels/registry.js';

/** A ticket as a back-office system sees it: its state, not the conversation. */
export async function systemView(ctx: TicketContext, reference: string) {
  const ticket = await ctx.store.byReference(reference);
  if (!ticket) throw new NotFound('ticket.not_found');
  const [assignee, updates] = await Promise.all([ctx.agents.byId(ticket.assigneeId), ctx.messages.statusUpdates(ticket._id)]);
  return {
    // Never the citizen's words (a subject is the first line of an SMS, or an email's own Subject).
    reference: ticket.reference, status: ticket.status, category: ticket.category ?? null, channel: ticket.channel,
    openedAt: (ticket.openedAt ?? ticket.createdAt!).toISOString(), lastMessageAt: ticket.lastMessageAt.toISOString(),
    assignee: assignee ? { name: assignee.name } : null,
    documents: checklistView(ticket),
    satisfaction: ticket.satisfaction?.score ?? null,
    updates: updates.map((m) => ({ id: String(m._id), text: m.text, createdAt: (m.createdAt ?? m.receivedAt).toISOString(), channel: m.channel })),
  };
}

/**
 * A back-office system's status update ("Votre passeport est disponible en mairie"): sent to the
 * citizen on their channel and shown on the portal; `close` resolves the request.
 */
export async function systemUpdate(ctx: TicketContext, system: { keyId: string; name: string }, reference: string, input: { text: string; close?: boolean; attachments?: string[] }) {
  const ticket = await ctx.store.byReference(reference);
  if (!ticket) throw new NotFound('ticket.not_found');
  if (ticket.status === 'closed') throw new Conflict('ticket.closed');
  const attachments = await filesOf(ctx, ticket, input.attachments);
  const channels = await replyChannels(ctx, ticket);
  const last = replyVia(ticket.lastInboundChannel as InboundChannel);
  // Files go by email; otherwise the citizen's usual channel; with none, the portal alone shows it.
  const channel = (attachments.length && channels.has('email') ? 'email' : channels.has(last) ? last : [...channels.keys()][0]) as InboundChannel | undefined;
  let messageId: Types.ObjectId;
  if (channel && (!attachments.length || channel === 'email')) {
    const queued = await ctx.outbox.queue({ ticketId: ticket._id, channel, to: channels.get(channel)!, text: input.text, kind: 'status_update', subject: t('integration.update_subject', { reference: ticket.reference }), attachments });
    messageId = queued._id;
  } else {
    messageId = new Types.ObjectId();
    await ctx.messages.write({ _id: messageId, ticketId: ticket._id, citizenId: ticket.citizenId, direction: 'out', channel: 'portal', kind: 'status_update', externalId: `update:${String(messageId)}`, text: input.text, attachments, receivedAt: ctx.now() });
    ctx.events.emit('message.created', { ...(await eventData(ctx, ticket)), messageId: String(messageId), direction: 'out', channel: 'portal', preview: input.text.slice(0, 140) });
  }
  await ctx.messages.setFields(messageId, { fromName: system.name });
  await ctx.audit({ kind: 'system' }, 'ticket.system_update', { ticketId: ticket._id, citizenId: ticket.citizenId }, { apiKeyId: system.keyId, system: system.name, close: !!input.close });
  const changes = input.close ? await setStatus(ctx, { kind: 'system' }, ticket, 'resolved') : {};
  const fresh = (await ctx.store.byId(ticket._id))!;
  ctx.events.emit('ticket.updated', { ...(await eventData(ctx, fresh)), changes: { ...changes, lastUpdate: input.text.slice(0, 140) } });
  return { id: String(messageId), status: fresh.status, channel: channel && (!attachments.length || channel === 'email') ? channel : 'portal' };
}
