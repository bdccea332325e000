// Agents: creation by admins, login with bcrypt-hashed passwords (bcryptjs), the public view of an agent.
import bcrypt from 'bcryptjs';
import { Types } from 'mongoose';
import { Conflict, Invalid, NotFound, Unauthorized } from '../domain/errors.js';
import { normaliseEmail } from '../domain/identity.js';
import { OPEN_STATUSES } from '../domain/ticket.js';
import { isDuplicateKey, type Models } from '../store/index.js';
import type { AgentRole } from '../store/models/agent.js';
import type { Actor, Audit } from './audit.js';
import type { EventBus } from './eventBus.js';
import type { Tokens } from './tokens.js';

export interface AgentView {
  id: string;
  name: string;
  email: string;
  role: AgentRole;
  teamId: string | null;
  availability: 'available' | 'away';
  coverAgentId: string | null;
  awayUntil: string | null;
}

type AgentDoc = { _id: Types.ObjectId; name: string; email: string; role: AgentRole; teamId?: Types.ObjectId | null; availability: 'available' | 'away'; coverAgentId?: Types.ObjectId | null; awayUntil?: Date | null };

export const toAgentView = (a: AgentDoc): AgentView => ({
  id: String(a._id),
  name: a.name,
  email: a.email,
  role: a.role,
  teamId: a.teamId ? String(a.teamId) : null,
  availability: a.availability,
  coverAgentId: a.coverAgentId ? String(a.coverAgentId) : null,
  awayUntil: a.awayUntil ? a.awayUntil.toISOString() : null,
});

export const MIN_PASSWORD_LENGTH = 10;
/** bcrypt cost: about 0.2 s per hash on one core, which slows guessing and keeps login usable. */
const BCRYPT_COST = 11;

export function createAgentService(deps: { models: Models; tokens: Tokens; audit: Audit; events?: EventBus }) {
  const { models, tokens, audit } = deps;
  // Verified when the email is unknown, so a wrong email costs as long as a wrong password.
  const decoyHash = bcrypt.hash('decoy-password-for-timing', BCRYPT_COST);

  return {
    async create(actor: Actor, input: { name: string; email: string; password: string; role: AgentRole; teamId?: string | null }): Promise<AgentView> {
      const email = normaliseEmail(input.email);
      if (!email) throw new Invalid('email is not a valid address');
      if (input.password.length < MIN_PASSWORD_LENGTH) throw new Invalid(`password must have at least ${MIN_PASSWORD_LENGTH} characters`);
      let teamId: Types.ObjectId | null = null;
      if (input.teamId) {
        if (!Types.ObjectId.isValid(input.teamId) || !(await models.teams.exists({ _id: input.teamId }))) throw new NotFound('team not found');
        teamId = new Types.ObjectId(input.teamId);
      }
      try {
        const agent = await models.agents.create({
          name: input.name.trim(),
          email,
          passwordHash: await bcrypt.hash(input.password, BCRYPT_COST),
          role: input.role,
          teamId,
        });
        await audit(actor, 'agent.created', { agentId: agent._id }, { email, role: input.role, teamId: teamId ? String(teamId) : null });
        return toAgentView(agent);
      } catch (err) {
        if (isDuplicateKey(err)) throw new Conflict('an agent with this email already exists');
        throw err;
      }
    },

    async login(emailInput: string, password: string): Promise<{ token: string; expiresAt: Date; agent: AgentView }> {
      const email = normaliseEmail(emailInput) ?? '';
      const agent = email ? await models.agents.findOne({ email, active: true }).lean() : null;
      const valid = await bcrypt.compare(password, agent?.passwordHash ?? (await decoyHash)).catch(() => false);
      if (!agent || !valid) throw new Unauthorized('wrong email or password');
      const { token, expiresAt } = await tokens.sign({ agentId: String(agent._id), role: agent.role });
      return { token, expiresAt, agent: toAgentView(agent) };
    },

    async get(id: string): Promise<AgentView> {
      const agent = Types.ObjectId.isValid(id) ? await models.agents.findById(id).lean() : null;
      if (!agent) throw new NotFound('agent not found');
      return toAgentView(agent);
    },

    async list(): Promise<(AgentView & { openTickets: number })[]> {
      const agents = await models.agents.find({ active: true }).sort({ name: 1 }).lean();
      const loads = await models.tickets.aggregate<{ _id: Types.ObjectId; n: number }>([
        { $match: { status: { $in: OPEN_STATUSES } } },
        { $group: { _id: '$assigneeId', n: { $sum: 1 } } },
      ]);
      const loadOf = new Map(loads.map((l) => [String(l._id), l.n]));
      return agents.map((a) => ({ ...toAgentView(a), openTickets: loadOf.get(String(a._id)) ?? 0 }));
    },

    /** Away with a cover agent, or back: the cover gets the messages, the return gives them back. */
    async setAvailability(actor: Actor, id: string, change: { availability?: 'available' | 'away'; coverAgentId?: string | null; until?: Date | null }): Promise<AgentView> {
      const before = await models.agents.findById(Types.ObjectId.isValid(id) ? id : new Types.ObjectId()).lean();
      if (!before) throw new NotFound('agent not found');
      const input = { ...change, availability: change.availability ?? before.availability };
      let coverAgentId: Types.ObjectId | null = null;
      if (input.availability === 'away' && input.coverAgentId) {
        if (input.coverAgentId === id) throw new Invalid('an agent cannot cover for themselves');
        if (!Types.ObjectId.isValid(input.coverAgentId) || !(await models.agents.exists({ _id: input.coverAgentId, active: true }))) {
          throw new NotFound('cover agent not found');
        }
        coverAgentId = new Types.ObjectId(input.coverAgentId);
      }
      const after = await models.agents.findOneAndUpdate(
        { _id: before._id },
        { $set: { availability: input.availability, coverAgentId, awayUntil: input.availability === 'away' ? (input.until ?? null) : null } },
        { returnDocument: 'after' },
      ).lean();
      await audit(actor, 'agent.availability.changed', { agentId: before._id }, {
        from: { availability: before.availability, coverAgentId: before.coverAgentId ? String(before.coverAgentId) : null },
        to: { availability: after!.availability, coverAgentId: coverAgentId ? String(coverAgentId) : null, until: input.until ?? null },
      });
      deps.events?.emit('agent.availability', {
        agentId: String(before._id),
        teamId: before.teamId ? String(before.teamId) : null,
        availability: after!.availability,
        coverAgentId: coverAgentId ? String(coverAgentId) : null,
      });
      return toAgentView(after!);
    },
  };
}
export type AgentService = ReturnType<typeof createAgentService>;
