// The reads the HTTP and realtime layers need, by name: an agent as a session checks them, their
// availability or name, the chat sessions that follow a ticket, a message, a ticket's id by its
// reference. Those layers never build a filter of their own.
import { Types } from 'mongoose';
import type { Models } from '../index.js';

export function lookups(models: Models) {
  const id = (value: string) => (Types.ObjectId.isValid(value) ? value : null);
  return {
    /** What a session is checked against: the agent's role, activation and session version. */
    agentForSession: (agentId: string) => (id(agentId) ? models.agents.findById(agentId, { role: 1, active: 1, sessionVersion: 1, teamId: 1 }).lean() : Promise.resolve(null)),
    agentAvailability: (agentId: string) => models.agents.findById(agentId, { availability: 1 }).lean(),
    agentName: (agentId: string) => models.agents.findById(agentId, { name: 1 }).lean(),
    /** The chat sessions whose widget follows the ticket (their rooms hear of it). */
    chatSessionsOf: (ticketId: string) => models.chatSessions.find({ ticketId }, { _id: 1 }).lean(),
    /** How a citizen's space greets them (null for one who gave no name). */
    citizenName: async (citizenId: string) => (id(citizenId) ? ((await models.citizens.findById(citizenId, { name: 1 }).lean())?.name ?? null) : null),
    message: (messageId: string) => models.messages.findById(messageId).lean(),
    ticketIdByReference: (reference: string) => models.tickets.findOne({ reference }, { _id: 1 }).lean(),
  };
}
export type Lookups = ReturnType<typeof lookups>;
