// Agents' accounts: an admin creates them and changes their role, team, phone or activation; anyone
// reads them (the public view of an agent).
import { Conflict, Forbidden, Invalid, NotFound } from '../../domain/errors.js';
import { normaliseEmail, normalisePhone } from '../../domain/identity.js';
import { hashPassword } from '../passwords.js';
import { isDuplicateKey } from '../../store/index.js';
import { agentDirectory } from '../agentDirectory.js';
import type { Actor } from '../audit.js';
import type { AgentRole } from '../../store/models/agent.js';
import { type AgentContext, type AgentView, teamRef, checkPassword, toAgentView } from './context.js';
import { handOverBeforeLeaving, type HandoverTarget } from './handover.js';

export async function create(ctx: AgentContext, actor: Actor, input: { name: string; email: string; password: string; role: AgentRole; teamId?: string | null }): Promise<AgentView> {
  const email = normaliseEmail(input.email);
  if (!email) throw new Invalid('agent.email_invalid');
  checkPassword(ctx, input.password);
  const teamId = await teamRef(ctx, input.teamId);
  try {
    const agent = await ctx.store.create({
      name: input.name.trim(),
      email,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      teamId,
    });
    agentDirectory(ctx.models).forget();
    await ctx.audit(actor, 'agent.created', { agentId: agent._id }, { email, role: input.role, teamId: teamId ? String(teamId) : null });
    return toAgentView(agent);
  } catch (err) {
    if (isDuplicateKey(err)) throw new Conflict('agent.email_taken');
    throw err;
  }
}

/**
 * An admin changes an agent's role, team, phone or deactivates them. A change of what they may see
 * ends their open sockets at once (agent.access); their ctx.tokens stop working at the next request.
 */
export async function update(ctx: AgentContext, actor: Actor, id: string, change: { name?: string; role?: AgentRole; teamId?: string | null; active?: boolean; phone?: string | null; voiceDevice?: 'phone' | 'browser'; handoverTo?: HandoverTarget }): Promise<AgentView> {
  const before = await ctx.store.byId(id);
  if (!before) throw new NotFound('agent.not_found');
  if (actor.kind === 'agent' && actor.id === id && (change.active === false || (change.role && change.role !== before.role))) {
    throw new Forbidden('agent.admin_self_lockout');
  }
  // Leaving: their requests and citizens go to a successor first (or the answer says how many there are).
  if (change.active === false && before.active !== false) await handOverBeforeLeaving(ctx, actor, before, change.handoverTo);
  const set: Record<string, unknown> = {};
  if (change.name !== undefined) set.name = change.name.trim();
  if (change.role !== undefined) set.role = change.role;
  if (change.teamId !== undefined) set.teamId = await teamRef(ctx, change.teamId);
  if (change.active !== undefined) set.active = change.active;
  if (change.voiceDevice !== undefined) set.voiceDevice = change.voiceDevice;
  if (change.phone !== undefined) {
    // Written as agents write it ("06 12 34 56 78"); stored as Twilio dials it.
    const phone = change.phone?.trim() ? normalisePhone(change.phone, ctx.phoneRegion ?? 'FR') : null;
    if (change.phone?.trim() && !phone) throw new Invalid('identity.invalid', { kind: 'téléphone', value: change.phone.slice(0, 40) });
    set.phone = phone;
  }
  const changed = (key: 'role' | 'teamId' | 'active') => key in set && String(set[key]) !== String(before[key] ?? null);
  // Deactivation and a new role end every session; reactivation does not bring them back.
  const revokes = (changed('active') && set.active === false) || changed('role');
  const after = await ctx.store.update(before._id, set, revokes);
  agentDirectory(ctx.models).forget();
  await ctx.audit(actor, 'agent.updated', { agentId: before._id }, {
    from: { role: before.role, teamId: before.teamId ? String(before.teamId) : null, active: before.active },
    to: { role: after!.role, teamId: after!.teamId ? String(after!.teamId) : null, active: after!.active },
  });
  const reason = changed('active') && !after!.active ? 'deactivated' : changed('role') ? 'role' : changed('teamId') ? 'team' : null;
  if (reason) ctx.events?.emit('agent.access', { agentId: id, reason });
  return toAgentView(after!);
}

export async function get(ctx: AgentContext, id: string): Promise<AgentView> {
  const agent = await ctx.store.byId(id);
  if (!agent) throw new NotFound('agent.not_found');
  return toAgentView(agent);
}

export async function list(ctx: AgentContext, options: { includeInactive?: boolean } = {}): Promise<(AgentView & { openTickets: number; citizens: number })[]> {
  const [agents, loadOf, citizensOf] = await Promise.all([ctx.store.list(options.includeInactive), ctx.store.openLoads(), ctx.store.citizensPerAgent()]);
  return agents.map((a) => ({ ...toAgentView(a), openTickets: loadOf.get(String(a._id)) ?? 0, citizens: citizensOf.get(String(a._id)) ?? 0 }));
}
