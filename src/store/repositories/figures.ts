// What the statistics read, by name: the period's inbound messages, the tickets opened or rated in it,
// the open tickets, and the counted days and hours kept (statsDays) so a day over is counted once.
import type { Types } from 'mongoose';
import { isOpen, OPEN_STATUSES, TICKET_STATUSES } from '../../domain/ticket.js';
import type { Models } from '../index.js';

type Fields = Record<string, 1>;
type Row = { teamId?: Types.ObjectId | null; assigneeId?: Types.ObjectId | null };

export function figuresStore(models: Models) {
  const { messages, tickets, statsDays } = models;
  return {
    openTickets: <T>(fields: Fields) => tickets.find({ status: { $in: OPEN_STATUSES } }, fields).lean<T[]>(),
    /** Served by the index on both (direction first): the outbound messages of the period are not read. */
    inboundBetween: (from: Date, to: Date) => messages.find({ direction: 'in', receivedAt: { $gte: from, $lt: to } }, { channel: 1, ticketId: 1 }).lean(),
    scopesOf: (ids: string[]): Promise<(Row & { _id: Types.ObjectId })[]> => (ids.length ? tickets.find({ _id: { $in: ids } }, { teamId: 1, assigneeId: 1 }).lean() : Promise.resolve([])),
    /** Tickets opened in [from, to); `closedOnly` reads only the closed ones (by status and date, one index). */
    openedBetween: <T>(from: Date, to: Date, fields: Fields, closedOnly: boolean) =>
      tickets.find({ ...(closedOnly ? { status: { $in: TICKET_STATUSES.filter((status) => !isOpen(status)) } } : {}), openedAt: { $gte: from, $lt: to } }, fields).lean<T[]>(),
    ticketsById: <T>(ids: Types.ObjectId[], fields: Fields) => (ids.length ? tickets.find({ _id: { $in: ids } }, fields).lean<T[]>() : Promise.resolve([] as T[])),
    /** The requests opened in [from, to), oldest first, with what the per-request export shows. */
    requestsOpenedBetween: (from: Date, to: Date, scope: { teamId?: string; agentId?: string }, limit: number) =>
      tickets.find(
        { openedAt: { $gte: from, $lt: to }, ...(scope.teamId ? { teamId: scope.teamId } : {}), ...(scope.agentId ? { assigneeId: scope.agentId } : {}) },
        { reference: 1, channel: 1, openedAt: 1, firstRespondedAt: 1, firstResponseDueAt: 1, assigneeId: 1, teamId: 1, status: 1, satisfaction: 1 },
      ).sort({ openedAt: 1 }).limit(limit).lean(),
    /** The incoming calls of [from, to), with what their figures need and their request's team. */
    async callsBetween(from: Date, to: Date) {
      const found = await messages.find({ kind: 'call', direction: 'in', receivedAt: { $gte: from, $lt: to } }, { call: 1, ticketId: 1 }).lean();
      const teams = new Map((found.length ? await tickets.find({ _id: { $in: [...new Set(found.map((m) => String(m.ticketId)))] } }, { teamId: 1 }).lean() : []).map((t) => [String(t._id), t.teamId ? String(t.teamId) : null]));
      return found.map((m) => ({
        state: m.call?.state ?? 'missed', rungAs: (m.call?.rungAs ?? null) as 'usual' | 'team' | null, waitedSeconds: m.call?.waitedSeconds ?? null,
        agentId: m.call?.agentId ? String(m.call.agentId) : null, teamId: (m.call?.teamId ? String(m.call.teamId) : null) ?? teams.get(String(m.ticketId)) ?? null,
      }));
    },
    ratedBetween: (from: Date, to: Date) => tickets.find({ satisfiedAt: { $gte: from, $lt: to } }, { satisfaction: 1, teamId: 1, assigneeId: 1, channel: 1 }).lean(),
    /** The counted slices kept, by key ("kind:day" or "kind:day:hour"). */
    kept: async (keys: string[]) => new Map((keys.length ? await statsDays.find({ _id: { $in: keys } }).lean() : []).map((d) => [d._id, d])),
    keep: (key: string, counts: unknown[], pending: Types.ObjectId[]) => statsDays.updateOne({ _id: key }, { $set: { counts, pending } }, { upsert: true }),
    forget: (keys: string[]) => statsDays.deleteMany({ _id: { $in: keys } }),
  };
}
export type FiguresStore = ReturnType<typeof figuresStore>;
