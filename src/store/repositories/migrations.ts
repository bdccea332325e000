// Data written before a field existed, filled in: each a named query, done once per store where it
// reads everything (a marker among the counters says so).
import { inboxOrderOf } from '../models/ticket.js';
import type { Models } from '../index.js';

export function migrations(models: Models) {
  const once = async (name: string, work: () => Promise<number>) => {
    const marker = `migration:${name}`;
    if (await models.counters.exists({ _id: marker })) return 0;
    const done = await work();
    await models.counters.updateOne({ _id: marker }, { $setOnInsert: { seq: 1 } }, { upsert: true });
    return done;
  };
  return {
    /** Tickets rated before `satisfiedAt` existed get it (statistics read a period from its index). */
    satisfiedAt: () =>
      once('satisfiedAt', async () => {
        const rated = await models.tickets.find({ satisfaction: { $ne: null }, satisfiedAt: null }, { satisfaction: 1 }).lean();
        for (const t of rated) await models.tickets.updateOne({ _id: t._id }, { $set: { satisfiedAt: t.satisfaction!.at } });
        return rated.length;
      }),
    /** Tickets stored before the inbox order existed get it (the driver's own write: no timestamps touched). */
    async inboxOrder() {
      const missing = await models.tickets.find({ inboxOrder: null }, { sla: 1 }).lean();
      for (const t of missing) await models.tickets.collection.updateOne({ _id: t._id }, { $set: { inboxOrder: inboxOrderOf(t.sla) } });
      return missing.length;
    },
  };
}
