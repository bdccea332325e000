// What every use case on agents shares: its dependencies, the login limits (per address, and failures
// per account from an address) and the decoy hash; the public view of an agent; a team and a password checked.
import { Types } from 'mongoose';
import { Invalid, NotFound } from '../../domain/errors.js';
import type { Models } from '../../store/index.js';
import { agentsStore, type AgentsStore } from '../../store/repositories/agents.js';
import { teamsStore } from '../../store/repositories/teams.js';
import type { AgentRole } from '../../store/models/agent.js';
import type { Actor, Audit } from '../audit.js';
import type { EventBus } from '../eventBus.js';
import { memoryLimits, type Bucket, type Limits, type Lockout } from '../limits.js';
import { hashPassword } from '../passwords.js';
import type { Tokens } from '../tokens.js';

export interface AgentView {
  id: string;
  name: string;
  email: string;
  role: AgentRole;
  teamId: string | null;
  availability: 'available' | 'away';
  coverAgentId: string | null;
  awayUntil: string | null;
  active: boolean;
  phone: string | null;
  voiceDevice: 'phone' | 'browser';
}

type AgentDoc = {
  _id: Types.ObjectId; name: string; email: string; role: AgentRole; teamId?: Types.ObjectId | null; availability: 'available' | 'away';
  coverAgentId?: Types.ObjectId | null; awayUntil?: Date | null; active?: boolean; phone?: string | null; voiceDevice?: string | null;
}

export const toAgentView = (a: AgentDoc): AgentView => ({
  id: String(a._id),
  name: a.name,
  email: a.email,
  role: a.role,
  teamId: a.teamId ? String(a.teamId) : null,
  availability: a.availability,
  coverAgentId: a.coverAgentId ? String(a.coverAgentId) : null,
  awayUntil: a.awayUntil ? a.awayUntil.toISOString() : null,
  active: a.active !== false,
  phone: a.phone ?? null,
  voiceDevice: a.voiceDevice === 'browser' ? 'browser' : 'phone',
});

export const MIN_PASSWORD_LENGTH = 10;

export interface AgentDeps {
  models: Models; tokens: Tokens; audit: Audit; events?: EventBus; now?: () => Date; loginAttemptsPerMinute?: number; phoneRegion?: string; limits?: Limits;
  /** Moves a leaving agent's citizens and open requests to another (the citizens' service). */
  handOver?: (actor: Actor, fromAgentId: string, toAgentId: string, reason?: string) => Promise<{ citizens: number; tickets: number }>;
}
export interface AgentContext extends AgentDeps {
  now: () => Date;
  store: AgentsStore;
  teams: ReturnType<typeof teamsStore>;
  perAddress: Bucket;
  throttle: Lockout;
  /** Verified when the email is unknown, so a wrong email costs as long as a wrong password. */
  decoyHash: Promise<string>;
}

export function createAgentContext(deps: AgentDeps): AgentContext {
  const now = deps.now ?? (() => new Date());
  const limits = deps.limits ?? memoryLimits(now);
  return {
    ...deps,
    now,
    store: agentsStore(deps.models),
    teams: teamsStore(deps.models),
    perAddress: limits.bucket('login-address', 10, (deps.loginAttemptsPerMinute ?? 10) / 60),
    throttle: limits.lockout('login-failures'),
    decoyHash: hashPassword('decoy-password-for-timing'),
  };
}

export function checkPassword(ctx: AgentContext, password: string) {
  if (password.length < MIN_PASSWORD_LENGTH) throw new Invalid('auth.password_too_short', { min: MIN_PASSWORD_LENGTH });
}

export async function teamRef(ctx: AgentContext, teamId: string | null | undefined) {
  if (!teamId) return null;
  if (!(await ctx.teams.exists(teamId))) throw new NotFound('team.not_found');
  return new Types.ObjectId(teamId);
}
