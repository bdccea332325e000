// Agents and teams: creation and changes by admins, login (scrypt hashes, throttled per address and per
// account), the public view of an agent.
import { Types } from 'mongoose';
import { normalisePhone } from '../domain/identity.js';
import { Conflict, Forbidden, Invalid, NotFound, RateLimited, Unauthorized } from '../domain/errors.js';
import { memoryLimits, type Limits } from './limits.js';
import { normaliseEmail } from '../domain/identity.js';
import { OPEN_STATUSES } from '../domain/ticket.js';
import { isDuplicateKey, type Models } from '../store/index.js';
import type { AgentRole } from '../store/models/agent.js';
import { agentDirectory } from './agentDirectory.js';
import type { Actor, Audit } from './audit.js';
import type { EventBus } from './eventBus.js';
import { hashPassword, needsRehash, verifyPassword } from './passwords.js';
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
  active: boolean;
  phone: string | null;
}

type AgentDoc = {
  _id: Types.ObjectId; name: string; email: string; role: AgentRole; teamId?: Types.ObjectId | null; availability: 'available' | 'away';
  coverAgentId?: Types.ObjectId | null; awayUntil?: Date | null; active?: boolean; phone?: string | null;
};

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
});

export const MIN_PASSWORD_LENGTH = 10;

export function createAgentService(deps: { models: Models; tokens: Tokens; audit: Audit; events?: EventBus; now?: () => Date; loginAttemptsPerMinute?: number; phoneRegion?: string; limits?: Limits }) {
  const { models, tokens, audit } = deps;
  const now = deps.now ?? (() => new Date());
  // Verified when the email is unknown, so a wrong email costs as long as a wrong password.
  const decoyHash = hashPassword('decoy-password-for-timing');
  const limits = deps.limits ?? memoryLimits(now);
  const perAddress = limits.bucket('login-address', 10, (deps.loginAttemptsPerMinute ?? 10) / 60);
  const throttle = limits.lockout('login-failures');
  /** Too many attempts from the address, or too many failures on the account from it: 429 before any password is checked. */
  const admit = async (email: string, address: string) => {
    const taken = await perAddress.take(address);
    if (!taken.allowed) throw new RateLimited('auth.too_many_attempts_address', {}, taken.retryAfterSeconds);
    const locked = await throttle.lockedFor(email, address);
    if (locked > 0) throw new RateLimited('auth.too_many_failures_account', {}, Math.ceil(locked / 1000));
  };
  const checkPassword = (password: string) => {
    if (password.length < MIN_PASSWORD_LENGTH) throw new Invalid('auth.password_too_short', { min: MIN_PASSWORD_LENGTH });
  };
  /** The current password, before a change: wrong guesses count like failed logins (429 beyond). */
  const checkCurrentPassword = async (agent: { email: string; passwordHash: string }, given: string, address?: string) => {
    if (address !== undefined) await admit(agent.email, address);
    // An unreadable stored hash verifies nothing: a wrong password.
    if (await verifyPassword(given, agent.passwordHash).catch(() => false)) return;
    if (address !== undefined) await throttle.failed(agent.email, address);
    throw new Unauthorized('auth.current_password_wrong');
  };
  const teamRef = async (teamId: string | null | undefined) => {
    if (!teamId) return null;
    if (!Types.ObjectId.isValid(teamId) || !(await models.teams.exists({ _id: teamId }))) throw new NotFound('team.not_found');
    return new Types.ObjectId(teamId);
  };

  return {
    async create(actor: Actor, input: { name: string; email: string; password: string; role: AgentRole; teamId?: string | null }): Promise<AgentView> {
      const email = normaliseEmail(input.email);
      if (!email) throw new Invalid('agent.email_invalid');
      checkPassword(input.password);
      const teamId = await teamRef(input.teamId);
      try {
        const agent = await models.agents.create({
          name: input.name.trim(),
          email,
          passwordHash: await hashPassword(input.password),
          role: input.role,
          teamId,
        });
        agentDirectory(models).forget();
        await audit(actor, 'agent.created', { agentId: agent._id }, { email, role: input.role, teamId: teamId ? String(teamId) : null });
        return toAgentView(agent);
      } catch (err) {
        if (isDuplicateKey(err)) throw new Conflict('agent.email_taken');
        throw err;
      }
    },

    /**
     * `address` is the caller's network address: too many attempts from it, or too many failures on one
     * account from it, answer RateLimited (429 with Retry-After) before any password is checked.
     */
    async login(emailInput: string, password: string, address?: string): Promise<{ token: string; expiresAt: Date; agent: AgentView }> {
      const email = normaliseEmail(emailInput) ?? '';
      // No address: an in-process caller (a script, a test), not a network client.
      if (address !== undefined) await admit(email, address);
      const agent = email ? await models.agents.findOne({ email, active: true }).lean() : null;
      // An unreadable stored hash verifies nothing: wrong credentials.
      const valid = await verifyPassword(password, agent?.passwordHash ?? (await decoyHash)).catch(() => false);
      if (!agent || !valid) {
        if (address !== undefined) await throttle.failed(email, address);
        throw new Unauthorized('auth.wrong_credentials');
      }
      if (address !== undefined) await throttle.succeeded(email, address);
      if (needsRehash(agent.passwordHash)) await models.agents.updateOne({ _id: agent._id }, { $set: { passwordHash: await hashPassword(password) } });
      const { token, expiresAt } = await tokens.sign({ agentId: String(agent._id), role: agent.role }, agent.sessionVersion ?? 0);
      return { token, expiresAt, agent: toAgentView(agent) };
    },

    /**
     * An admin changes an agent's role, team, phone or deactivates them. A change of what they may see
     * ends their open sockets at once (agent.access); their tokens stop working at the next request.
     */
    async update(actor: Actor, id: string, change: { name?: string; role?: AgentRole; teamId?: string | null; active?: boolean; phone?: string | null }): Promise<AgentView> {
      const before = Types.ObjectId.isValid(id) ? await models.agents.findById(id).lean() : null;
      if (!before) throw new NotFound('agent.not_found');
      if (actor.kind === 'agent' && actor.id === id && (change.active === false || (change.role && change.role !== before.role))) {
        throw new Forbidden('agent.admin_self_lockout');
      }
      const set: Record<string, unknown> = {};
      if (change.name !== undefined) set.name = change.name.trim();
      if (change.role !== undefined) set.role = change.role;
      if (change.teamId !== undefined) set.teamId = await teamRef(change.teamId);
      if (change.active !== undefined) set.active = change.active;
      if (change.phone !== undefined) {
        // Written as agents write it ("06 12 34 56 78"); stored as Twilio dials it.
        const phone = change.phone?.trim() ? normalisePhone(change.phone, deps.phoneRegion ?? 'FR') : null;
        if (change.phone?.trim() && !phone) throw new Invalid('identity.invalid', { kind: 'téléphone', value: change.phone.slice(0, 40) });
        set.phone = phone;
      }
      const changed = (key: 'role' | 'teamId' | 'active') => key in set && String(set[key]) !== String(before[key] ?? null);
      // Deactivation and a new role end every session; reactivation does not bring them back.
      const revokes = (changed('active') && set.active === false) || changed('role');
      const after = await models.agents.findOneAndUpdate({ _id: before._id }, { $set: set, ...(revokes ? { $inc: { sessionVersion: 1 } } : {}) }, { returnDocument: 'after' }).lean();
      agentDirectory(models).forget();
      await audit(actor, 'agent.updated', { agentId: before._id }, {
        from: { role: before.role, teamId: before.teamId ? String(before.teamId) : null, active: before.active },
        to: { role: after!.role, teamId: after!.teamId ? String(after!.teamId) : null, active: after!.active },
      });
      const reason = changed('active') && !after!.active ? 'deactivated' : changed('role') ? 'role' : changed('teamId') ? 'team' : null;
      if (reason) deps.events?.emit('agent.access', { agentId: id, reason });
      return toAgentView(after!);
    },

    /** An admin resets a password; an agent changes their own with the current one. */
    /**
     * An admin resets a password; an agent changes their own with the current one (guesses limited like
     * logins, from `address`). Either way every session of that agent ends: tokens refused, sockets closed.
     */
    async setPassword(actor: Actor & { role?: AgentRole }, id: string, input: { password: string; currentPassword?: string }, address?: string): Promise<void> {
      const agent = Types.ObjectId.isValid(id) ? await models.agents.findById(id).lean() : null;
      if (!agent) throw new NotFound('agent.not_found');
      checkPassword(input.password);
      const self = actor.kind === 'agent' && actor.id === id;
      if (self) await checkCurrentPassword(agent, input.currentPassword ?? '', address);
      await models.agents.updateOne({ _id: agent._id }, { $set: { passwordHash: await hashPassword(input.password) }, $inc: { sessionVersion: 1 } });
      await audit(actor, self ? 'agent.password.changed' : 'agent.password.reset', { agentId: agent._id });
      deps.events?.emit('agent.access', { agentId: id, reason: 'password' });
    },

    async get(id: string): Promise<AgentView> {
      const agent = Types.ObjectId.isValid(id) ? await models.agents.findById(id).lean() : null;
      if (!agent) throw new NotFound('agent.not_found');
      return toAgentView(agent);
    },

    async list(options: { includeInactive?: boolean } = {}): Promise<(AgentView & { openTickets: number })[]> {
      const agents = await models.agents.find(options.includeInactive ? {} : { active: true }).sort({ name: 1 }).lean();
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
      if (!before) throw new NotFound('agent.not_found');
      const input = { ...change, availability: change.availability ?? before.availability };
      let coverAgentId: Types.ObjectId | null = null;
      if (input.availability === 'away' && input.coverAgentId) {
        if (input.coverAgentId === id) throw new Invalid('agent.cover_self');
        if (!Types.ObjectId.isValid(input.coverAgentId) || !(await models.agents.exists({ _id: input.coverAgentId, active: true }))) {
          throw new NotFound('agent.cover_not_found');
        }
        coverAgentId = new Types.ObjectId(input.coverAgentId);
      }
      const after = await models.agents.findOneAndUpdate(
        { _id: before._id },
        { $set: { availability: input.availability, coverAgentId, awayUntil: input.availability === 'away' ? (input.until ?? null) : null } },
        { returnDocument: 'after' },
      ).lean();
      agentDirectory(models).forget();
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
