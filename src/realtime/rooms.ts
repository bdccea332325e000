// The /agents and /chat namespaces' shapes and rooms: what the server and the domain-event subscriber
// both use (neither imports the other for it).
import type { Namespace, Socket } from 'socket.io';
import type { Principal } from '../services/tokens.js';
import type { ChatSessionDoc } from '../store/models/chatSession.js';
import type { AgentClientToServer, AgentServerToClient, ChatClientToServer, ChatServerToClient } from './events.js';

export interface AgentSocketData {
  principal: Principal;
  teamId: string | null;
  watching: Set<string>;
  /** The token's expiry: the socket ends then (the console logs in again). */
  expiresAt: Date;
}
export interface ChatSocketData {
  session: ChatSessionDoc | null;
}
export type AgentsNamespace = Namespace<AgentClientToServer, AgentServerToClient, Record<string, never>, AgentSocketData>;
export type ChatNamespace = Namespace<ChatClientToServer, ChatServerToClient, Record<string, never>, ChatSocketData>;
export type ChatSocket = Socket<ChatClientToServer, ChatServerToClient, Record<string, never>, ChatSocketData>;
export type AgentSocket = Socket<AgentClientToServer, AgentServerToClient, Record<string, never>, AgentSocketData>;

export const rooms = {
  agent: (id: string) => `agent:${id}`,
  team: (id: string) => `team:${id}`,
  /** Calls waiting for a team: every agent of it hears of them (anyone may take a call). */
  teamCalls: (id: string) => `calls:${id}`,
  ticket: (id: string) => `ticket:${id}`,
  managers: 'managers',
  chat: (sessionId: string) => `chat:${sessionId}`,
};

