// The citizen's requests in their space: listed (open and past), each as the portal shows it, and what
// the portal lets them do there (write, send documents, ask for a call-back, rate), plus a new request,
// routed like any first message but always a thread of its own.
import { Types } from 'mongoose';
import { Forbidden, NotFound, RateLimited } from '../../domain/errors.js';
import type { TicketDoc } from '../../store/models/ticket.js';
import { agentsStore } from '../../store/repositories/agents.js';
import type { UploadedFile } from '../documents.js';
import type { CitizenSpaceContext, SpaceSession } from './context.js';

/** The session's citizen, or a refusal for a FranceConnect identity not linked yet. */
export function citizenOf(session: SpaceSession): string {
  if (!session.citizenId) throw new Forbidden('space.not_linked');
  return session.citizenId;
}

export async function list(ctx: CitizenSpaceContext, session: SpaceSession) {
  if (!session.citizenId) return [];
  const requests = await ctx.store.requestsOf(session.citizenId);
  const names = await agentsStore(ctx.models).namesOf(requests.map((r) => r.assigneeId));
  return requests.map((r) => {
    const running = r.sla && !r.sla.pausedAt ? r.sla.dueAt : null;
    return {
      reference: r.reference,
      status: r.status,
      subject: r.subject ?? '',
      category: r.category ?? null,
      channel: r.channel,
      openedAt: (r.openedAt ?? r.createdAt ?? r.lastMessageAt).toISOString(),
      lastMessageAt: r.lastMessageAt.toISOString(),
      dueAt: running && r.status !== 'closed' && r.status !== 'resolved' ? running.toISOString() : null,
      agentFirstName: r.assigneeId ? (names.get(String(r.assigneeId))?.split(/\s+/)[0] ?? null) : null,
    };
  });
}

/** One of the citizen's requests; another citizen's reference is "not found", as one that does not exist. */
export async function requestOf(ctx: CitizenSpaceContext, session: SpaceSession, reference: string): Promise<TicketDoc> {
  const ticket = /^[\w-]{3,40}$/.test(reference) ? await ctx.store.request(citizenOf(session), reference) : null;
  if (!ticket) throw new NotFound('space.request_not_found');
  return ticket;
}

export async function detail(ctx: CitizenSpaceContext, session: SpaceSession, reference: string) {
  return ctx.portal.viewOf(await requestOf(ctx, session, reference));
}

/** The request an action is about, counted against the session's limit before any body is read. */
export async function forAction(ctx: CitizenSpaceContext, session: SpaceSession, reference: string): Promise<TicketDoc> {
  const ticket = await requestOf(ctx, session, reference);
  if (!(await ctx.posts.take(session.id)).allowed) throw new RateLimited('portal.too_many_messages');
  return ticket;
}

/** A message (with documents or not) into one of their requests, as from the portal. */
export function write(ctx: CitizenSpaceContext, session: SpaceSession, ticket: TicketDoc, input: { text: string; clientId?: string; item?: string; files?: UploadedFile[] }) {
  return ctx.portal.write(ticket, input, `space-${session.id}`);
}

/** A new request: routed like any first message (the chosen category's rule, else the keywords), never joined to an open one. */
export async function open(ctx: CitizenSpaceContext, session: SpaceSession, input: { text: string; category?: string; clientId?: string }) {
  const citizenId = citizenOf(session);
  if (!(await ctx.posts.take(session.id)).allowed) throw new RateLimited('portal.too_many_messages');
  const categories = input.category ? await ctx.automation.categories() : [];
  const result = await ctx.ingestInbound({
    channel: 'portal',
    externalId: `space-${session.id}:${input.clientId ?? new Types.ObjectId().toHexString()}`,
    from: { address: 'portal' },
    citizenId,
    text: input.text.trim(),
    threadHints: { newRequest: categories.includes(input.category ?? '') ? { category: input.category } : {} },
    attachments: [],
    receivedAt: ctx.now(),
  });
  return { reference: result.reference, status: 'new' as const };
}
