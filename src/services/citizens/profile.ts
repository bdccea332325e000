// A citizen as agents read them (identities, recurring agent, requests), the name they go by, and an address added to them.
import { Conflict, NotFound } from '../../domain/errors.js';
import { identityKey, normaliseIdentity, type IdentityKind } from '../../domain/identity.js';
import { oneLine } from '../../domain/text.js';
import { isDuplicateKey } from '../../store/index.js';
import type { Actor } from '../audit.js';
import { type CitizenContext, load } from './context.js';

export async function get(ctx: CitizenContext, id: string) {
  const citizen = await load(ctx, id);
  const [recurring, tickets] = await Promise.all([ctx.agents.byId(citizen.recurringAgentId), ctx.tickets.ofCitizen(citizen._id)]);
  return {
    id: String(citizen._id),
    name: citizen.name ?? null,
    identities: citizen.identities.map((i) => ({ kind: i.kind, value: i.value })),
    unreachable: citizen.unreachable ?? null,
    recurringAgent: recurring ? { id: String(recurring._id), name: recurring.name } : null,
    teamId: citizen.teamId ? String(citizen.teamId) : null,
    anonymisedAt: citizen.anonymisedAt ? citizen.anonymisedAt.toISOString() : null,
    erasureRequest: citizen.erasureRequest ? { at: citizen.erasureRequest.at.toISOString(), dueBy: citizen.erasureRequest.dueBy.toISOString() } : null,
    tickets: tickets.map((t) => ({ id: String(t._id), reference: t.reference, status: t.status, subject: t.subject, createdAt: t.createdAt!.toISOString() })),
  };
}

/** The name agents know the citizen by (a chat citizen often gives none). */
export async function rename(ctx: CitizenContext, actor: Actor, citizenId: string, name: string | null) {
  const citizen = await load(ctx, citizenId);
  const clean = oneLine(name?.replace(/\s+/g, ' '), 120) ?? null;
  await ctx.store.setFields(citizen._id, { name: clean });
  await ctx.audit(actor, 'citizen.renamed', { citizenId: citizen._id }, { from: citizen.name ?? null, to: clean });
  return get(ctx, citizenId);
}

/** Links a phone, email or chat session to a citizen; refused when it already leads to another one. */
export async function addIdentity(ctx: CitizenContext, actor: Actor, citizenId: string, kind: IdentityKind, raw: string) {
  const identity = normaliseIdentity(kind, raw, ctx.rules.defaultPhoneRegion);
  const citizen = await ctx.store.byId(citizenId);
  if (!citizen) throw new NotFound('citizen.not_found');
  const key = identityKey(identity);
  try {
    await ctx.store.claimIdentity(key, identity, citizen._id);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const owner = await ctx.store.identity(key);
    if (String(owner?.citizenId) !== String(citizen._id)) throw new Conflict('citizen.identity_taken', { kind });
  }
  await ctx.store.listIdentity(citizen._id, identity);
  await ctx.audit(actor, 'citizen.identity.added', { citizenId: citizen._id }, { identity });
  return identity;
}
