// Domain events: what happened, emitted after it is stored. Realtime and jobs subscribe to these.
import type { Channel, DeliveryStatus, MessageDirection, TicketStatus } from './ticket.js';

export interface TicketEventData {
  ticketId: string;
  reference: string;
  citizenId: string;
  teamId?: string | null;
  assigneeId?: string | null;
  /** The agents who must hear of it: the recurring agent and whoever covers for them. */
  agentIds: string[];
  status: TicketStatus;
  /** Whether a chat session may follow the ticket (it has had a chat message); absent when not known. */
  chat?: boolean;
}

export interface DomainEventMap {
  'ticket.created': TicketEventData & { channel: Channel };
  'ticket.updated': TicketEventData & { changes: Record<string, unknown> };
  'ticket.assigned': TicketEventData & { fromAgentId?: string | null; toAgentId: string; reason?: string; /** who moved it, when an agent did */ byAgentId?: string | null };
  'message.created': TicketEventData & {
    messageId: string;
    direction: MessageDirection;
    channel: Channel;
    preview: string;
    /** the agent who wrote it (a reply, a note) */
    byAgentId?: string | null;
  };
  'message.status': TicketEventData & { messageId: string; deliveryStatus: DeliveryStatus; reason?: string };
  /** A deadline is at risk (warned) or breached: each recorded and pushed once. */
  'sla.warning': TicketEventData & { kind: 'at_risk' | 'breached'; deadline: 'first' | 'next'; dueAt: string };
  /** A live call rings at an agent: their console shows who calls, with the open request (screen pop). */
  'call.incoming': { agentId: string; callSid: string; ticketId: string; reference: string; citizen: { id: string; name: string | null }; from: string };
  /** A call waits in a team's queue (`call:queued` to that team), or no longer (`call:dequeued`: taken, left or hung up). */
  'call.queued': { teamId: string; callSid: string; ticketId: string; reference: string; citizen: { id: string; name: string | null }; from: string };
  'call.dequeued': { teamId: string; callSid: string; agentId: string | null };
  /** The agent's leg of a live call: picked up (`connected`), or over (`ended`, answered or not): their console follows. */
  'call.agent': { agentId: string; callSid: string; state: 'connected' | 'ended' };
  /** An agent went away (with a cover) or came back. */
  'agent.availability': { agentId: string; teamId: string | null; availability: 'available' | 'away'; coverAgentId: string | null; ticketId?: undefined };
  /** A message gained content after it was created: a call's recording, then its transcription. */
  'message.updated': TicketEventData & { messageId: string; changes: Record<string, unknown> };
  /** An agent's account changed what they may see (deactivated, new role or team): their sockets end. */
  'agent.access': { agentId: string; reason: 'deactivated' | 'role' | 'team' | 'password'; ticketId?: undefined };
  /** The citizen answered the satisfaction question (1 to 5). */
  'satisfaction.received': TicketEventData & { score: number; channel: string };
  /** The citizen asked for erasure from their space: managers have until `dueBy` (a month). */
  'citizen.erasure_requested': { citizenId: string; at: string; dueBy: string; name: string | null; ticketId?: undefined };
  /** RGPD erasure: the citizen's chat sessions are gone, their open widgets are disconnected. */
  /** After an erasure: what other parts keep of the citizen goes too (addresses only for in-process subscribers). */
  'citizen.erased': { citizenId: string; chatSessionIds: string[]; ticketIds: string[]; references: string[]; addresses: string[]; ticketId?: undefined };
}
export type DomainEventName = keyof DomainEventMap;
