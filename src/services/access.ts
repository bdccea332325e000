// Applies the access rule of src/domain/access.ts to stored tickets: one place for HTTP and Socket.IO.
import { Types } from 'mongoose';
import { canSeeTicket, type AgentForAccess } from '../domain/access.js';
import { Forbidden, NotFound } from '../domain/errors.js';
import type { Models } from '../store/index.js';
import { agentsStore } from '../store/repositories/agents.js';
import { tickets } from '../store/repositories/tickets.js';
import type { Principal } from './tokens.js';

/** What the access rule reads of an agent. */
export type AgentRecord = { _id: Types.ObjectId; teamId?: Types.ObjectId | null; availability: 'available' | 'away'; coverAgentId?: Types.ObjectId | null; active: boolean };

const view = (a: AgentRecord): AgentForAccess => ({
  id: String(a._id),
  teamId: a.teamId ? String(a.teamId) : null,
  availability: a.availability,
  coverAgentId: a.coverAgentId ? String(a.coverAgentId) : null,
});

export function createAccess(deps: { models: Models; teamVisibility: boolean }) {
  const { models } = deps;
  /** The same rule for a ticket already read, given the agents read with it (the principal's and the assignee's records among them). */
  const canSeeRead = (principal: Principal, ticket: { assigneeId?: Types.ObjectId | null; teamId?: Types.ObjectId | null }, agents: AgentRecord[]): boolean => {
    const me = agents.find((a) => String(a._id) === principal.agentId);
    const assignee = ticket.assigneeId ? agents.find((a) => String(a._id) === String(ticket.assigneeId)) : undefined;
    if (!me || !me.active) return false;
    return canSeeTicket(
      principal,
      { assigneeId: ticket.assigneeId ? String(ticket.assigneeId) : null, teamId: ticket.teamId ? String(ticket.teamId) : null },
      { me: view(me), assignee: assignee ? view(assignee) : null, teamVisibility: deps.teamVisibility },
    );
  };
  const canSeeTicketById = async (principal: Principal, ticketId: string): Promise<boolean> => {
    const ticket = await tickets(models).placeOf(ticketId);
    if (!ticket) return false;
    const agents = await agentsStore(models).someOf([principal.agentId, ...(ticket.assigneeId ? [ticket.assigneeId] : [])]);
    return canSeeRead(principal, ticket, agents);
  };
  return {
    teamVisibility: deps.teamVisibility,
    canSeeTicket: canSeeTicketById,
    canSeeRead,
    /** Throws NotFound for a ticket the agent may not see: its existence is not revealed either. */
    async assertCanSeeTicket(principal: Principal, ticketId: string): Promise<void> {
      if (!(await canSeeTicketById(principal, ticketId))) throw new NotFound('ticket.not_found');
    },
    assertManager(principal: Principal): void {
      if (principal.role === 'agent') throw new Forbidden('auth.role_needed', { roles: 'manager / admin' });
    },
  };
}
export type Access = ReturnType<typeof createAccess>;
