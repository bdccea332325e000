// The code typed back: checked by deriving it again (10 minutes, 5 tries), then the chat is linked.
import { timingSafeEqual } from 'node:crypto';
import { Invalid, RateLimited } from '../../domain/errors.js';
import { type Identity } from '../../domain/identity.js';
import { type ChatSessionDoc } from '../../store/models/chatSession.js';
import { type ChatIdentityContext, CODE_TTL_MS, MAX_TRIES } from './context.js';
import { link, linkedByAnother, referenceOf } from './link.js';

/** chat:confirm — the code typed back: the chat is linked once, whoever confirms first. */
export async function confirm(ctx: ChatIdentityContext, session: ChatSessionDoc, code: string): Promise<{ linked: true; reference: string }> {
  const fresh = await ctx.sessions.byId(session._id);
  const pending = fresh?.verification;
  if (!pending?.messageId) {
    // A second tab confirming the code the first one just used: already linked.
    const done = fresh?.verified?.at(-1);
    if (done && fresh?.ticketId && ctx.now().getTime() - done.at.getTime() < CODE_TTL_MS) {
      session.citizenId = fresh.citizenId;
      session.ticketId = fresh.ticketId;
      return { linked: true, reference: await referenceOf(ctx, fresh.ticketId) };
    }
    throw new Invalid('chat.code_none');
  }
  if (pending.expiresAt.getTime() < ctx.now().getTime()) throw new Invalid('chat.code_expired');
  // One try taken atomically: concurrent guesses cannot get past the limit.
  const counted = await ctx.sessions.takeTry(session._id, pending.messageId, MAX_TRIES);
  const identity: Identity = { kind: pending.kind as 'email' | 'phone', value: pending.value };
  if (!counted) {
    // No try left, or another tab of this session has just used the code (the verification is gone).
    const current = await ctx.sessions.byId(session._id);
    if (String(current?.verification?.messageId ?? '') === String(pending.messageId)) throw new RateLimited('chat.code_too_many_tries');
    return linkedByAnother(ctx, session, identity);
  }
  const expected = Buffer.from(ctx.sentTexts.codeOf(pending.messageId));
  const given = Buffer.from(String(code).replace(/\s+/g, '').slice(0, 12).padEnd(6, ' '));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    await ctx.audit({ kind: 'citizen', id: String(session._id) }, 'chat.identity.code_wrong', { citizenId: session.citizenId }, { tries: counted.verification!.tries });
    throw new Invalid('chat.code_wrong', { left: Math.max(MAX_TRIES - counted.verification!.tries, 0) });
  }
  // The code is used once: whoever takes it links.
  const taken = await ctx.sessions.takeCode(session._id, pending.messageId);
  if (!taken) return linkedByAnother(ctx, session, identity);
  const linked = await link(ctx, fresh as unknown as ChatSessionDoc, identity);
  await ctx.sessions.linked(session._id, linked, identity, ctx.now());
  session.citizenId = linked.citizenId;
  session.ticketId = linked.ticketId;
  await ctx.audit({ kind: 'citizen', id: String(session._id) }, 'chat.identity.verified', { citizenId: linked.citizenId, ticketId: linked.ticketId }, { kind: identity.kind });
  ctx.log.info({ channel: 'chat', sessionId: String(session._id), kind: identity.kind }, 'chat identity verified');
  return { linked: true, reference: linked.ticketId ? await referenceOf(ctx, linked.ticketId) : '' };
}
