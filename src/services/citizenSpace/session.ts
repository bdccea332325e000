// A session of the space: found by the hash of its cookie, ended after 30 minutes unused or 8 hours in
// all (whichever comes first), or by the citizen. Each use moves the idle clock (written at most once
// a minute).
import { randomBytes } from 'node:crypto';
import { type CitizenSpaceContext, IDLE_MS, LONGEST_MS, type SpaceSession, tokenHash } from './context.js';

/** The live session of a cookie, seen now; null when there is none or it has ended. */
export async function resume(ctx: CitizenSpaceContext, token: string | undefined): Promise<SpaceSession | null> {
  if (!token || !/^[\w-]{20,100}$/.test(token)) return null;
  const session = await ctx.store.session(tokenHash(token));
  if (!session) return null;
  const now = ctx.now().getTime();
  const ends = session.startedAt.getTime() + LONGEST_MS;
  if (now - session.lastSeenAt.getTime() > IDLE_MS || now >= ends) {
    await ctx.store.end(session._id, ctx.now());
    return null;
  }
  if (now - session.lastSeenAt.getTime() > 60_000) await ctx.store.seen(session._id, ctx.now());
  return {
    id: String(session._id),
    citizenId: session.citizenId ? String(session.citizenId) : null,
    method: session.method as SpaceSession['method'],
    expiresAt: new Date(Math.min(now + IDLE_MS, ends)),
    franceConnectSub: session.franceConnect?.sub ?? null,
  };
}

/** Ended by the citizen: answers the FranceConnect ID token its logout needs, if any. */
export async function end(ctx: CitizenSpaceContext, session: SpaceSession): Promise<{ franceConnectIdToken: string | null }> {
  const before = await ctx.store.end(session.id, ctx.now());
  if (before?.citizenId) await ctx.audit({ kind: 'citizen', id: String(before.citizenId) }, 'space.signed_out', { citizenId: before.citizenId }, { method: before.method });
  return { franceConnectIdToken: before?.franceConnect?.idToken ?? null };
}

/** A session opened by FranceConnect: its citizen when the identity is linked (or its email is one we know), else none yet. */
export async function openFranceConnectSession(ctx: CitizenSpaceContext, identity: { sub: string; email: string | null; idToken: string }, citizenId: string | null): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await ctx.store.openSession({ tokenHash: tokenHash(token), citizenId, method: 'franceconnect', franceConnect: { sub: identity.sub, idToken: identity.idToken, email: identity.email }, at: ctx.now() });
  if (citizenId) await ctx.audit({ kind: 'citizen', id: citizenId }, 'space.signed_in', { citizenId }, { method: 'franceconnect' });
  return token;
}
