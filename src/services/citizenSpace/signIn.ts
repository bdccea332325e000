// Entering the space without an account: a 6-digit code to an address we know (email or SMS, through
// the outbox, written in the citizen's latest request like a chat's verification code, derived from the
// message's id and never stored), typed back within 10 minutes and 5 tries. Whoever asks gets the same
// answer, known address or not; a wrong, expired, used or never-sent code the same refusal.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import { DomainError, Invalid, RateLimited } from '../../domain/errors.js';
import { identityKey, isMobilePhone, type Identity } from '../../domain/identity.js';
import { t } from '../../i18n/catalogue.js';
import { citizensStore } from '../../store/repositories/citizens.js';
import { CODE_PLACEHOLDER } from '../sentTexts.js';
import { addressOf, CODE_TTL_MS, type CitizenSpaceContext, MAX_TRIES, type SpaceSession, tokenHash } from './context.js';

function parse(ctx: CitizenSpaceContext, raw: string): Identity {
  const identity = addressOf(raw, ctx.phoneRegion);
  if (!identity) throw new Invalid('space.address_invalid');
  return identity;
}

/**
 * POST /api/citizen/session/code: a code to the address if we know it. Only the address's form and the
 * limits are answered for; the rest happens after the answer, so that neither its words nor its time
 * tell whether the address is known.
 */
export async function sendCode(ctx: CitizenSpaceContext, raw: string, network: string): Promise<void> {
  const identity = parse(ctx, raw);
  const key = identityKey(identity);
  if (!(await ctx.codesPerNetwork.take(network)).allowed || !(await ctx.codesPerAddress.take(key)).allowed) throw new RateLimited('space.too_many_codes', {}, 60);
  setImmediate(() => void deliver(ctx, identity).catch((err: unknown) => ctx.log.error({ err }, 'space code not delivered')));
}

async function deliver(ctx: CitizenSpaceContext, identity: Identity): Promise<void> {
  const key = identityKey(identity);
  const known = await citizensStore(ctx.models).identity(key);
  // SMS reach mobiles only; a citizen with no request left has nothing to show.
  if (!known || (identity.kind === 'phone' && !isMobilePhone(identity.value))) return;
  const request = await ctx.store.latestRequest(known.citizenId);
  if (!request) return;
  // The code is derived from the message's id: kept before the message can go out, so it is never typed
  // back before we know it.
  const messageId = new Types.ObjectId();
  await ctx.store.putCode(key, { citizenId: known.citizenId, messageId, expiresAt: new Date(ctx.now().getTime() + CODE_TTL_MS) });
  try {
    await ctx.outbox.queue({
      id: messageId,
      ticketId: request._id,
      ticket: request,
      // A code does not move the request in the agents' inbox.
      ticketDatedByCaller: true,
      channel: identity.kind === 'email' ? 'email' : 'sms',
      to: identity.value,
      kind: 'verification',
      subject: t('space.code_subject', { service: ctx.serviceName }),
      text: t('space.code_text', { code: CODE_PLACEHOLDER }),
    });
    await ctx.audit({ kind: 'citizen', id: String(known.citizenId) }, 'space.code_sent', { citizenId: known.citizenId, ticketId: request._id }, { kind: identity.kind });
  } catch (err) {
    // The channel is off, or the number sent STOP: nothing goes out, and the answer was the same.
    if (!(err instanceof DomainError)) throw err;
    ctx.log.info({ reason: err.code }, 'space code not sent');
  }
}

/**
 * POST /api/citizen/session: the code typed back. Opens a session (its cookie's token answered), or,
 * for a FranceConnect session not linked yet, links that identity to the citizen of the address.
 */
export async function signIn(ctx: CitizenSpaceContext, raw: string, code: string, network: string, current: SpaceSession | null): Promise<{ token: string | null; citizenId: string }> {
  const identity = parse(ctx, raw);
  const key = identityKey(identity);
  if (!(await ctx.guessesPerNetwork.take(network)).allowed) throw new RateLimited('space.too_many_tries', {}, 60);
  const pending = await ctx.store.code(key);
  if (!pending || pending.expiresAt.getTime() < ctx.now().getTime()) throw new Invalid('space.code_wrong');
  // One try taken atomically: concurrent guesses cannot get past the limit; after five the code is dead.
  const counted = await ctx.store.takeTry(key, pending.messageId, MAX_TRIES);
  const expected = Buffer.from(ctx.sentTexts.codeOf(pending.messageId));
  const given = Buffer.from(String(code).replace(/\s+/g, '').slice(0, 12).padEnd(6, ' '));
  const citizenId = String(pending.citizenId);
  if (!counted || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    if (counted) await ctx.audit({ kind: 'citizen', id: citizenId }, 'space.code_wrong', { citizenId }, { tries: counted.tries });
    throw new Invalid('space.code_wrong');
  }
  if (!(await ctx.store.useCode(key, pending.messageId))) throw new Invalid('space.code_wrong');
  if (current?.method === 'franceconnect' && !current.citizenId && current.franceConnectSub) {
    await ctx.store.link(current.franceConnectSub, citizenId, 'code', ctx.now());
    await ctx.store.attach(current.id, citizenId);
    await ctx.audit({ kind: 'citizen', id: citizenId }, 'space.franceconnect_linked', { citizenId }, { via: 'code', kind: identity.kind });
    return { token: null, citizenId };
  }
  const token = randomBytes(32).toString('base64url');
  await ctx.store.openSession({ tokenHash: tokenHash(token), citizenId, method: 'code', at: ctx.now() });
  await ctx.audit({ kind: 'citizen', id: citizenId }, 'space.signed_in', { citizenId }, { method: 'code', kind: identity.kind });
  return { token, citizenId };
}
