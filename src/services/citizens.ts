// Citizens: the identities that lead to them. More (merge, export, erasure) comes with the agent workflows.
import { Types } from 'mongoose';
import { Conflict, NotFound } from '../domain/errors.js';
import { identityKey, normaliseIdentity, type IdentityKind } from '../domain/identity.js';
import { isDuplicateKey, type Models } from '../store/index.js';
import type { Actor, Audit } from './audit.js';

export function createCitizenService(deps: { models: Models; audit: Audit; rules: { defaultPhoneRegion: string } }) {
  const { models, audit } = deps;
  return {
    /** STOP / ARRET and START on SMS: no SMS goes to an opted-out number until it opts in again. */
    async setSmsConsent(phone: string, keyword: 'stop' | 'start'): Promise<{ known: boolean }> {
      const identity = normaliseIdentity('phone', phone, deps.rules.defaultPhoneRegion);
      const record = await models.identities.findOneAndUpdate(
        { _id: identityKey(identity) },
        { $set: { smsOptOutAt: keyword === 'stop' ? new Date() : null } },
        { returnDocument: 'after' },
      );
      await audit({ kind: 'citizen', id: identity.value }, keyword === 'stop' ? 'citizen.sms.opted_out' : 'citizen.sms.opted_in', { citizenId: record?.citizenId ?? null }, { phone: identity.value });
      return { known: !!record };
    },

    /** Links a phone, email or chat session to a citizen; refused when it already leads to another one. */
    async addIdentity(actor: Actor, citizenId: string, kind: IdentityKind, raw: string) {
      const identity = normaliseIdentity(kind, raw, deps.rules.defaultPhoneRegion);
      const citizen = Types.ObjectId.isValid(citizenId) ? await models.citizens.findById(citizenId) : null;
      if (!citizen) throw new NotFound('citizen not found');
      const key = identityKey(identity);
      try {
        await models.identities.create({ _id: key, ...identity, citizenId: citizen._id });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const owner = await models.identities.findById(key).lean();
        if (String(owner?.citizenId) !== String(citizen._id)) throw new Conflict(`this ${kind} already belongs to another citizen`);
      }
      await models.citizens.updateOne({ _id: citizen._id }, { $addToSet: { identities: identity } });
      await audit(actor, 'citizen.identity.added', { citizenId: citizen._id }, { identity });
      return identity;
    },
  };
}
export type CitizenService = ReturnType<typeof createCitizenService>;
