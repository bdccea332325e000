// STOP / ARRET and START on SMS: no SMS goes to an opted-out number until it opts in again.
import { identityKey, normaliseIdentity } from '../../domain/identity.js';
import { type CitizenContext } from './context.js';

/** STOP / ARRET and START on SMS: no SMS goes to an opted-out number until it opts in again. */
export async function setSmsConsent(ctx: CitizenContext, phone: string, keyword: 'stop' | 'start'): Promise<{ known: boolean }> {
  const identity = normaliseIdentity('phone', phone, ctx.rules.defaultPhoneRegion);
  const record = await ctx.store.setSmsOptOut(identityKey(identity), keyword === 'stop' ? new Date() : null);
  await ctx.audit({ kind: 'citizen', id: identity.value }, keyword === 'stop' ? 'citizen.sms.opted_out' : 'citizen.sms.opted_in', { citizenId: record?.citizenId ?? null }, { phone: identity.value });
  return { known: !!record };
}
