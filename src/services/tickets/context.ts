// What every ticket use case shares: its dependencies, and the one way a ticket is read for an agent
// (NotFound when they may not see it: its existence is not revealed).
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import { NotFound } from '../../domain/errors.js';
import type { TicketEventData } from '../../domain/events.js';
import type { Models } from '../../store/index.js';
import { agentsStore, type AgentsStore } from '../../store/repositories/agents.js';
import { citizensStore, type CitizensStore } from '../../store/repositories/citizens.js';
import { messagesStore, type MessagesStore } from '../../store/repositories/messages.js';
import { tickets, type Tickets } from '../../store/repositories/tickets.js';
import type { TicketDoc } from '../../store/models/ticket.js';
import type { Access } from '../access.js';
import { agentDirectory } from '../agentDirectory.js';
import type { Audit } from '../audit.js';
import type { DocumentService } from '../documents.js';
import type { EventBus } from '../eventBus.js';
import type { Outbox } from '../outbox/index.js';
import type { PortalService } from '../portal/index.js';
import type { SlaPolicy } from '../sla.js';
import { ticketEventData } from '../ticketEvents.js';
import type { Principal } from '../tokens.js';

export interface TicketDeps {
  models: Models;
  events: EventBus;
  audit: Audit;
  outbox: Outbox;
  access: Access;
  now: () => Date;
  log: Logger;
  sla: SlaPolicy;
  portal: PortalService;
  documents: DocumentService;
  /** A request was resolved: the satisfaction question goes out (once). */
  onResolved?: (ticket: TicketDoc) => Promise<void>;
  settings: { teamVisibility: boolean; phoneRegion?: string };
}
/** The dependencies, and the tickets' named reads and writes. */
export interface TicketContext extends TicketDeps {
  store: Tickets;
  messages: MessagesStore;
  citizens: CitizensStore;
  agents: AgentsStore;
}

/** The dependencies with the stores the use cases read and write through. */
export const ticketContext = (deps: TicketDeps): TicketContext => ({
  ...deps,
  store: tickets(deps.models),
  messages: messagesStore(deps.models),
  citizens: citizensStore(deps.models),
  agents: agentsStore(deps.models),
});

export const idOf = (id: string) => {
  if (!Types.ObjectId.isValid(id)) throw new NotFound('ticket.not_found');
  return new Types.ObjectId(id);
};

/**
 * From the agents' directory: the agent, those whose tickets they handle today (away, with them as
 * cover) and the `others` asked for (a ticket's assignee); with what the access rule reads, and every
 * agent's name.
 */
export async function agentsAround(ctx: TicketContext, agentId: string, others: (Types.ObjectId | null | undefined)[] = []) {
  const directory = agentDirectory(ctx.models);
  const me = await directory.get(Types.ObjectId.isValid(agentId) ? agentId : null);
  const all = await directory.all();
  const covered = me ? [...all.values()].filter((a) => a.availability === 'away' && String(a.coverAgentId) === agentId && a !== me) : [];
  const records = me ? [me, ...covered, ...others.map((id) => (id ? all.get(String(id)) : undefined)).filter((a) => !!a)] : [];
  return { records, me, handled: me ? [me._id, ...covered.map((a) => a._id)] : [], names: new Map([...all.values()].map((a) => [String(a._id), a.name])) };
}

/** The ticket, read once, when the principal may see it (NotFound otherwise: its existence is not revealed), with the agents read for the check. */
export async function readVisible(ctx: TicketContext, principal: Principal, ticketId: string) {
  const ticket = await ctx.store.find(ticketId);
  if (!ticket) throw new NotFound('ticket.not_found');
  const around = await agentsAround(ctx, principal.agentId, [ticket.assigneeId]);
  if (!ctx.access.canSeeRead(principal, ticket, around.records)) throw new NotFound('ticket.not_found');
  return { ticket, around };
}

export async function loadVisible(ctx: TicketContext, principal: Principal, ticketId: string): Promise<TicketDoc> {
  return (await readVisible(ctx, principal, ticketId)).ticket;
}

export const eventData = (ctx: TicketContext, ticket: TicketDoc): Promise<TicketEventData> => ticketEventData(ctx.models, ticket);
