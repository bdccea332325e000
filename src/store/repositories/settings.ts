// The automation settings by name: one document, created with the model's defaults at first read
// (two instances creating it at once: the second reads the first's), and changed field by field.
import { isDuplicateKey, type Models } from '../index.js';

const ID = 'automation';

export function automationSettings(models: Models) {
  const { automation } = models;
  return {
    async read() {
      const doc = await automation.findById(ID).lean();
      if (doc) return doc;
      await automation.create({ _id: ID }).catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
      return (await automation.findById(ID).lean())!;
    },
    write: (set: Record<string, unknown>) => automation.updateOne({ _id: ID }, { $set: set }),
  };
}
