// The citizens' widget on the /chat namespace: admitted by origin (PUBLIC_BASE_URL's and CHAT_ORIGINS,
// never the Host header) with its session resumed; then start, message, verify, confirm, rate and type.
// Payloads are checked against their schemas (payloads.ts); every refusal is answered and logged, never a
// silent drop; limits count per session and per address (shared across instances with Redis).
import type { Logger } from 'pino';
import type { Config } from '../../config/index.js';
import { DomainError } from '../../src/domain/errors.js';
import { t, type MessageKey } from '../../src/i18n/catalogue.js';
import { errorAck } from '../../src/realtime/acks.js';
import type { ErrorAck } from '../../src/realtime/events.js';
import { rooms, type AgentsNamespace, type ChatNamespace, type ChatSocket } from '../../src/realtime/rooms.js';
import { SessionExpired } from '../../src/services/chat.js';
import type { Services } from '../../src/services/index.js';
import type { ChatSessionDoc } from '../../src/store/models/chatSession.js';
import { isPayload, lenient, type ChatPayload, type ChatPayloads } from './payloads.js';

/** `contact`: how to reach the service otherwise, given to a site where the chat may not open. */
type Deps = { services: Services; settings: Config['chat']; contact?: { phone: string | null; email: string | null }; ownOrigin: string; log: Logger };

/** A refusal the widget can act on: `data.code` says why (origin_refused, session_expired, ...). */
function refusal(code: string, message: string, more: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { data: { code, ...more } });
}

export function mountChatSockets(chat: ChatNamespace, agents: AgentsNamespace, deps: Deps) {
  chat.use(admission(deps));
  const limits = chatLimits(deps);
  chat.on('connection', async (socket) => {
    // Handlers are registered before any await: a client may emit as soon as it is connected.
    const on = handlers(socket, deps);
    on('chat:start', { session: false }, async (payload, ack) => {
      if (!(await limits.sessions.take(socket.handshake.address)).allowed) return on.refuse(ack, 'rate_limited', 'chat.too_many_sessions');
      const { sessionToken, session } = await deps.services.chat.start(payload);
      await enter(socket, session);
      ack({ ok: true, sessionToken });
    });
    on('chat:message', { session: true }, async ({ clientId, text }, ack, session) => {
      if (text.length > deps.settings.maxMessageChars) return on.refuse(ack, 'too_large', 'chat.message_too_long', { max: deps.settings.maxMessageChars });
      if (!(await limits.perSession.take(String(session._id))).allowed || !(await limits.perAddress.take(socket.handshake.address)).allowed) return on.refuse(ack, 'rate_limited', 'chat.too_many_messages');
      const result = await deps.services.chat.send(session, { clientId, text });
      ack({ ok: true, id: result.messageId, reference: result.reference });
    });
    on('chat:verify', { session: true }, async ({ channel }, ack, session) => ack({ ok: true, ...(await deps.services.chatIdentity.verify(session, channel)) }));
    on('chat:confirm', { session: true }, async ({ code }, ack, session) => {
      const linked = await deps.services.chatIdentity.confirm(session, code);
      ack({ ok: true, linked: true, reference: linked.reference });
      // The thread the chat joined: what the citizen had written from that address, now theirs here too.
      await replay(socket, deps, session, undefined, 'after a confirmation');
    });
    on('chat:satisfaction', { session: true, invalid: 'satisfaction.score_invalid' }, async ({ score, comment }, ack, session) => {
      if (!session.ticketId) return on.refuse(ack, 'no_session', 'chat.no_session');
      const answer = await deps.services.satisfaction.answer(session.ticketId, { score, comment: comment?.slice(0, 1000), channel: 'chat' }, { kind: 'citizen', id: String(session._id) });
      ack({ ok: true, score: answer.score });
    });
    socket.on('typing', () => {
      const ticketId = socket.data.session?.ticketId;
      if (ticketId) agents.to(rooms.ticket(String(ticketId))).emit('typing', { ticketId: String(ticketId), from: 'citizen' });
    });
    if (socket.data.session) {
      await enter(socket, socket.data.session);
      // Resume: deliver what the citizen has not seen.
      const lastSeen = (socket.handshake.auth as { lastMessageId?: unknown }).lastMessageId;
      await replay(socket, deps, socket.data.session, typeof lastSeen === 'string' ? lastSeen : undefined, 'on resume');
    }
  });
}

/** Our own pages and CHAT_ORIGINS only (browsers send Origin on WebSocket and cross-site polling alike); a session token resumes its session. */
function admission({ services, settings, contact, ownOrigin, log }: Deps): Parameters<ChatNamespace['use']>[0] {
  const allowedOrigins = new Set([ownOrigin, ...settings.origins]);
  return async (socket, next) => {
    socket.data = { session: null };
    const origin = socket.handshake.headers.origin;
    if (origin && !allowedOrigins.has(origin)) {
      log.warn({ channel: 'chat', origin, address: socket.handshake.address }, 'chat refused: origin not in CHAT_ORIGINS');
      return next(refusal('origin_refused', t('chat.origin_refused'), { contact: contact ?? { phone: null, email: null } }));
    }
    const token = (socket.handshake.auth as { sessionToken?: unknown }).sessionToken;
    if (token === undefined || token === null || token === '') return next();
    try {
      if (typeof token !== 'string') throw new Error('malformed session token');
      socket.data.session = await services.chat.resume(token);
      next();
    } catch (err) {
      if (err instanceof SessionExpired) return next(refusal('session_expired', err.message));
      next(err instanceof DomainError ? refusal(err.code, err.message) : refusal('unavailable', t('chat.unavailable')));
    }
  };
}

function chatLimits({ services, settings }: Deps) {
  return {
    perSession: services.limits.bucket('chat-session', 5, settings.messagesPerMinute / 60),
    perAddress: services.limits.bucket('chat-address', 15, (settings.messagesPerMinute * 3) / 60),
    // A burst of a twelfth of the hourly rate (at least 5): an office behind one address opens several at once.
    sessions: services.limits.bucket('chat-sessions', Math.max(5, Math.ceil(settings.sessionsPerHour / 12)), settings.sessionsPerHour / 3600),
  };
}

type Answer = (answer: object) => void;
type Handler<E extends keyof typeof ChatPayloads, S> = (payload: ChatPayload<E>, ack: Answer, session: S) => Promise<void>;

/** Registers the widget's events: payload checked, session required when asked, refusals answered and logged, failures acknowledged. */
function handlers(socket: ChatSocket, { log }: Deps) {
  const address = socket.handshake.address;
  const refuse = (ack: (a: ErrorAck) => void, code: string, key: MessageKey, params: Record<string, string | number> = {}) => {
    log.info({ channel: 'chat', address, sessionId: socket.data.session ? String(socket.data.session._id) : undefined, code }, key === 'chat.too_many_sessions' ? 'chat start refused: too many sessions from this address' : 'chat message refused');
    ack({ ok: false, error: { code, message: t(key, params) } });
  };
  const on = <E extends keyof typeof ChatPayloads, Needs extends boolean>(event: E, options: { session: Needs; invalid?: MessageKey }, run: Handler<E, Needs extends true ? ChatSessionDoc : ChatSessionDoc | null>) => {
    (socket.on as (e: string, listener: (payload: unknown, ack: unknown) => void) => void)(event, async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const answer = ack as Answer;
      const session = socket.data.session;
      if (options.session && !session) return refuse(answer, 'no_session', 'chat.no_session');
      const input = lenient(event, payload);
      if (!isPayload(event, input)) return refuse(answer, 'invalid', options.invalid ?? 'chat.message_invalid');
      try {
        await run(input, answer, session as Needs extends true ? ChatSessionDoc : ChatSessionDoc | null);
      } catch (err) {
        const failed = errorAck(err);
        if (!(err instanceof DomainError)) log.error({ err, channel: 'chat', event, sessionId: session ? String(session._id) : undefined }, 'chat event failed');
        else log.info({ channel: 'chat', address, event, code: failed.error.code, reason: failed.error.message }, 'chat event refused');
        answer(failed);
      }
    });
  };
  return Object.assign(on, { refuse });
}

async function enter(socket: ChatSocket, session: ChatSessionDoc) {
  socket.data.session = session;
  await socket.join(rooms.chat(String(session._id)));
}

/** What the citizen has not seen of their thread (after `lastSeen`), sent to this socket. */
async function replay(socket: ChatSocket, { services, log }: Deps, session: ChatSessionDoc, lastSeen: string | undefined, when: string) {
  const missed = await services.chat.history(session, lastSeen).catch((err: unknown) => (log.warn({ err, sessionId: String(session._id) }, `chat history not replayed ${when}`), []));
  for (const message of missed) socket.emit('message:created', message);
}
