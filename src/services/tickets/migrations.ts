// Data written before a field existed, filled once at start (src/store/repositories/migrations.ts).
import type { TicketContext } from './context.js';
import { migrations } from '../../store/repositories/migrations.js';

/** Tickets rated before `satisfiedAt` existed get it (statistics read a period from its index). */
export const backfillSatisfiedAt = (ctx: TicketContext): Promise<number> => migrations(ctx.models).satisfiedAt();

/** Tickets stored before the inbox order existed get it (once, at start). */
export const backfillInboxOrder = (ctx: TicketContext): Promise<number> => migrations(ctx.models).inboxOrder();
