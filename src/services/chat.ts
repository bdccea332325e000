// Web chat sessions: a secret token (stored hashed) resumes the same thread. Email or phone typed into
// the chat are unverified claims for the agent, never a key to an existing citizen's records: anyone can
// type anyone's address, so linking them would hand that citizen's history to a stranger. Confirming
// one with a code sent to it (chatIdentity.ts) is what links.
import { oneLine } from '../domain/text.js';
import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { Invalid, Unauthorized } from '../domain/errors.js';
import { normaliseEmail, normalisePhone } from '../domain/identity.js';
import type { Models } from '../store/index.js';
import type { ChatSessionDoc } from '../store/models/chatSession.js';
import { agentsStore } from '../store/repositories/agents.js';
import { chatSessions } from '../store/repositories/chatSessions.js';
import { messagesStore } from '../store/repositories/messages.js';
import type { IngestInbound, IngestResult } from './ingest/index.js';

export interface ChatStart {
  name?: string;
  email?: string;
  phone?: string;
  topic?: string;
}

export interface PublicMessage {
  id: string;
  ticketId: string;
  direction: 'in' | 'out';
  channel: string;
  text: string;
  createdAt: string;
  status?: string | null;
  author?: { firstName: string | null } | null;
  /** 'survey': the widget offers five buttons for the satisfaction question. */
  kind?: string;
}

/** A resumed session past its idle time: the widget starts a new one and tells the citizen. */
export class SessionExpired extends Unauthorized {
  override readonly reason = 'session_expired';
  constructor() {
    super('chat.session_expired');
  }
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

type StoredMessage = Parameters<typeof toPublicMessages>[1][number];

export interface ChatDeps {
  models: Models;
  ingestInbound: IngestInbound;
  now: () => Date;
  rules: { defaultPhoneRegion: string };
  /** A session unused this long expires (default 24 h). */
  sessionIdleHours?: number;
  /** The citizen's own portal link in place of the redacted one the store keeps (made when it was sent). */
  showLinks?: (message: StoredMessage, text: string) => string;
}

export function createChatService(deps: ChatDeps) {
  const { models, now } = deps;
  const sessions = chatSessions(models);
  /** What the citizen's widget shows: the stored messages, with their personal links. */
  const publicMessages = async (messages: StoredMessage[]) => {
    const views = await toPublicMessages(models, messages);
    const show = deps.showLinks;
    return show ? views.map((view, i) => ({ ...view, text: show(messages[i]!, view.text) })) : views;
  };

  return {
    publicMessages,

    async start(input: ChatStart): Promise<{ sessionToken: string; session: ChatSessionDoc }> {
      const claimedEmail = input.email?.trim() ? normaliseEmail(input.email) : null;
      if (input.email?.trim() && !claimedEmail) throw new Invalid('chat.email_invalid');
      const claimedPhone = input.phone?.trim() ? normalisePhone(input.phone, deps.rules.defaultPhoneRegion) : null;
      if (input.phone?.trim() && !claimedPhone) throw new Invalid('chat.phone_invalid');
      const sessionToken = randomBytes(32).toString('base64url');
      const session = await sessions.open({
        tokenHash: hashToken(sessionToken),
        name: oneLine(input.name, 120) ?? null,
        claimedEmail,
        claimedPhone,
        topic: input.topic?.trim().slice(0, 200) || null,
        consentAt: now(),
        lastActivityAt: now(),
      });
      return { sessionToken, session };
    },

    async resume(sessionToken: string): Promise<ChatSessionDoc> {
      const session = sessionToken ? await sessions.byTokenHash(hashToken(sessionToken)) : null;
      if (!session) throw new Unauthorized('chat.unknown_session');
      const idleMs = (deps.sessionIdleHours ?? 24) * 3_600_000;
      if (now().getTime() - session.lastActivityAt.getTime() > idleMs) throw new SessionExpired();
      return session;
    },

    /** A citizen's chat message, through the one inbound pipeline (sendChatMessage). */
    send: (session: ChatSessionDoc, message: { clientId: string; text: string }) => sendChatMessage(deps, session, message),

    /** What the citizen may see of their chat's thread: messages in and out, never notes; after `afterId`. */
    async history(session: ChatSessionDoc, afterId?: string): Promise<PublicMessage[]> {
      if (!session.ticketId) return [];
      const messages = await messagesStore(models).publicThread(session.ticketId, { citizenId: session.citizenId ?? null, afterId, withoutVerification: true });
      return publicMessages(messages);
    },
  };
}
export type ChatService = ReturnType<typeof createChatService>;

export async function toPublicMessages(
  models: Models,
  messages: { _id: Types.ObjectId; ticketId: Types.ObjectId; direction: string; channel: string; kind?: string | null; text: string; createdAt?: Date; status?: string | null; authorId?: Types.ObjectId | null }[],
): Promise<PublicMessage[]> {
  const authors = await agentsStore(models).namesOf(messages.map((m) => m.authorId));
  const firstNames = new Map([...authors].map(([id, name]) => [id, name.split(/\s+/)[0] ?? null]));
  return messages.map((m) => ({
    id: String(m._id),
    ticketId: String(m.ticketId),
    direction: m.direction as 'in' | 'out',
    channel: m.channel,
    text: m.text,
    createdAt: (m.createdAt ?? new Date()).toISOString(),
    status: m.status ?? null,
    author: m.direction === 'out' ? { firstName: m.authorId ? (firstNames.get(String(m.authorId)) ?? null) : null } : null,
    kind: m.kind ?? 'message',
  }));
}

/** A citizen's chat message, through the one inbound pipeline; a resend with the same clientId is stored once; the session follows its thread. */
export async function sendChatMessage(deps: ChatDeps, session: ChatSessionDoc, message: { clientId: string; text: string }): Promise<IngestResult> {
  const { models, now } = deps;
  const text = message.text.trim();
  if (!text) throw new Invalid('message.empty');
  const result = await deps.ingestInbound({
    channel: 'chat',
    externalId: `${String(session._id)}:${message.clientId}`,
    from: { address: String(session._id), name: session.name ?? undefined },
    text,
    subject: session.topic ?? undefined,
    threadHints: session.ticketId ? { ticketId: String(session.ticketId) } : {},
    attachments: [],
    receivedAt: now(),
  });
  // Activity keeps the session alive (written at most once a minute).
  if (now().getTime() - session.lastActivityAt.getTime() > 60_000 && String(session.ticketId) === result.ticketId) {
    await chatSessions(models).touched(session._id, now());
    session.lastActivityAt = now();
  }
  if (String(session.ticketId) !== result.ticketId || String(session.citizenId) !== result.citizenId) {
    await chatSessions(models).follows(session._id, new Types.ObjectId(result.ticketId), new Types.ObjectId(result.citizenId), now());
    session.ticketId = new Types.ObjectId(result.ticketId);
    session.citizenId = new Types.ObjectId(result.citizenId);
  }
  return result;
}
