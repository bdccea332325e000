// What routing reads: the default team (the one marked, else the first created) and how many open
// tickets each agent has (one aggregation over the open tickets, which routing keeps for a few seconds).
import type { Types } from 'mongoose';
import { OPEN_STATUSES } from '../../domain/ticket.js';
import type { Models } from '../index.js';

export function routingReads(models: Models) {
  return {
    async defaultTeamId(): Promise<Types.ObjectId | null> {
      const team = (await models.teams.findOne({ isDefault: true }, { _id: 1 }).lean()) ?? (await models.teams.findOne({}, { _id: 1 }).sort({ createdAt: 1 }).lean());
      return team?._id ?? null;
    },
    async openTicketsPerAgent(): Promise<Map<string, number>> {
      const counts = await models.tickets.aggregate<{ _id: Types.ObjectId | null; n: number }>([{ $match: { status: { $in: OPEN_STATUSES } } }, { $group: { _id: '$assigneeId', n: { $sum: 1 } } }]);
      return new Map(counts.filter((c) => c._id).map((c) => [String(c._id), c.n]));
    },
  };
}
