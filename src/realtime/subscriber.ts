// The one subscriber that turns domain events into Socket.IO emits. An agent hears of a ticket through
// the rooms they are allowed in: their own (recurring agent or cover), the ticket's (watched after an
// access check), the managers' room, and their team's for tickets nobody owns yet. Rooms follow access:
// before each ticket event, sockets in the ticket's room that may no longer see it are taken out of it.
import type { Logger } from 'pino';
import { mayFollowTicket } from '../domain/access.js';
import type { TicketEventData } from '../domain/events.js';
import type { Services } from '../services/index.js';
import type { TicketPayload } from './events.js';
import { rooms, type AgentsNamespace, type ChatNamespace } from './rooms.js';

export function subscribeDomainEvents(services: Services, agents: AgentsNamespace, chat: ChatNamespace, log: Logger): () => void {
  const audience = (e: TicketEventData) => [
    ...e.agentIds.map(rooms.agent),
    rooms.ticket(e.ticketId),
    rooms.managers,
    // A team hears of its tickets only when its agents may open them (TEAM_VISIBILITY).
    ...(services.access.teamVisibility && e.teamId ? [rooms.team(e.teamId)] : []),
  ];
  const ticket = (e: TicketEventData): TicketPayload => ({
    ticketId: e.ticketId,
    reference: e.reference,
    status: e.status,
    assigneeId: e.assigneeId ?? null,
    teamId: e.teamId ?? null,
    citizenId: e.citizenId,
  });
  const chatRoomsOf = async (ticketId: string) =>
    (await services.lookups.chatSessionsOf(ticketId)).map((s) => rooms.chat(String(s._id)));

  /** Takes out of the ticket's room every socket (on any instance) whose agent may no longer see it. */
  const followAccess = async (e: TicketEventData) => {
    const room = rooms.ticket(e.ticketId);
    for (const socket of await agents.in(room).fetchSockets()) {
      const { principal, teamId } = socket.data;
      if (!mayFollowTicket({ ...principal, teamId }, e, services.access.teamVisibility)) socket.leave(room);
    }
  };

  // Emits keep the order of the events even though the access check awaits.
  let queue: Promise<unknown> = Promise.resolve();
  const inOrder = <E>(handler: (e: E) => unknown) => (e: E) => {
    queue = queue.then(() => handler(e)).catch((err: unknown) => log.warn({ err }, 'realtime emit failed'));
  };
  const toTicket = <E extends TicketEventData>(handler: (e: E) => unknown) =>
    inOrder(async (e: E) => {
      await followAccess(e);
      await handler(e);
    });

  const offs = [
    services.events.on('ticket.created', toTicket((e) => agents.to(audience(e)).emit('ticket:created', { ...ticket(e), channel: e.channel }))),
    services.events.on('ticket.updated', toTicket(async (e) => {
      agents.to(audience(e)).emit('ticket:updated', { ...ticket(e), changes: e.changes });
      if ('status' in e.changes && e.chat !== false) {
        const chatRooms = await chatRoomsOf(e.ticketId);
        if (chatRooms.length) chat.to(chatRooms).emit('ticket:status', { reference: e.reference, status: e.status });
      }
    })),
    services.events.on('ticket.assigned', toTicket((e) =>
      agents
        .to([...audience(e), rooms.agent(e.toAgentId), ...(e.fromAgentId ? [rooms.agent(e.fromAgentId)] : [])])
        .emit('ticket:assigned', { ...ticket(e), fromAgentId: e.fromAgentId ?? null, toAgentId: e.toAgentId, reason: e.reason, byAgentId: e.byAgentId ?? null }),
    )),
    services.events.on('message.created', toTicket((e) =>
      agents.to(audience(e)).emit('message:created', { ...ticket(e), messageId: e.messageId, direction: e.direction, channel: e.channel, preview: e.preview, byAgentId: e.byAgentId ?? null }),
    )),
    services.events.on('message.status', toTicket((e) =>
      agents.to(audience(e)).emit('message:status', { ...ticket(e), messageId: e.messageId, status: e.deliveryStatus, reason: e.reason }),
    )),
    services.events.on('message.updated', toTicket((e) => agents.to(audience(e)).emit('message:updated', { ...ticket(e), messageId: e.messageId, changes: e.changes }))),
    services.events.on('sla.warning', toTicket((e) => agents.to(audience(e)).emit('sla:warning', { ...ticket(e), kind: e.kind, dueAt: e.dueAt }))),
    services.events.on('agent.availability', inOrder(async (e) => {
      const online = (await agents.in(rooms.agent(e.agentId)).fetchSockets()).length > 0;
      const status = !online ? 'offline' : e.availability === 'away' ? 'away' : 'online';
      agents.to([rooms.managers, ...(e.teamId ? [rooms.team(e.teamId)] : [])]).emit('presence', { agentId: e.agentId, status });
      await leaveRoomsNoLongerSeen(agents, services);
    })),
    // Deactivated, or a new role or team: the agent's sockets end at once; the console logs in again.
    services.events.on('agent.access', (e) => {
      log.info({ agentId: e.agentId, reason: e.reason }, 'agent sockets disconnected: access changed');
      agents.in(rooms.agent(e.agentId)).disconnectSockets(true);
    }),
    services.events.on('citizen.erasure_requested', (e) => void agents.to(rooms.managers).emit('citizen:erasure_requested', { citizenId: e.citizenId, at: e.at, dueBy: e.dueBy, name: e.name })),
    services.events.on('citizen.erased', (e) => {
      if (e.chatSessionIds.length) chat.in(e.chatSessionIds.map(rooms.chat)).disconnectSockets(true);
    }),
  ];
  log.debug('realtime subscribed to domain events');
  return () => offs.forEach((off) => off());
}

/** A cover ends or changes: whoever watched that agent's tickets as cover may no longer see them. */
async function leaveRoomsNoLongerSeen(agents: AgentsNamespace, services: Services) {
  for (const socket of await agents.fetchSockets()) {
    if (socket.data.principal.role !== 'agent') continue;
    for (const room of socket.rooms) {
      const ticketId = room.startsWith('ticket:') ? room.slice('ticket:'.length) : null;
      if (ticketId && !(await services.access.canSeeTicket(socket.data.principal, ticketId))) socket.leave(room);
    }
  }
}
