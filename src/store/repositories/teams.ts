// Teams by name: the list, one by id, the names behind ids, and the one default team.
import { Types } from 'mongoose';
import type { Models } from '../index.js';

export function teamsStore(models: Models) {
  const { teams } = models;
  return {
    list: () => teams.find().sort({ name: 1 }).lean(),
    exists: async (id: string | Types.ObjectId) => Types.ObjectId.isValid(id) && !!(await teams.exists({ _id: id })),
    any: async () => !!(await teams.exists({})),
    async namesOf(): Promise<Map<string, string>> {
      return new Map((await teams.find({}, { name: 1 }).lean()).map((t) => [String(t._id), t.name]));
    },
    create: (doc: { name: string; slug: string; isDefault?: boolean }) => teams.create(doc),
    update: (id: string, set: Record<string, unknown>) => (Types.ObjectId.isValid(id) ? teams.findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'after' }).lean() : Promise.resolve(null)),
    /** One default team: every other one stops being it. */
    makeOnlyDefault: (id: Types.ObjectId) => teams.updateMany({ _id: { $ne: id } }, { $set: { isDefault: false } }),
  };
}
