// Canned answers by name: those an agent may use (the service's, a team's, their own), one by id, and
// their writes.
import { Types } from 'mongoose';
import type { Models } from '../index.js';

const valid = (id: string) => Types.ObjectId.isValid(id);

export function cannedAnswersStore(models: Models) {
  const { cannedAnswers } = models;
  return {
    byId: (id: string) => (valid(id) ? cannedAnswers.findById(id).lean() : Promise.resolve(null)),
    /** Shared answers of `teams` (null: the service's; undefined: every team's) and `ownerId`'s own, by title. */
    usableBy: (ownerId: string, teams?: (Types.ObjectId | null)[]) =>
      cannedAnswers.find({ $or: [{ ownerId: null, ...(teams ? { teamId: { $in: teams } } : {}) }, { ownerId }] }).sort({ title: 1 }).lean(),
    create: (doc: Record<string, unknown>) => cannedAnswers.create(doc),
    createMany: (docs: Record<string, unknown>[]) => cannedAnswers.insertMany(docs),
    update: (id: string, set: Record<string, unknown>) => cannedAnswers.findByIdAndUpdate(id, { $set: set }, { returnDocument: 'after' }).lean(),
    remove: (id: string) => cannedAnswers.findByIdAndDelete(id).lean(),
  };
}
