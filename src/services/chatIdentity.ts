// A chat citizen proves the email or phone they typed: a 6-digit code goes out through the outbox on
// that channel (valid 10 minutes, 5 tries, rate-limited), and once it is typed back the chat joins that
// address's citizen exactly as a message from the address would: their record, their recurring agent,
// their open request's thread. Until then the address is a claim shown to agents as unverified.
// The code is never stored: it is derived from the id of the message that carries it (HMAC), put into
// the text only as it is sent, and checked by deriving it again.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import { Conflict, Invalid, RateLimited } from '../domain/errors.js';
import { identityKey, type Identity } from '../domain/identity.js';
import type { Limits } from './limits.js';
import { t } from '../i18n/catalogue.js';
import type { Models } from '../store/index.js';
import type { ChatSessionDoc } from '../store/models/chatSession.js';
import type { MessageDoc } from '../store/models/message.js';
import type { Audit } from './audit.js';
import type { CitizenService } from './citizens/index.js';
import type { EventBus } from './eventBus.js';
import type { Outbox } from './outbox.js';
import { ticketEventData } from './ticketEvents.js';

const CODE_TTL_MS = 10 * 60_000;
const MAX_TRIES = 5;
/** Where the stored text holds the code: six GSM-7 characters, so an SMS keeps its length. */
export const CODE_PLACEHOLDER = '######';

export type VerifyChannel = 'email' | 'sms';

export function createChatIdentityService(deps: {
  models: Models;
  limits: Limits;
  outbox: Outbox;
  citizens: CitizenService;
  audit: Audit;
  events: EventBus;
  now: () => Date;
  log: Logger;
  secret: string;
  serviceName: string;
}) {
  const { models, now } = deps;
  const codeKey = createHmac('sha256', deps.secret).update('gru chat verification codes').digest();
  const codeOf = (messageId: unknown) => String(createHmac('sha256', codeKey).update(String(messageId)).digest().readUInt32BE(0) % 1_000_000).padStart(6, '0');
  // Codes sent: per session (a citizen retrying) and per address (nobody floods someone else's phone).
  const perSession = deps.limits.bucket('code-session', 3, 1 / 300);
  const perAddress = deps.limits.bucket('code-address', 5, 5 / 3600);

  const claimOf = (session: ChatSessionDoc, channel: VerifyChannel): Identity | null => {
    const value = channel === 'email' ? session.claimedEmail : session.claimedPhone;
    return value ? { kind: channel === 'email' ? 'email' : 'phone', value } : null;
  };

  /** The chat's citizen takes the address: theirs alone, or merged into the citizen who already has it. */
  async function link(session: ChatSessionDoc, identity: Identity): Promise<{ citizenId: Types.ObjectId; ticketId: Types.ObjectId | null }> {
    const chatCitizenId = session.citizenId!;
    const actor = { kind: 'citizen' as const, id: identityKey(identity) };
    try {
      // Nobody has the address yet (or the chat's citizen already does): it becomes theirs.
      await deps.citizens.addIdentity(actor, String(chatCitizenId), identity.kind, identity.value);
      return { citizenId: chatCitizenId, ticketId: session.ticketId ?? null };
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
    }
    // Someone already writes from this address: the chat is theirs. Their record is kept, the chat's merged in.
    const ownerId = (await models.identities.findById(identityKey(identity)).lean())!.citizenId;
    await deps.citizens.merge(actor, String(ownerId), String(chatCitizenId));
    const owner = (await models.citizens.findById(ownerId).lean())!;
    let ticketId = session.ticketId ?? null;
    const open = owner.openTicketId && ticketId && String(owner.openTicketId) !== String(ticketId) ? await models.tickets.findById(owner.openTicketId).lean() : null;
    if (open && ticketId) {
      await joinThread(ticketId, open._id);
      ticketId = open._id;
    }
    if (owner.recurringAgentId) await deps.citizens.setRecurringAgent(actor, String(ownerId), String(owner.recurringAgentId), 'chat identity verified');
    return { citizenId: ownerId, ticketId };
  }

  /** The chat's ticket joins the citizen's open request: its messages move there, it is closed as merged. */
  async function joinThread(fromId: Types.ObjectId, intoId: Types.ObjectId) {
    const from = await models.tickets.findOneAndUpdate({ _id: fromId, mergedIntoId: null }, { $set: { mergedIntoId: intoId, status: 'closed', closedAt: now(), sla: null } }, { returnDocument: 'before' });
    if (!from) return;
    await models.messages.updateMany({ ticketId: fromId }, { $set: { ticketId: intoId } });
    await models.citizens.updateMany({ openTicketId: fromId }, { $set: { openTicketId: intoId } });
    const into = await models.tickets.findOneAndUpdate(
      { _id: intoId },
      { $max: { lastMessageAt: from.lastMessageAt, lastInboundAt: from.lastInboundAt }, $inc: { unreadCount: from.unreadCount ?? 0 }, $addToSet: { channels: 'chat' }, $set: { lastInboundChannel: 'chat' } },
      { returnDocument: 'after' },
    );
    await deps.audit({ kind: 'system' }, 'ticket.merged', { ticketId: intoId }, { mergedTicketId: String(fromId), reference: from.reference });
    if (into) deps.events.emit('ticket.updated', { ...(await ticketEventData(models, into)), changes: { merged: from.reference } });
  }

  return {
    /** chat:verify — a code to the address typed at the start, on that channel. */
    async verify(session: ChatSessionDoc, channel: VerifyChannel): Promise<{ expiresAt: string }> {
      const claim = claimOf(session, channel);
      if (!claim) throw new Invalid(channel === 'email' ? 'chat.verify_no_email' : 'chat.verify_no_phone');
      if (!session.ticketId) throw new Invalid('chat.verify_after_message');
      if ((session.verified ?? []).some((v) => v.kind === claim.kind && v.value === claim.value)) throw new Conflict('chat.verify_done');
      const at = now().getTime();
      if (!(await perSession.take(String(session._id))).allowed || !(await perAddress.take(identityKey(claim))).allowed) throw new RateLimited('chat.verify_too_many', {}, 60);
      const message = await deps.outbox.queue({
        ticketId: session.ticketId,
        channel,
        to: claim.value,
        kind: 'verification',
        subject: t('chat.verify_subject', { service: deps.serviceName }),
        text: t('chat.verify_text', { code: CODE_PLACEHOLDER, service: deps.serviceName }),
      });
      const expiresAt = new Date(at + CODE_TTL_MS);
      await models.chatSessions.updateOne({ _id: session._id }, { $set: { verification: { kind: claim.kind, value: claim.value, messageId: message._id, expiresAt, tries: 0 } } });
      await deps.audit({ kind: 'citizen', id: String(session._id) }, 'chat.identity.code_sent', { citizenId: session.citizenId, ticketId: session.ticketId }, { kind: claim.kind });
      return { expiresAt: expiresAt.toISOString() };
    },

    /** chat:confirm — the code typed back: the chat is linked once, whoever confirms first. */
    async confirm(session: ChatSessionDoc, code: string): Promise<{ linked: true; reference: string }> {
      const fresh = await models.chatSessions.findById(session._id).lean();
      const pending = fresh?.verification;
      if (!pending?.messageId) {
        // A second tab confirming the code the first one just used: already linked.
        const done = fresh?.verified?.at(-1);
        if (done && fresh?.ticketId && now().getTime() - done.at.getTime() < CODE_TTL_MS) {
          session.citizenId = fresh.citizenId;
          session.ticketId = fresh.ticketId;
          return { linked: true, reference: await referenceOf(fresh.ticketId) };
        }
        throw new Invalid('chat.code_none');
      }
      if (pending.expiresAt.getTime() < now().getTime()) throw new Invalid('chat.code_expired');
      // One try taken atomically: concurrent guesses cannot get past the limit.
      const counted = await models.chatSessions.findOneAndUpdate(
        { _id: session._id, 'verification.messageId': pending.messageId, 'verification.tries': { $lt: MAX_TRIES } },
        { $inc: { 'verification.tries': 1 } },
        { returnDocument: 'after' },
      );
      const identity: Identity = { kind: pending.kind as 'email' | 'phone', value: pending.value };
      if (!counted) {
        // No try left, or another tab of this session has just used the code (the verification is gone).
        const current = await models.chatSessions.findById(session._id, { verification: 1 }).lean();
        if (String(current?.verification?.messageId ?? '') === String(pending.messageId)) throw new RateLimited('chat.code_too_many_tries');
        return linkedByAnother(session, identity);
      }
      const expected = Buffer.from(codeOf(pending.messageId));
      const given = Buffer.from(String(code).replace(/\s+/g, '').slice(0, 12).padEnd(6, ' '));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        await deps.audit({ kind: 'citizen', id: String(session._id) }, 'chat.identity.code_wrong', { citizenId: session.citizenId }, { tries: counted.verification!.tries });
        throw new Invalid('chat.code_wrong', { left: Math.max(MAX_TRIES - counted.verification!.tries, 0) });
      }
      // The code is used once: whoever takes it links.
      const taken = await models.chatSessions.findOneAndUpdate({ _id: session._id, 'verification.messageId': pending.messageId }, { $set: { verification: null } });
      if (!taken) return linkedByAnother(session, identity);
      const linked = await link(fresh as unknown as ChatSessionDoc, identity);
      await models.chatSessions.updateOne(
        { _id: session._id },
        { $set: { citizenId: linked.citizenId, ticketId: linked.ticketId }, $push: { verified: { kind: identity.kind, value: identity.value, at: now() } } },
      );
      session.citizenId = linked.citizenId;
      session.ticketId = linked.ticketId;
      await deps.audit({ kind: 'citizen', id: String(session._id) }, 'chat.identity.verified', { citizenId: linked.citizenId, ticketId: linked.ticketId }, { kind: identity.kind });
      deps.log.info({ channel: 'chat', sessionId: String(session._id), kind: identity.kind }, 'chat identity verified');
      return { linked: true, reference: linked.ticketId ? await referenceOf(linked.ticketId) : '' };
    },

    /** The code into the text being sent (kind 'verification' only); the stored copy keeps the placeholder. */
    expandCode(message: Pick<MessageDoc, '_id' | 'kind'>, text: string): string {
      return message.kind === 'verification' ? text.replaceAll(CODE_PLACEHOLDER, codeOf(message._id)) : text;
    },

  };

  /** Another tab confirmed the same code a moment before: its link is this one's answer. */
  async function linkedByAnother(session: ChatSessionDoc, identity: Identity): Promise<{ linked: true; reference: string }> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const fresh = await models.chatSessions.findById(session._id).lean();
      if (fresh?.verified?.some((v) => v.kind === identity.kind && v.value === identity.value)) {
        session.citizenId = fresh.citizenId;
        session.ticketId = fresh.ticketId;
        return { linked: true, reference: fresh.ticketId ? await referenceOf(fresh.ticketId) : '' };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Invalid('chat.code_none');
  }

  async function referenceOf(ticketId: Types.ObjectId): Promise<string> {
    return (await models.tickets.findById(ticketId, { reference: 1 }).lean())?.reference ?? '';
  }
}
export type ChatIdentityService = ReturnType<typeof createChatIdentityService>;
