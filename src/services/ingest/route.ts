// Routing: who becomes a citizen's recurring agent (the least-loaded available agent of the rule's team,
// the citizen's, or the default one) and who answers for a ticket today (the recurring agent or their
// cover). The agents' open-ticket counts and the default team are kept between messages.
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import { chooseRecurringAgent, handlingAgentId } from '../../domain/routing.js';
import type { CitizenDoc } from '../../store/models/citizen.js';
import type { TicketDoc } from '../../store/models/ticket.js';
import { agentDirectory } from '../agentDirectory.js';
import { SYSTEM } from '../audit.js';
import { reusedRead } from '../reusedRead.js';
import { routingReads } from '../../store/repositories/routing.js';
import type { Classify, IngestContext, IngestDeps, Routing } from './context.js';

/** How long routing reuses the agents' open-ticket counts and the default team (kept in step with this instance's events). */
const LOADS_TTL_MS = 5_000;

export function createRoutingState(deps: Pick<IngestDeps, 'models' | 'events'>) {
  const { events } = deps;
  const reads = routingReads(deps.models);
  /** The default team (shared for a few seconds once there is one; the first team created when none is marked). */
  const defaultTeam = reusedRead(LOADS_TTL_MS, async () => {
    const team = await reads.defaultTeamId();
    if (!team) throw new Error('no team yet'); // not kept: asked again next time
    return team;
  });
  /**
   * Open tickets per agent, for least-loaded routing: counting them reads every open ticket, so the
   * counts are read at most every LOADS_TTL_MS and kept in step with this instance's own events
   * meanwhile (a new ticket adds one; a ticket closed, resolved, reopened or reassigned reads again).
   * Another instance's new tickets are seen at the next read: a few seconds of imprecision in a balance.
   */
  const loads = reusedRead(LOADS_TTL_MS, reads.openTicketsPerAgent);
  events.on('ticket.created', (e) => {
    if (e.assigneeId) loads.adjust((m) => m.set(e.assigneeId!, (m.get(e.assigneeId!) ?? 0) + 1));
  });
  events.on('ticket.updated', (e) => {
    if (typeof e.changes.status === 'string' && e.changes.status !== 'open') loads.forget();
  });
  events.on('ticket.assigned', () => loads.forget());
  // No team yet (a store being set up): the citizen waits without a team until one exists.
  return { loads, defaultTeamId: () => defaultTeam.get().catch(() => null) };
}
export type RoutingState = ReturnType<typeof createRoutingState>;

/** A recurring agent for a citizen who has none: the least-loaded of the rule's team, the citizen's, or the default one. */
export async function chooseAgent(ctx: IngestContext, citizenTeamId: Types.ObjectId | null | undefined, classify: Classify) {
  const ruleTeamId = (await classify())?.teamId;
  const teamId = (ruleTeamId ? new Types.ObjectId(ruleTeamId) : null) ?? citizenTeamId ?? (await ctx.routing.defaultTeamId());
  const agentId = await leastLoadedAgent(ctx, teamId);
  return agentId ? { agentId, teamId: teamId ?? null } : null;
}
export type ChosenAgent = Awaited<ReturnType<typeof chooseAgent>>;

/** The citizen with a recurring agent, set by compare-and-set when they had none (a concurrent message may set it first). */
export async function ensureRecurringAgent(ctx: IngestContext, citizen: CitizenDoc, log: Logger, classify: Classify): Promise<CitizenDoc> {
  if (citizen.recurringAgentId) return citizen;
  const chosen = await chooseAgent(ctx, citizen.teamId, classify);
  if (!chosen) {
    log.warn({ citizenId: String(citizen._id) }, 'no available agent: the citizen waits in the team queue');
    return citizen;
  }
  const won = await ctx.senders.recurringAgentOnce(citizen._id, chosen.agentId, chosen.teamId);
  if (won) {
    await ctx.audit(SYSTEM, 'citizen.recurring_agent.set', { citizenId: citizen._id, agentId: chosen.agentId }, { from: null, to: String(chosen.agentId), reason: 'routing: least-loaded available agent' });
    return won;
  }
  return (await ctx.senders.citizen(citizen._id))!;
}

/** The available agent of the team with the fewest open tickets; any team's when the team has none. */
async function leastLoadedAgent(ctx: IngestContext, teamId: Types.ObjectId | null): Promise<Types.ObjectId | null> {
  const available = [...(await agentDirectory(ctx.models).all()).values()].filter((a) => a.role === 'agent' && a.active && a.availability === 'available');
  for (const agents of teamId ? [available.filter((a) => String(a.teamId) === String(teamId)), available] : [available]) {
    if (agents.length === 0) continue;
    const loadOf = await ctx.routing.loads.get();
    const chosen = chooseRecurringAgent(agents.map((a) => ({ id: String(a._id), availability: a.availability, openTickets: loadOf.get(String(a._id)) ?? 0 })));
    if (chosen) return new Types.ObjectId(chosen.id);
  }
  return null;
}

/** Who owns the ticket and who answers for them today, through the chain of covers kept in the agents' directory. */
export async function routingOf(ctx: IngestContext, ticket: TicketDoc): Promise<Routing> {
  const recurringAgentId = ticket.assigneeId ? String(ticket.assigneeId) : null;
  if (!recurringAgentId) return { recurringAgentId: null, handlingAgentId: null };
  const byId = new Map<string, { availability: 'available' | 'away'; coverAgentId: string | null }>();
  for (let id: string | null = recurringAgentId; id && !byId.has(id) && byId.size < 10; ) {
    const agent = await agentDirectory(ctx.models).get(id);
    if (!agent) break;
    const coverAgentId: string | null = agent.coverAgentId ? String(agent.coverAgentId) : null;
    byId.set(id, { availability: agent.availability, coverAgentId });
    id = agent.availability === 'away' ? coverAgentId : null;
  }
  return { recurringAgentId, handlingAgentId: handlingAgentId(recurringAgentId, byId) };
}
