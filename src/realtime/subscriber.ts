// The one subscriber that turns domain events into Socket.IO emits. An agent hears of a ticket through
// the rooms they are allowed in: their own (recurring agent or cover), the ticket's (watched after an
// access check), the managers' room, and their team's for tickets nobody owns yet.
import type { Logger } from 'pino';
import type { TicketEventData } from '../domain/events.js';
import type { Services } from '../services/index.js';
import type { TicketPayload } from './events.js';
import { rooms, type AgentsNamespace, type ChatNamespace } from './server.js';

export function subscribeDomainEvents(services: Services, agents: AgentsNamespace, chat: ChatNamespace, log: Logger): () => void {
  const audience = (e: TicketEventData) => [
    ...e.agentIds.map(rooms.agent),
    rooms.ticket(e.ticketId),
    rooms.managers,
    ...(!e.assigneeId && e.teamId ? [rooms.team(e.teamId)] : []),
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
    (await services.models.chatSessions.find({ ticketId }, { _id: 1 }).lean()).map((s) => rooms.chat(String(s._id)));

  const offs = [
    services.events.on('ticket.created', (e) => void agents.to(audience(e)).emit('ticket:created', { ...ticket(e), channel: e.channel })),
    services.events.on('ticket.updated', async (e) => {
      agents.to(audience(e)).emit('ticket:updated', { ...ticket(e), changes: e.changes });
      if ('status' in e.changes) {
        const chatRooms = await chatRoomsOf(e.ticketId);
        if (chatRooms.length) chat.to(chatRooms).emit('ticket:status', { reference: e.reference, status: e.status });
      }
    }),
    services.events.on('ticket.assigned', (e) =>
      void agents
        .to([...audience(e), rooms.agent(e.toAgentId), ...(e.fromAgentId ? [rooms.agent(e.fromAgentId)] : [])])
        .emit('ticket:assigned', { ...ticket(e), fromAgentId: e.fromAgentId ?? null, toAgentId: e.toAgentId, reason: e.reason }),
    ),
    services.events.on('message.created', (e) =>
      void agents.to(audience(e)).emit('message:created', { ...ticket(e), messageId: e.messageId, direction: e.direction, channel: e.channel, preview: e.preview }),
    ),
    services.events.on('message.status', (e) =>
      void agents.to(audience(e)).emit('message:status', { ...ticket(e), messageId: e.messageId, status: e.deliveryStatus, reason: e.reason }),
    ),
    services.events.on('message.updated', (e) => void agents.to(audience(e)).emit('message:updated', { ...ticket(e), messageId: e.messageId, changes: e.changes })),
    services.events.on('sla.warning', (e) => void agents.to(audience(e)).emit('sla:warning', { ...ticket(e), kind: e.kind, dueAt: e.dueAt })),
    services.events.on('agent.availability', async (e) => {
      const online = (await agents.in(rooms.agent(e.agentId)).fetchSockets()).length > 0;
      const status = !online ? 'offline' : e.availability === 'away' ? 'away' : 'online';
      agents.to([rooms.managers, ...(e.teamId ? [rooms.team(e.teamId)] : [])]).emit('presence', { agentId: e.agentId, status });
    }),
  ];
  log.debug('realtime subscribed to domain events');
  return () => offs.forEach((off) => off());
}
