// The Socket.IO contract, typed both ways (API.md). Payloads are plain JSON.
import type { ChatPayload } from '../../channels/webchat/payloads.js';
import type { PublicMessage } from '../services/chat.js';

export interface TicketPayload {
  ticketId: string;
  reference: string;
  status: string;
  assigneeId: string | null;
  teamId: string | null;
  citizenId: string;
}
export interface MessagePayload extends TicketPayload {
  messageId: string;
  direction: 'in' | 'out' | 'note' | 'system';
  channel: string;
  preview: string;
  /** the agent who wrote it (a reply, a note) */
  byAgentId?: string | null;
}
export interface ErrorAck {
  ok: false;
  error: { code: string; message: string };
}

export interface AgentServerToClient {
  'ticket:created': (p: TicketPayload & { channel: string }) => void;
  'ticket:updated': (p: TicketPayload & { changes: Record<string, unknown> }) => void;
  'ticket:assigned': (p: TicketPayload & { fromAgentId: string | null; toAgentId: string; reason?: string; byAgentId?: string | null }) => void;
  /** A call waits in the agent's team's queue, or no longer. */
  'call:queued': (p: { teamId: string; callSid: string; ticketId: string; reference: string; citizen: { id: string; name: string | null }; from: string }) => void;
  'call:dequeued': (p: { teamId: string; callSid: string; agentId: string | null }) => void;
  /** A citizen asked for erasure from their space (managers). */
  'citizen:erasure_requested': (p: { citizenId: string; at: string; dueBy: string; name: string | null }) => void;
  /** This agent's live call: picked up, or over. */
  'call:state': (p: { callSid: string; state: 'connected' | 'ended' }) => void;
  /** A call rings at this agent (before they pick up). */
  'call:incoming': (p: { callSid: string; ticketId: string; reference: string; citizen: { id: string; name: string | null }; from: string }) => void;
  'message:created': (p: MessagePayload) => void;
  'message:status': (p: TicketPayload & { messageId: string; status: string; reason?: string }) => void;
  'message:updated': (p: TicketPayload & { messageId: string; changes: Record<string, unknown> }) => void;
  'sla:warning': (p: TicketPayload & { kind: 'at_risk' | 'breached'; dueAt: string }) => void;
  typing: (p: { ticketId: string; from: 'agent' | 'citizen'; agentId?: string }) => void;
  presence: (p: { agentId: string; status: 'online' | 'away' | 'offline' }) => void;
  'ticket:viewers': (p: { ticketId: string; agentIds: string[] }) => void;
  /** Sent just before the server closes a socket whose token expired. */
  'session:expired': (p: { reason: 'token_expired' }) => void;
}
export interface AgentClientToServer {
  'ticket:watch': (ticketId: string, ack?: (r: { ok: true; viewers: string[] } | ErrorAck) => void) => void;
  'ticket:unwatch': (ticketId: string, ack?: (r: { ok: true } | ErrorAck) => void) => void;
  typing: (p: { ticketId: string }) => void;
}

export interface ChatServerToClient {
  'message:created': (m: PublicMessage, ack?: () => void) => void;
  typing: (p: { from: 'agent'; name: string | null }) => void;
  'ticket:status': (p: { reference: string; status: string }) => void;
}
export interface ChatClientToServer {
  'chat:start': (p: ChatPayload<'chat:start'>, ack: (r: { ok: true; sessionToken: string; reference?: string } | ErrorAck) => void) => void;
  'chat:message': (p: ChatPayload<'chat:message'>, ack: (r: { ok: true; id: string; reference: string } | ErrorAck) => void) => void;
  /** A 6-digit code to the email or phone typed at the start, to confirm it. */
  'chat:verify': (p: ChatPayload<'chat:verify'>, ack: (r: { ok: true; expiresAt: string } | ErrorAck) => void) => void;
  /** The code typed back: the chat joins that address's citizen and request. */
  'chat:confirm': (p: ChatPayload<'chat:confirm'>, ack: (r: { ok: true; linked: true; reference: string } | ErrorAck) => void) => void;
  /** The answer to the satisfaction question (a message of kind 'survey'). */
  'chat:satisfaction': (p: ChatPayload<'chat:satisfaction'>, ack: (r: { ok: true; score: number } | ErrorAck) => void) => void;
  typing: () => void;
}
