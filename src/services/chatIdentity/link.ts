// The chat's citizen takes the confirmed address: theirs alone, or merged into the citizen who already
// has it, and the chat's thread joins that citizen's open request.
import { Types } from 'mongoose';
import { Conflict, Invalid } from '../../domain/errors.js';
import { identityKey, type Identity } from '../../domain/identity.js';
import { type ChatSessionDoc } from '../../store/models/chatSession.js';
import { ticketEventData } from '../ticketEvents.js';
import { type ChatIdentityContext } from './context.js';

/** The chat's citizen takes the address: theirs alone, or merged into the citizen who already has it. */
export async function link(ctx: ChatIdentityContext, session: ChatSessionDoc, identity: Identity): Promise<{ citizenId: Types.ObjectId; ticketId: Types.ObjectId | null }> {
  const chatCitizenId = session.citizenId!;
  const actor = { kind: 'citizen' as const, id: identityKey(identity) };
  try {
    // Nobody has the address yet (or the chat's citizen already does): it becomes theirs.
    await ctx.citizens.addIdentity(actor, String(chatCitizenId), identity.kind, identity.value);
    return { citizenId: chatCitizenId, ticketId: session.ticketId ?? null };
  } catch (err) {
    if (!(err instanceof Conflict)) throw err;
  }
  // Someone already writes from this address: the chat is theirs. Their record is kept, the chat's merged in.
  const ownerId = (await ctx.senders.identity(identity))!.citizenId;
  await ctx.citizens.merge(actor, String(ownerId), String(chatCitizenId));
  const owner = (await ctx.senders.citizen(ownerId))!;
  let ticketId = session.ticketId ?? null;
  const open = owner.openTicketId && ticketId && String(owner.openTicketId) !== String(ticketId) ? await ctx.threads.ticket(owner.openTicketId) : null;
  if (open && ticketId) {
    await joinThread(ctx, ticketId, open._id);
    ticketId = open._id;
  }
  if (owner.recurringAgentId) await ctx.citizens.setRecurringAgent(actor, String(ownerId), String(owner.recurringAgentId), 'chat identity verified');
  return { citizenId: ownerId, ticketId };
}

/** The chat's ticket joins the citizen's open request: its messages move there, it is closed as merged. */
export async function joinThread(ctx: ChatIdentityContext, fromId: Types.ObjectId, intoId: Types.ObjectId) {
  const { from, into } = await ctx.threads.join(fromId, intoId, ctx.now());
  if (!from) return;
  await ctx.audit({ kind: 'system' }, 'ticket.merged', { ticketId: intoId }, { mergedTicketId: String(fromId), reference: from.reference });
  if (into) ctx.events.emit('ticket.updated', { ...(await ticketEventData(ctx.models, into)), changes: { merged: from.reference } });
}

/** Another tab confirmed the same code a moment before: its link is this one's answer. */
export async function linkedByAnother(ctx: ChatIdentityContext, session: ChatSessionDoc, identity: Identity): Promise<{ linked: true; reference: string }> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const fresh = await ctx.sessions.byId(session._id);
    if (fresh?.verified?.some((v) => v.kind === identity.kind && v.value === identity.value)) {
      session.citizenId = fresh.citizenId;
      session.ticketId = fresh.ticketId;
      return { linked: true, reference: fresh.ticketId ? await referenceOf(ctx, fresh.ticketId) : '' };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Invalid('chat.code_none');
}

export async function referenceOf(ctx: ChatIdentityContext, ticketId: Types.ObjectId): Promise<string> {
  return (await ctx.threads.ticket(ticketId))?.reference ?? '';
}
