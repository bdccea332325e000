// What every use case on citizens shares: its dependencies, and reading a citizen or an active agent.
import { Types } from 'mongoose';
import { NotFound } from '../../domain/errors.js';
import type { Models } from '../../store/index.js';
import type { Audit } from '../audit.js';
import type { EventBus } from '../eventBus.js';

export interface CitizenContext {
  models: Models;
  audit: Audit;
  events: EventBus;
  now: () => Date;
  rules: { defaultPhoneRegion: string };
}

export async function load(ctx: CitizenContext, id: string) {
  const citizen = Types.ObjectId.isValid(id) ? await ctx.models.citizens.findById(id) : null;
  if (!citizen || citizen.mergedIntoId) throw new NotFound('citizen.not_found');
  return citizen;
}

export async function activeAgent(ctx: CitizenContext, id: string) {
  const agent = Types.ObjectId.isValid(id) ? await ctx.models.agents.findOne({ _id: id, active: true }).lean() : null;
  if (!agent) throw new NotFound('agent.not_found');
  return agent;
}
