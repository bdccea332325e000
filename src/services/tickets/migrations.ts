// Data written before a field existed, filled once at start.
import type { TicketContext } from './context.js';
import { inboxOrderOf } from '../../store/models/ticket.js';

/** Tickets stored before the inbox order existed get it (once, at start). */
/** Tickets rated before `satisfiedAt` existed get it (statistics read a period from its index). */
export async function backfillSatisfiedAt(ctx: TicketContext): Promise<number> {
  // Once per store: a marker among the counters says it was done (the query reads every ticket).
  const done = 'migration:satisfiedAt';
  if (await ctx.models.counters.exists({ _id: done })) return 0;
  const rated = await ctx.models.tickets.find({ satisfaction: { $ne: null }, satisfiedAt: null }, { satisfaction: 1 }).lean();
  for (const t of rated) await ctx.models.tickets.updateOne({ _id: t._id }, { $set: { satisfiedAt: t.satisfaction!.at } });
  await ctx.models.counters.updateOne({ _id: done }, { $setOnInsert: { seq: 1 } }, { upsert: true });
  return rated.length;
}

export async function backfillInboxOrder(ctx: TicketContext): Promise<number> {
  const missing = await ctx.models.tickets.find({ inboxOrder: null }, { sla: 1 }).lean();
  for (const t of missing) await ctx.models.tickets.collection.updateOne({ _id: t._id }, { $set: { inboxOrder: inboxOrderOf(t.sla) } });
  return missing.length;
}
