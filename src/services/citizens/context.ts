// What every use case on citizens shares: its dependencies, and reading a citizen or an active agent.
import { NotFound } from '../../domain/errors.js';
import type { Models } from '../../store/index.js';
import { agentsStore, type AgentsStore } from '../../store/repositories/agents.js';
import { citizensStore, type CitizensStore } from '../../store/repositories/citizens.js';
import { tickets, type Tickets } from '../../store/repositories/tickets.js';
import type { Audit } from '../audit.js';
import type { EventBus } from '../eventBus.js';

export interface CitizenDeps {
  models: Models;
  audit: Audit;
  events: EventBus;
  now: () => Date;
  rules: { defaultPhoneRegion: string };
}
/** The dependencies, and the stores the use cases read and write through. */
export interface CitizenContext extends CitizenDeps {
  store: CitizensStore;
  tickets: Tickets;
  agents: AgentsStore;
}
export const citizenContext = (deps: CitizenDeps): CitizenContext => ({ ...deps, store: citizensStore(deps.models), tickets: tickets(deps.models), agents: agentsStore(deps.models) });

export async function load(ctx: CitizenContext, id: string) {
  const citizen = await ctx.store.byId(id);
  if (!citizen || citizen.mergedIntoId) throw new NotFound('citizen.not_found');
  return citizen;
}

export async function activeAgent(ctx: CitizenContext, id: string) {
  const agent = await ctx.agents.activeById(id);
  if (!agent) throw new NotFound('agent.not_found');
  return agent;
}
