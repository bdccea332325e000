// A code to the claimed address, through the outbox (the code put in only as it is sent).
import { Conflict, Invalid, RateLimited } from '../../domain/errors.js';
import { identityKey } from '../../domain/identity.js';
import { t } from '../../i18n/catalogue.js';
import { type ChatSessionDoc } from '../../store/models/chatSession.js';
import { CODE_PLACEHOLDER } from '../sentTexts.js';
import { type ChatIdentityContext, claimOf, CODE_TTL_MS, type VerifyChannel } from './context.js';

/** chat:verify — a code to the address typed at the start, on that channel. */
export async function verify(ctx: ChatIdentityContext, session: ChatSessionDoc, channel: VerifyChannel): Promise<{ expiresAt: string }> {
  const claim = claimOf(session, channel);
  if (!claim) throw new Invalid(channel === 'email' ? 'chat.verify_no_email' : 'chat.verify_no_phone');
  if (!session.ticketId) throw new Invalid('chat.verify_after_message');
  if ((session.verified ?? []).some((v) => v.kind === claim.kind && v.value === claim.value)) throw new Conflict('chat.verify_done');
  const at = ctx.now().getTime();
  if (!(await ctx.perSession.take(String(session._id))).allowed || !(await ctx.perAddress.take(identityKey(claim))).allowed) throw new RateLimited('chat.verify_too_many', {}, 60);
  const message = await ctx.outbox.queue({
    ticketId: session.ticketId,
    channel,
    to: claim.value,
    kind: 'verification',
    subject: t('chat.verify_subject', { service: ctx.serviceName }),
    text: t('chat.verify_text', { code: CODE_PLACEHOLDER, service: ctx.serviceName }),
  });
  const expiresAt = new Date(at + CODE_TTL_MS);
  await ctx.sessions.pending(session._id, { kind: claim.kind, value: claim.value, messageId: message._id, expiresAt, tries: 0 });
  await ctx.audit({ kind: 'citizen', id: String(session._id) }, 'chat.identity.code_sent', { citizenId: session.citizenId, ticketId: session.ticketId }, { kind: claim.kind });
  return { expiresAt: expiresAt.toISOString() };
}
