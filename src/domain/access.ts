// Who may see a ticket: managers and admins all; an agent the tickets they own, those of an agent they
// cover while that agent is away, and their team's when team visibility is on.
import type { Principal } from '../services/tokens.js';

export interface TicketForAccess {
  assigneeId: string | null;
  teamId: string | null;
}
export interface AgentForAccess {
  id: string;
  teamId: string | null;
  availability: 'available' | 'away';
  coverAgentId: string | null;
}

export function canSeeTicket(
  principal: Principal,
  ticket: TicketForAccess,
  context: { me: AgentForAccess; assignee: AgentForAccess | null; teamVisibility: boolean },
): boolean {
  if (principal.role === 'manager' || principal.role === 'admin') return true;
  if (ticket.assigneeId && ticket.assigneeId === principal.agentId) return true;
  const assignee = context.assignee;
  if (assignee && assignee.availability === 'away' && assignee.coverAgentId === principal.agentId) return true;
  if (context.teamVisibility && ticket.teamId && ticket.teamId === context.me.teamId) return true;
  return false;
}

/**
 * The same rule, from what a ticket event carries (its owner and whoever covers for them, in agentIds):
 * whether an agent's socket may stay in the ticket's room and hear of it.
 */
export function mayFollowTicket(
  viewer: { agentId: string; role: Principal['role']; teamId: string | null },
  ticket: { assigneeId?: string | null; teamId?: string | null; agentIds: readonly string[] },
  teamVisibility: boolean,
): boolean {
  if (viewer.role === 'manager' || viewer.role === 'admin') return true;
  if (ticket.assigneeId === viewer.agentId || ticket.agentIds.includes(viewer.agentId)) return true;
  return teamVisibility && !!ticket.teamId && ticket.teamId === viewer.teamId;
}
