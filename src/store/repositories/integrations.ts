// The back-office's connections by name: webhook endpoints (the active ones, one by id, registered,
// removed) and the system API's keys (listed, created, revoked, looked up, marked as used).
import { Types } from 'mongoose';
import type { Models } from '../index.js';

const valid = (id: string) => Types.ObjectId.isValid(id);

export function endpointsStore(models: Models) {
  const { integrationEndpoints: endpoints } = models;
  return {
    /** What each event needs to know: the active endpoints and the events they want. */
    wanting: () => endpoints.find({ active: true }, { _id: 1, events: 1 }).lean().exec(),
    active: () => endpoints.find({ active: true }).sort({ _id: 1 }).lean(),
    exists: async (id: string) => valid(id) && !!(await endpoints.exists({ _id: id })),
    create: (doc: { url: string; events: string[]; sealedSecret: string; createdBy: string | null }) => endpoints.create(doc),
    /** Deactivates an active endpoint: the one it was, or null. */
    deactivate: (id: string) => (valid(id) ? endpoints.findOneAndUpdate({ _id: id, active: true }, { $set: { active: false } }).lean() : Promise.resolve(null)),
  };
}

export function apiKeysStore(models: Models) {
  const { apiKeys } = models;
  return {
    active: () => apiKeys.find({ revokedAt: null }).sort({ _id: 1 }).lean(),
    byId: (id: string) => apiKeys.findById(id).lean(),
    create: (doc: { _id: Types.ObjectId; name: string; hash: string; scopes: string[]; createdBy: string | null }) => apiKeys.create(doc),
    revoke: (id: string, at: Date) => (valid(id) ? apiKeys.findOneAndUpdate({ _id: id, revokedAt: null }, { $set: { revokedAt: at } }).lean() : Promise.resolve(null)),
    used: (id: Types.ObjectId, at: Date) => apiKeys.updateOne({ _id: id }, { $set: { lastUsedAt: at } }),
  };
}
