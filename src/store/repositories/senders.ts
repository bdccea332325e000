// Who a message comes from, in the store: identities keyed by "kind:value" in _id (the unique key that
// makes two concurrent first messages from one address resolve to one citizen, and an _id lookup the
// embedded FerretDB pushes down), and the citizens they lead to, created idempotently by every racer.
import { Types } from 'mongoose';
import type { Identity } from '../../domain/identity.js';
import { identityKey } from '../../domain/identity.js';
import { isDuplicateKey, type Models } from '../index.js';

export type IdentityRecord = { citizenId: Types.ObjectId; smsOptOutAt?: Date | null };

export function senders(models: Models) {
  return {
    identity: (identity: Identity) => models.identities.findById(identityKey(identity)).lean().exec(),
    /** The identity's record, created now with a new citizen id unless a concurrent delivery created it first. */
    async createIdentity(identity: Identity): Promise<{ record: IdentityRecord; isNew: boolean }> {
      const key = identityKey(identity);
      try {
        return { record: (await models.identities.create({ _id: key, kind: identity.kind, value: identity.value, citizenId: new Types.ObjectId() })).toObject(), isNew: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return { record: (await models.identities.findById(key).lean())!, isNew: false };
      }
    },
    citizen: (id: Types.ObjectId | string) => models.citizens.findById(id),
    /** The citizen with this id holding the identity, created with `onInsert` if missing: every racer upserts the same id. */
    async upsertCitizen(id: Types.ObjectId, identity: Identity, onInsert: Record<string, unknown>) {
      for (let attempt = 0; ; attempt++) {
        try {
          return (await models.citizens.findOneAndUpdate({ _id: id }, { $setOnInsert: onInsert, $addToSet: { identities: identity } }, { upsert: true, returnDocument: 'after' }))!;
        } catch (err) {
          if (!isDuplicateKey(err) || attempt >= 3) throw err;
        }
      }
    },
    /** Gives the citizen a recurring agent if they have none yet; null when a concurrent message gave one first. */
    recurringAgentOnce: (citizenId: Types.ObjectId, agentId: Types.ObjectId, teamId: Types.ObjectId | null) =>
      models.citizens.findOneAndUpdate({ _id: citizenId, recurringAgentId: null }, { $set: { recurringAgentId: agentId, teamId } }, { returnDocument: 'after' }),
    /** The citizen with this id, created with `fields` if missing (a concurrent delivery may create it first). */
    async citizenOnce(id: Types.ObjectId, fields: Record<string, unknown>) {
      const existing = await models.citizens.findById(id);
      if (existing) return existing;
      try {
        return await models.citizens.create({ _id: id, ...fields });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return (await models.citizens.findById(id))!;
      }
    },
  };
}
export type Senders = ReturnType<typeof senders>;
