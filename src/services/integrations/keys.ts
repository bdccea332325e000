// The system API's keys: one per back-office system, "gru_<id>_<secret>" shown once (only the hash of
// the secret is kept), scoped (tickets:read, tickets:update) and revocable at once.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import { Forbidden, Invalid, NotFound, Unauthorized } from '../../domain/errors.js';
import type { Models } from '../../store/index.js';
import { apiKeysStore } from '../../store/repositories/integrations.js';
import type { Actor, Audit } from '../audit.js';

export const API_SCOPES = ['tickets:read', 'tickets:update'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

const hashKey = (secret: string) => createHash('sha256').update(secret).digest();

export function createApiKeys(deps: { models: Models; audit: Audit; now: () => Date }) {
  const { now } = deps;
  const store = apiKeysStore(deps.models);
  return {
    async listKeys() {
      const keys = await store.active();
      return keys.map((k) => ({ id: String(k._id), name: k.name, scopes: k.scopes, createdAt: k.createdAt!.toISOString(), lastUsedAt: k.lastUsedAt ? k.lastUsedAt.toISOString() : null }));
    },

    /** A key for one system: "gru_<id>_<secret>", shown once; only the hash of the secret is kept. */
    async createKey(actor: Actor, input: { name: string; scopes: string[] }) {
      const scopes = [...new Set(input.scopes)];
      if (scopes.length === 0 || scopes.some((s) => !(API_SCOPES as readonly string[]).includes(s))) throw new Invalid('integration.scopes_invalid', { known: API_SCOPES.join(', ') });
      const id = new Types.ObjectId();
      const secret = randomBytes(32).toString('base64url');
      await store.create({ _id: id, name: input.name.trim(), hash: hashKey(secret).toString('hex'), scopes, createdBy: actor.kind === 'agent' ? actor.id : null });
      await deps.audit(actor, 'integration.key.created', {}, { id: String(id), name: input.name, scopes });
      return { id: String(id), name: input.name.trim(), scopes, key: `gru_${String(id)}_${secret}` };
    },

    async revokeKey(actor: Actor, id: string) {
      const key = await store.revoke(id, now());
      if (!key) throw new NotFound('integration.key_not_found');
      await deps.audit(actor, 'integration.key.revoked', {}, { id, name: key.name });
    },

    /** The system behind a bearer key, if the key is valid and has the scope. */
    async authenticate(bearer: string, scope: ApiScope): Promise<{ keyId: string; name: string }> {
      const match = /^gru_([0-9a-f]{24})_([\w-]{20,100})$/.exec(bearer);
      const key = match ? await store.byId(match[1]!) : null;
      const given = match ? hashKey(match[2]!) : null;
      if (!key || key.revokedAt || !given || !timingSafeEqual(given, Buffer.from(key.hash, 'hex'))) throw new Unauthorized('integration.key_invalid');
      if (!key.scopes.includes(scope)) throw new Forbidden('integration.scope_missing', { scope });
      if (!key.lastUsedAt || now().getTime() - key.lastUsedAt.getTime() > 60_000) await store.used(key._id, now());
      return { keyId: String(key._id), name: key.name };
    },
  };
}
