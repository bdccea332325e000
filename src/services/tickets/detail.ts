// A ticket opened by an agent: its thread (paged, newest last), its citizen with their identities,
// unverified chat claims and other requests, its checklist and rating; opening it marks it read.
import { Types } from 'mongoose';
import type { Principal } from '../tokens.js';
import { Invalid } from '../../domain/errors.js';
import { checklistView } from '../documents.js';
import { readVisible, type TicketContext } from './context.js';
import { slotLabel } from '../../domain/callbackSlots.js';
import { summaries } from './summaries.js';
import { chatSessions } from '../../store/repositories/chatSessions.js';
import { displayPhone } from '../../domain/identity.js';

export async function detail(ctx: TicketContext, principal: Principal, ticketId: string, page: { before?: string; limit: number }) {
  const { ticket, around } = await readVisible(ctx, principal, ticketId);
  if (page.before && !Types.ObjectId.isValid(page.before)) throw new Invalid('ticket.before_invalid');
  const [newestFirst, citizen, past] = await Promise.all([
    ctx.messages.page(ticket._id, page.before ? new Types.ObjectId(page.before) : null, page.limit + 1),
    ctx.citizens.read(ticket.citizenId),
    ctx.store.ofCitizen(ticket.citizenId, ticket._id),
  ]);
  // A citizen's chat sessions are their chat identities (they move together in a merge): none to read for the others.
  const sessions = citizen?.identities.some((i) => i.kind === 'chat') ? await chatSessions(ctx.models).claimsOf(ticket.citizenId) : [];
  const messages = newestFirst.slice(0, page.limit).reverse();
  // Authors and the recurring agent are usually among the agents already read.
  const names = around.names;
  const missing = [...new Set([...messages.map((m) => m.authorId), citizen?.recurringAgentId].filter(Boolean).map(String))].filter((id) => !names.has(id));
  for (const [id, name] of await ctx.agents.namesOf(missing)) names.set(id, name);
  const recurring = citizen?.recurringAgentId && names.has(String(citizen.recurringAgentId)) ? { _id: citizen.recurringAgentId, name: names.get(String(citizen.recurringAgentId))! } : null;
  // What a chat citizen typed: shown to agents as unverified, never a key to anyone's records.
  const known = new Set(citizen?.identities.map((i) => `${i.kind}:${i.value}`));
  const claims = [
    ...new Map(
      sessions
        .flatMap((s) => [s.claimedEmail ? { kind: 'email', value: s.claimedEmail } : null, s.claimedPhone ? { kind: 'phone', value: s.claimedPhone } : null])
        .filter((c): c is { kind: string; value: string } => !!c)
        .map((c) => [`${c.kind}:${c.value}`, { ...c, verified: known.has(`${c.kind}:${c.value}`) }]),
    ).values(),
  ];
  // The handler opening the thread has read it.
  if (ticket.unreadCount > 0 && around.handled.some((id) => String(id) === String(ticket.assigneeId))) {
    await ctx.store.markRead(ticket._id);
  }
  const [summary] = await summaries(ctx, [ticket], names, new Map([[String(ticket.citizenId), citizen?.name ?? null]]));
  return {
    ...summary!,
    previousTicketId: ticket.previousTicketId ? String(ticket.previousTicketId) : null,
    documents: checklistView(ticket),
    satisfaction: ticket.satisfaction ? { score: ticket.satisfaction.score, comment: ticket.satisfaction.comment ?? null, at: ticket.satisfaction.at.toISOString(), channel: ticket.satisfaction.channel } : null,
    citizen: {
      id: String(ticket.citizenId),
      name: citizen?.name ?? null,
      identities: citizen?.identities.map((i) => ({ kind: i.kind, value: i.value, display: i.kind === 'phone' ? displayPhone(i.value, ctx.settings.phoneRegion ?? 'FR') : i.value })) ?? [],
      unreachable: citizen?.unreachable ?? null,
      erasureRequest: citizen?.erasureRequest ? { at: citizen.erasureRequest.at.toISOString(), dueBy: citizen.erasureRequest.dueBy.toISOString() } : null,
      recurringAgent: recurring ? { id: String(recurring._id), name: recurring.name } : null,
      claims,
      tickets: past.map((t) => ({ id: String(t._id), reference: t.reference, status: t.status, subject: t.subject, createdAt: t.createdAt!.toISOString() })),
    },
    messages: messages.map((m) => ({
      id: String(m._id),
      ticketId: String(m.ticketId),
      direction: m.direction,
      channel: m.channel,
      kind: m.kind,
      text: m.text,
      html: m.html ?? undefined,
      subject: m.subject ?? undefined,
      attachments: m.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size, ref: a.ref })),
      createdAt: (m.createdAt ?? m.receivedAt).toISOString(),
      status: m.status ?? undefined,
      statusReason: m.statusReason ?? undefined,
      author: m.authorId ? { id: String(m.authorId), name: names.get(String(m.authorId)) ?? '' } : undefined,
      from: m.direction === 'in' ? { address: m.fromAddress, name: m.fromName } : undefined,
      call: m.call ? { state: m.call.state, recordingUrl: m.call.recordingUrl, durationSeconds: m.call.durationSeconds } : undefined,
      callback: m.callback ? { slot: m.callback.slot, label: slotLabel(m.callback.slot), phone: m.callback.phone, state: m.callback.state } : undefined,
      dial: m.dial ? { state: m.dial.state, durationSeconds: m.dial.durationSeconds ?? null } : undefined,
    })),
    hasEarlier: newestFirst.length > page.limit,
  };
}
