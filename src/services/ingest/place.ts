// Place: the citizen a message comes from (with their recurring agent) and the ticket it belongs to.
// A new identity is a new citizen, whose recurring agent and first ticket's slot are written with them
// in the one upsert that creates them (a concurrent delivery that created them first wins).
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { InboundMessage } from '../../../channels/types.js';
import { SYSTEM, type Audit } from '../audit.js';
import type { IngestContext, Rule } from './context.js';
import { knownCitizen, resolveCitizen, unreachableCitizen, type IdentityRecord, type Sender } from './identify.js';
import { chooseAgent, ensureRecurringAgent, type ChosenAgent } from './route.js';
import { createTicket, resolveTicket } from './thread.js';

/**
 * `known`: the identity's record, read already; `messageId`: the message's, which a ticket it opens is
 * announced by.
 */
export async function place(ctx: IngestContext, inbound: InboundMessage, sender: Sender, known: Promise<IdentityRecord | null>, messageId: Types.ObjectId, log: Logger) {
  const { identity, unreachable } = sender;
  // The keyword rules matter only for a new request or a citizen without an agent: read them then.
  let rule: Promise<Rule | undefined> | undefined;
  const classify = () => (rule ??= ctx.classify ? ctx.classify(`${inbound.subject ?? ''}\n${inbound.text}`, inbound.threadHints.newRequest?.category) : Promise.resolve(undefined));
  const firstTicketId = new Types.ObjectId();
  const first: { assigned: ChosenAgent } = { assigned: null };
  const firstWrite = async () => {
    const chosen = (first.assigned = await chooseAgent(ctx, null, classify));
    return { openTicketId: firstTicketId, lastTicketId: firstTicketId, ...(chosen ? { recurringAgentId: chosen.agentId, teamId: chosen.teamId } : {}) };
  };
  const resolved = identity
    ? await resolveCitizen(ctx, identity, inbound.from.name, known, firstWrite)
    : { citizen: unreachable ? await unreachableCitizen(ctx, inbound, unreachable) : await knownCitizen(ctx, inbound.citizenId), smsOptedOut: undefined };
  const opening = { messageId, fromAddress: identity?.value ?? null };
  const placed = { identity, unreachable, smsOptedOut: resolved.smsOptedOut };
  if (String(resolved.citizen.openTicketId) === String(firstTicketId)) {
    const citizen = resolved.citizen;
    const ticket = await createTicket(ctx, firstTicketId, citizen, inbound, { ...opening, rule: await classify(), audits: routedAudit(first.assigned, citizen._id, log) });
    log.info({ ticketId: String(ticket._id), reference: ticket.reference }, 'ticket created');
    return { ...placed, citizen, ticket, created: true };
  }
  const citizen = await ensureRecurringAgent(ctx, resolved.citizen, log, classify);
  const { ticket, created } = await resolveTicket(ctx, citizen, inbound, opening, log, classify);
  return { ...placed, citizen, ticket, created };
}
export type Placed = Awaited<ReturnType<typeof place>>;

/** The audit record of a new citizen's recurring agent, written with their first ticket's. */
function routedAudit(chosen: ChosenAgent, citizenId: Types.ObjectId, log: Logger): Parameters<Audit['all']>[0] {
  if (!chosen) {
    log.warn({ citizenId: String(citizenId) }, 'no available agent: the citizen waits in the team queue');
    return [];
  }
  return [[SYSTEM, 'citizen.recurring_agent.set', { citizenId, agentId: chosen.agentId }, { from: null, to: String(chosen.agentId), reason: 'routing: least-loaded available agent' }]];
}
