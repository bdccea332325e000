// Socket.IO on the app's HTTP server: /agents (token handshake, rooms per agent, team, ticket and for
// managers) and /chat (the citizens' widget). Domain events reach sockets through one subscriber.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Logger } from 'pino';
import type { ChannelAdapter } from '../../channels/types.js';
import type { ChatDelivery } from '../../channels/webchat/adapter.js';
import type { Config } from '../../config/index.js';
import type { Services } from '../services/index.js';
import { subscribeDomainEvents } from './subscriber.js';
import { errorAck } from './acks.js';
import type { ChannelModule } from '../../channels/types.js';
import { rooms, type AgentsNamespace, type AgentSocket, type AgentSocketData, type ChatNamespace } from './rooms.js';
import { t } from '../i18n/catalogue.js';


export function attachRealtime(deps: {
  server: HttpServer;
  services: Services;
  config: Config;
  log: Logger;
  chatAdapter?: ChannelAdapter;
  /** The channels' inbound sides: their socket handlers are mounted here (the chat widget's). */
  channels: readonly ChannelModule[];
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
  for (const channel of deps.channels) channel.sockets?.({ config: deps.config, services, log, chat, agents });
  const unsubscribe = subscribeDomainEvents(services, agents, chat, log);
  // A live call rings at one agent: only their sockets hear of it.
  // A call waiting for a team: its agents (whatever TEAM_VISIBILITY says: anyone may take a call) and the managers.
  const offCalls = [
    services.events.on('call.incoming', ({ agentId, ...call }) => void agents.to(rooms.agent(agentId)).emit('call:incoming', call)),
    services.events.on('call.agent', ({ agentId, ...call }) => void agents.to(rooms.agent(agentId)).emit('call:state', call)),
    services.events.on('call.queued', (call) => void agents.to([rooms.teamCalls(call.teamId), rooms.managers]).emit('call:queued', call)),
    services.events.on('call.dequeued', (call) => void agents.to([rooms.teamCalls(call.teamId), rooms.managers]).emit('call:dequeued', call)),
  ];

  if (deps.chatAdapter && 'attach' in deps.chatAdapter) {
    const deliver: ChatDelivery = async (sessionId, messageId) => {
      const message = await services.lookups.message(messageId);
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
      offCalls.forEach((off) => off());
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
export type Realtime = ReturnType<typeof attachRealtime>;

/** An agent's socket: a valid token of an active agent whose session still holds (no password, role or activation change since). */
function agentAdmission(services: Services, log: Logger): Parameters<AgentsNamespace['use']>[0] {
  return async (socket, next) => {
    try {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      if (typeof token !== 'string' || !token) throw new Error('missing token');
      const principal = await services.tokens.verify(token);
      const agent = await services.lookups.agentForSession(principal.agentId);
      if (!agent || !agent.active) throw new Error('this account is no longer active');
      if ((agent.sessionVersion ?? 0) !== principal.sessionVersion) throw new Error('this session was ended (password or access changed)');
      socket.data = { principal: { agentId: principal.agentId, role: agent.role }, teamId: agent.teamId ? String(agent.teamId) : null, watching: new Set(), expiresAt: principal.expiresAt };
      next();
    } catch (err) {
      log.info({ reason: (err as Error).message, address: socket.handshake.address }, 'agent socket refused');
      next(new Error(`unauthorized: ${(err as Error).message}`));
    }
  };
}

function setUpAgents(agents: AgentsNamespace, chat: ChatNamespace, services: Services, log: Logger) {
  agents.use(agentAdmission(services, log));

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
    const agent = online ? await services.lookups.agentAvailability(agentId) : null;
    const status = !online ? 'offline' : agent?.availability === 'away' ? 'away' : 'online';
    agents.to(presenceRooms(data)).emit('presence', { agentId, status });
  };

  agents.on('connection', async (socket: AgentSocket) => {
    const { principal, teamId } = socket.data;
    endAtExpiry(socket, services.now());
    const joined = [rooms.agent(principal.agentId)];
    if (teamId) joined.push(rooms.team(teamId), rooms.teamCalls(teamId));
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
      const session = (await services.lookups.chatSessionsOf(ticketId).catch(() => []))[0];
      if (session) {
        const agent = await services.lookups.agentName(principal.agentId);
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

/** A socket lives no longer than its token: told, then closed (the console logs in again). */
function endAtExpiry(socket: AgentSocket, now: Date) {
  const expiry = setTimeout(() => {
    socket.emit('session:expired', { reason: 'token_expired' });
    socket.disconnect(true);
  }, Math.max(0, socket.data.expiresAt.getTime() - now.getTime()));
  socket.once('disconnect', () => clearTimeout(expiry));
}
