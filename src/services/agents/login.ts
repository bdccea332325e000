// Logging in, and an agent's password: limited per address and per account from it (429 with
// Retry-After), scrypt hashes, a decoy when the email is unknown; a change ends every session.
import { NotFound, RateLimited, Unauthorized } from '../../domain/errors.js';
import { normaliseEmail } from '../../domain/identity.js';
import { hashPassword, needsRehash, verifyPassword } from '../passwords.js';
import type { Actor } from '../audit.js';
import type { AgentRole } from '../../store/models/agent.js';
import { type AgentContext, type AgentView, checkPassword, toAgentView } from './context.js';

/** Too many attempts from the address, or too many failures on the account from it: 429 before any password is checked. */
export async function admit(ctx: AgentContext, email: string, address: string) {
  const taken = await ctx.perAddress.take(address);
  if (!taken.allowed) throw new RateLimited('auth.too_many_attempts_address', {}, taken.retryAfterSeconds);
  const locked = await ctx.throttle.lockedFor(email, address);
  if (locked > 0) throw new RateLimited('auth.too_many_failures_account', {}, Math.ceil(locked / 1000));
}

/** The current password, before a change: wrong guesses count like failed logins (429 beyond). */
export async function checkCurrentPassword(ctx: AgentContext, agent: { email: string; passwordHash: string }, given: string, address?: string) {
  if (address !== undefined) await admit(ctx, agent.email, address);
  // An unreadable stored hash verifies nothing: a wrong password.
  if (await verifyPassword(given, agent.passwordHash).catch(() => false)) return;
  if (address !== undefined) await ctx.throttle.failed(agent.email, address);
  throw new Unauthorized('auth.current_password_wrong');
}

/**
 * `address` is the caller's network address: too many attempts from it, or too many failures on one
 * account from it, answer RateLimited (429 with Retry-After) before any password is checked.
 */
export async function login(ctx: AgentContext, emailInput: string, password: string, address?: string): Promise<{ token: string; expiresAt: Date; agent: AgentView }> {
  const email = normaliseEmail(emailInput) ?? '';
  // No address: an in-process caller (a script, a test), not a network client.
  if (address !== undefined) await admit(ctx, email, address);
  const agent = email ? await ctx.store.byEmail(email) : null;
  // An unreadable stored hash verifies nothing: wrong credentials.
  const valid = await verifyPassword(password, agent?.passwordHash ?? (await ctx.decoyHash)).catch(() => false);
  if (!agent || !valid) {
    if (address !== undefined) await ctx.throttle.failed(email, address);
    throw new Unauthorized('auth.wrong_credentials');
  }
  // Said only to who knows the password: the account exists, and is closed.
  if (agent.active === false) throw new Unauthorized('auth.account_deactivated').with({}, 'account_deactivated');
  if (address !== undefined) await ctx.throttle.succeeded(email, address);
  if (needsRehash(agent.passwordHash)) await ctx.store.setPasswordHash(agent._id, await hashPassword(password), false);
  const { token, expiresAt } = await ctx.tokens.sign({ agentId: String(agent._id), role: agent.role }, agent.sessionVersion ?? 0);
  return { token, expiresAt, agent: toAgentView(agent) };
}

/** An admin resets a password; an agent changes their own with the current one. */
/**
 * An admin resets a password; an agent changes their own with the current one (guesses limited like
 * logins, from `address`). Either way every session of that agent ends: ctx.tokens refused, sockets closed.
 */
export async function setPassword(ctx: AgentContext, actor: Actor & { role?: AgentRole }, id: string, input: { password: string; currentPassword?: string }, address?: string): Promise<void> {
  const agent = await ctx.store.byId(id);
  if (!agent) throw new NotFound('agent.not_found');
  checkPassword(ctx, input.password);
  const self = actor.kind === 'agent' && actor.id === id;
  if (self) await checkCurrentPassword(ctx, agent, input.currentPassword ?? '', address);
  await ctx.store.setPasswordHash(agent._id, await hashPassword(input.password), true);
  await ctx.audit(actor, self ? 'agent.password.changed' : 'agent.password.reset', { agentId: agent._id });
  ctx.events?.emit('agent.access', { agentId: id, reason: 'password' });
}
