// The common part of every ticket event: who must hear of it (the owner, and their cover while away).
import type { TicketEventData } from '../domain/events.js';
import type { Models } from '../store/index.js';
import { agentDirectory } from './agentDirectory.js';
import type { Ticket } from '../store/models/ticket.js';
import type { Types } from 'mongoose';

type TicketLike = Pick<Ticket, 'reference' | 'citizenId' | 'teamId' | 'assigneeId' | 'status'> & { _id: Types.ObjectId; channels?: string[] };

export async function ticketEventData(models: Models, ticket: TicketLike): Promise<TicketEventData> {
  const assignee = await agentDirectory(models).get(ticket.assigneeId);
  const agentIds = [ticket.assigneeId, assignee?.availability === 'away' ? assignee.coverAgentId : null].filter(Boolean).map(String);
  return {
    ticketId: String(ticket._id),
    reference: ticket.reference,
    citizenId: String(ticket.citizenId),
    teamId: ticket.teamId ? String(ticket.teamId) : null,
    assigneeId: ticket.assigneeId ? String(ticket.assigneeId) : null,
    agentIds: [...new Set(agentIds)],
    status: ticket.status,
    chat: chatFollows(ticket),
  };
}

/** Whether a chat session may follow the ticket: a chat message came to it (its channels are known only when read). */
export function chatFollows(ticket: { channels?: string[] }): boolean | undefined {
  return ticket.channels ? ticket.channels.includes('chat') : undefined;
}
