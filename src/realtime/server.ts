// Socket.IO on the app's HTTP server: /agents (token handshake, rooms per agent, team, ticket and for
// managers) and /chat (the citizens' widget). Domain events reach sockets through one subscriber.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Logger } from 'pino';
import type { ChannelAdapter } from '../../channels/types.js';
import type { ChatDelivery } from '../../channels/webchat/adapter.js';
import type { Config } from '../../config/index.js';
import { DomainError } from '../domain/errors.js';
import { isStoreUnavailable } from '../http/errors.js';
import type { Services } from '../services/index.js';
import type { ChatSessionDoc } from '../store/models/chatSession.js';
import type { ErrorAck } from './events.js';
import { subscribeDomainEvents } from './subscriber.js';
import { rooms, type AgentsNamespace, type AgentSocket, type AgentSocketData, type ChatNamespace } from './rooms.js';
import { SessionExpired } from '../services/chat.js';
import { t } from '../i18n/catalogue.js';


export function attachRealtime(deps: {
  server: HttpServer;
  services: Services;
  config: Pick<Config, 'chat' | 'publicBaseUrl'>;
  log: Logger;
  chatAdapter?: ChannelAdapter;
}) {
  const { services, log } = deps;
  const io = new Server(deps.server, {
    // Transport CORS lets any page reach the handshake, so that a refused site hears why (origin_refused)
    // instead of a bare network error: the /chat namespace decides, by Origin, on both transports, and
    // /agents needs a token (never a cookie).
    cors: { origin: true, credentials: false, methods: ['GET', 'POST'] },
    // A frame larger than this closes the socket; a long text below it gets an error ack.
    maxHttpBufferSize: 64 * 1024,
    connectionStateRecovery: undefined,
  });
  const agents = io.of('/agents') as unknown as AgentsNamespace;
  const chat = io.of('/chat') as unknown as ChatNamespace;

  setUpAgents(agents, chat, services, log);
  setUpChat(chat, agents, services, deps.config.chat, new URL(deps.config.publicBaseUrl).origin, log);
  const unsubscribe = subscribeDomainEvents(services, agents, chat, log);

  if (deps.chatAdapter && 'attach' in deps.chatAdapter) {
    const deliver: ChatDelivery = async (sessionId, messageId) => {
      const message = await services.models.messages.findById(messageId).lean();
      if (!message) return false;
      const [publicMessage] = await services.chat.publicMessages([message]);
      // The citizen's browser acknowledges what it shows: then the reply is delivered.
      const room = chat.to(rooms.chat(sessionId)).timeout(5_000) as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<unknown[]> };
      void room
        .emitWithAck('message:created', publicMessage!)
        .then((acks: unknown[]) => (acks.length > 0 ? services.outbox.advanceStatus({ messageId }, 'delivered') : false))
        .catch(() => undefined); // no browser acknowledged in time: the reply stays 'sent', which is true
      return true;
    };
    (deps.chatAdapter as ChannelAdapter & { attach(d: ChatDelivery): void }).attach(deliver);
  }

  return {
    io,
    agents,
    chat,
    async close() {
      unsubscribe();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
export type Realtime = ReturnType<typeof attachRealtime>;

function errorAck(err: unknown): ErrorAck {
  if (err instanceof DomainError) return { ok: false, error: { code: err.code, message: err.message } };
  if (isStoreUnavailable(err)) return { ok: false, error: { code: 'unavailable', message: t('chat.unavailable') } };
  return { ok: false, error: { code: 'internal', message: t('chat.internal') } };
}

function setUpAgents(agents: AgentsNamespace, chat: ChatNamespace, services: Services, log: Logger) {
  agents.use(async (socket, next) => {
    try {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      if (typeof token !== 'string' || !token) throw new Error('missing token');
      const principal = await services.tokens.verify(token);
      const agent = await services.models.agents.findById(principal.agentId).lean();
      if (!agent || !agent.active) throw new Error('this account is no longer active');
      if ((agent.sessionVersion ?? 0) !== principal.sessionVersion) throw new Error('this session was ended (password or access changed)');
      socket.data = { principal: { agentId: principal.agentId, role: agent.role }, teamId: agent.teamId ? String(agent.teamId) : null, watching: new Set(), expiresAt: principal.expiresAt };
      next();
    } catch (err) {
      log.info({ reason: (err as Error).message, address: socket.handshake.address }, 'agent socket refused');
      next(new Error(`unauthorized: ${(err as Error).message}`));
    }
  });

  const viewersOf = async (ticketId: string) => {
    const sockets = await agents.in(rooms.ticket(ticketId)).fetchSockets();
    return [...new Set(sockets.map((s) => s.data.principal.agentId))].sort();
  };
  const announceViewers = async (ticketId: string) => {
    agents.to(rooms.ticket(ticketId)).emit('ticket:viewers', { ticketId, agentIds: await viewersOf(ticketId) });
  };
  const presenceRooms = (data: AgentSocketData) => [rooms.managers, ...(data.teamId ? [rooms.team(data.teamId)] : [])];
  const announcePresence = async (data: AgentSocketData) => {
    const { agentId } = data.principal;
    const online = (await agents.in(rooms.agent(agentId)).fetchSockets()).length > 0;
    const agent = online ? await services.models.agents.findById(agentId, { availability: 1 }).lean() : null;
    const status = !online ? 'offline' : agent?.availability === 'away' ? 'away' : 'online';
    agents.to(presenceRooms(data)).emit('presence', { agentId, status });
  };

  agents.on('connection', async (socket: AgentSocket) => {
    const { principal, teamId } = socket.data;
    // A socket lives no longer than its token.
    const expiry = setTimeout(() => {
      socket.emit('session:expired', { reason: 'token_expired' });
      socket.disconnect(true);
    }, Math.max(0, socket.data.expiresAt.getTime() - services.now().getTime()));
    socket.once('disconnect', () => clearTimeout(expiry));
    const joined = [rooms.agent(principal.agentId)];
    if (teamId) joined.push(rooms.team(teamId));
    if (principal.role !== 'agent') joined.push(rooms.managers);
    // Joined before the handlers and without awaiting: the in-memory and Redis adapters both accept it.
    void Promise.resolve(socket.join(joined)).then(() => announcePresence(socket.data)).catch((err: unknown) => log.warn({ err, agentId: principal.agentId }, 'agent socket: rooms or presence not set'));

    socket.on('ticket:watch', async (ticketId, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      try {
        if (typeof ticketId !== 'string' || !(await services.access.canSeeTicket(principal, ticketId))) {
          return reply({ ok: false, error: { code: 'not_found', message: t('ticket.not_found') } });
        }
        await socket.join(rooms.ticket(ticketId));
        socket.data.watching.add(ticketId);
        const viewers = await viewersOf(ticketId);
        agents.to(rooms.ticket(ticketId)).emit('ticket:viewers', { ticketId, agentIds: viewers });
        reply({ ok: true, viewers });
      } catch (err) {
        reply(errorAck(err));
      }
    });

    socket.on('ticket:unwatch', async (ticketId, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      if (typeof ticketId !== 'string') return reply({ ok: false, error: { code: 'invalid', message: 'ticket id expected' } });
      await socket.leave(rooms.ticket(ticketId));
      socket.data.watching.delete(ticketId);
      await announceViewers(ticketId).catch(() => undefined); // the next watch or unwatch of the ticket announces its viewers again
      reply({ ok: true });
    });

    socket.on('typing', async (payload) => {
      const ticketId = typeof payload?.ticketId === 'string' ? payload.ticketId : null;
      // Only from a ticket's room it is still in (rooms follow access, see subscriber.ts).
      if (!ticketId || !socket.rooms.has(rooms.ticket(ticketId))) return;
      socket.to(rooms.ticket(ticketId)).emit('typing', { ticketId, from: 'agent', agentId: principal.agentId });
      // Typing is a courtesy: when the store cannot say which chat follows the ticket, nobody is told.
      const session = await services.models.chatSessions.findOne({ ticketId }, { _id: 1 }).lean().catch(() => null);
      if (session) {
        const agent = await services.models.agents.findById(principal.agentId, { name: 1 }).lean();
        chat.to(rooms.chat(String(session._id))).emit('typing', { from: 'agent', name: agent?.name.split(/\s+/)[0] ?? null });
      }
    });

    socket.on('disconnect', async () => {
      try {
        for (const ticketId of socket.data.watching) await announceViewers(ticketId);
        await announcePresence(socket.data);
      } catch {
        // The server is closing.
      }
    });
  });
}

/** A refusal the widget can act on: `data.code` says why (origin_refused, session_expired, ...). */
function refusal(code: string, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

function setUpChat(chat: ChatNamespace, agents: AgentsNamespace, services: Services, settings: Config['chat'], ownOrigin: string, log: Logger) {
  const perSession = services.limits.bucket('chat-session', 5, settings.messagesPerMinute / 60);
  const perAddress = services.limits.bucket('chat-address', 15, (settings.messagesPerMinute * 3) / 60);
  // A burst of a twelfth of the hourly rate (at least 5): an office behind one address opens several at once.
  const sessionsPerAddress = services.limits.bucket('chat-sessions', Math.max(5, Math.ceil(settings.sessionsPerHour / 12)), settings.sessionsPerHour / 3600);
  // Our own pages are served from PUBLIC_BASE_URL; the Host header is the caller's to write, so it proves nothing.
  const allowedOrigins = new Set([ownOrigin, ...settings.origins]);

  chat.use(async (socket, next) => {
    socket.data = { session: null };
    // Browsers send Origin on WebSocket and cross-site polling alike: our own pages and CHAT_ORIGINS only.
    const origin = socket.handshake.headers.origin;
    if (origin && !allowedOrigins.has(origin)) {
      log.warn({ channel: 'chat', origin, address: socket.handshake.address }, 'chat refused: origin not in CHAT_ORIGINS');
      return next(refusal('origin_refused', t('chat.origin_refused')));
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
  });

  chat.on('connection', async (socket) => {
    const address = socket.handshake.address;
    const enter = async (session: ChatSessionDoc) => {
      socket.data.session = session;
      await socket.join(rooms.chat(String(session._id)));
    };
    // Handlers are registered before any await: a client may emit as soon as it is connected.
    socket.on('chat:start', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      if (!(await sessionsPerAddress.take(address)).allowed) {
        log.info({ channel: 'chat', address, code: 'rate_limited' }, 'chat start refused: too many sessions from this address');
        return ack({ ok: false, error: { code: 'rate_limited', message: t('chat.too_many_sessions') } });
      }
      try {
        const input = typeof payload === 'object' && payload ? payload : {};
        const field = (v: unknown) => (typeof v === 'string' ? v : undefined);
        const { sessionToken, session } = await services.chat.start({ name: field(input.name), email: field(input.email), phone: field(input.phone), topic: field(input.topic) });
        await enter(session);
        ack({ ok: true, sessionToken });
      } catch (err) {
        const answer = errorAck(err);
        log.info({ channel: 'chat', address, code: answer.error.code, reason: answer.error.message }, 'chat start refused');
        ack(answer);
      }
    });

    /** Every refusal is answered (never a silent drop) and logged. */
    const refuse = (ack: (a: ErrorAck) => void, code: string, message: string, sessionId?: string) => {
      log.info({ channel: 'chat', address, sessionId, code }, 'chat message refused');
      ack({ ok: false, error: { code, message } });
    };

    socket.on('chat:message', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const session = socket.data.session;
      if (!session) return refuse(ack, 'no_session', t('chat.no_session'));
      const sessionId = String(session._id);
      const clientId = payload?.clientId;
      const text = payload?.text;
      if (typeof clientId !== 'string' || !/^[\w-]{1,100}$/.test(clientId) || typeof text !== 'string') {
        return refuse(ack, 'invalid', t('chat.message_invalid'), sessionId);
      }
      if (text.length > settings.maxMessageChars) return refuse(ack, 'too_large', t('chat.message_too_long', { max: settings.maxMessageChars }), sessionId);
      if (!(await perSession.take(sessionId)).allowed || !(await perAddress.take(address)).allowed) {
        return refuse(ack, 'rate_limited', t('chat.too_many_messages'), sessionId);
      }
      try {
        const result = await services.chat.send(session, { clientId, text });
        ack({ ok: true, id: result.messageId, reference: result.reference });
      } catch (err) {
        if (!(err instanceof DomainError)) log.error({ err, channel: 'chat', externalId: `${String(session._id)}:${clientId}` }, 'chat message not stored');
        ack(errorAck(err));
      }
    });

    socket.on('chat:verify', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const session = socket.data.session;
      if (!session) return refuse(ack, 'no_session', t('chat.no_session'));
      const channel = payload?.channel;
      if (channel !== 'email' && channel !== 'sms') return refuse(ack, 'invalid', t('chat.message_invalid'), String(session._id));
      try {
        ack({ ok: true, ...(await services.chatIdentity.verify(session, channel)) });
      } catch (err) {
        if (!(err instanceof DomainError)) log.error({ err, channel: 'chat', sessionId: String(session._id) }, 'verification code not sent');
        ack(errorAck(err));
      }
    });

    socket.on('chat:confirm', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const session = socket.data.session;
      if (!session) return refuse(ack, 'no_session', t('chat.no_session'));
      const code = payload?.code;
      if (typeof code !== 'string' || code.length > 20) return refuse(ack, 'invalid', t('chat.message_invalid'), String(session._id));
      try {
        const linked = await services.chatIdentity.confirm(session, code);
        ack({ ok: true, linked: true, reference: linked.reference });
        // The thread the chat joined: what the citizen had written from that address, now theirs here too.
        const joined = await services.chat.history(session).catch((err: unknown) => (log.warn({ err, sessionId: String(session._id) }, 'chat history not replayed after a confirmation'), []));
        for (const message of joined) socket.emit('message:created', message);
      } catch (err) {
        if (!(err instanceof DomainError)) log.error({ err, channel: 'chat', sessionId: String(session._id) }, 'chat identity not confirmed');
        ack(errorAck(err));
      }
    });

    socket.on('chat:satisfaction', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const session = socket.data.session;
      if (!session?.ticketId) return refuse(ack, 'no_session', t('chat.no_session'));
      const score = payload?.score;
      const comment = typeof payload?.comment === 'string' ? payload.comment.slice(0, 1000) : undefined;
      if (typeof score !== 'number' || !Number.isInteger(score) || score < 1 || score > 5) return refuse(ack, 'invalid', t('satisfaction.score_invalid'), String(session._id));
      try {
        const answer = await services.satisfaction.answer(session.ticketId, { score, comment, channel: 'chat' }, { kind: 'citizen', id: String(session._id) });
        ack({ ok: true, score: answer.score });
      } catch (err) {
        if (!(err instanceof DomainError)) log.error({ err, channel: 'chat', sessionId: String(session._id) }, 'satisfaction not stored');
        ack(errorAck(err));
      }
    });

    socket.on('typing', () => {
      const ticketId = socket.data.session?.ticketId;
      if (ticketId) agents.to(rooms.ticket(String(ticketId))).emit('typing', { ticketId: String(ticketId), from: 'citizen' });
    });

    if (socket.data.session) {
      await enter(socket.data.session);
      // Resume: deliver what the citizen has not seen.
      const lastSeen = (socket.handshake.auth as { lastMessageId?: unknown }).lastMessageId;
      const missed = await services.chat.history(socket.data.session, typeof lastSeen === 'string' ? lastSeen : undefined)
        .catch((err: unknown) => (log.warn({ err, sessionId: String(socket.data.session?._id) }, 'chat history not replayed on resume'), []));
      for (const message of missed) socket.emit('message:created', message);
    }
  });
}
