// The inbox's page, as one query: the tickets in a scope (some agents', a team's, unassigned ones, or
// all), filtered and searched, by the answer due first (inboxOrder, then _id), after a cursor.
import type { Types } from 'mongoose';
import { OPEN_STATUSES, type TicketStatus } from '../../domain/ticket.js';
import type { Models } from '../index.js';

export interface InboxWhere {
  /** Assigned to one of them; null: assigned to nobody; absent: anyone. */
  assignees?: Types.ObjectId[] | null;
  /** In this team (null: in none); absent: any. */
  teamId?: Types.ObjectId | null;
  statuses?: TicketStatus[];
  channel?: string;
  category?: string;
  /** Only those whose deadline warns before this date (open, not waiting for the citizen, clock running). */
  atRiskAt?: Date;
  /** Words of the subject, the reference or the citizen's name. */
  search?: string;
  /** Citizens known by one of these identities ("phone:+33…", "email:…"): a search that names a number or an address. */
  identityKeys?: string[];
  /** After this cursor's place. */
  after?: { due: Date | null; id: Types.ObjectId };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function inboxStore(models: Models) {
  return {
    async page(where: InboxWhere, limit: number) {
      const filter: Record<string, unknown> = {};
      if (where.assignees !== undefined) filter.assigneeId = where.assignees === null ? null : { $in: where.assignees };
      if (where.teamId !== undefined) filter.teamId = where.teamId;
      if (where.statuses?.length) filter.status = { $in: where.statuses };
      if (where.channel) filter.channels = where.channel;
      if (where.category) filter.category = where.category;
      if (where.atRiskAt) {
        filter.status = { $in: (where.statuses?.length ? where.statuses : OPEN_STATUSES).filter((s) => s !== 'pending') };
        filter['sla.warnAt'] = { $lte: where.atRiskAt };
        filter['sla.pausedAt'] = null;
      }
      const and: unknown[] = [];
      if (where.search) {
        const pattern = new RegExp(escapeRegex(where.search), 'i');
        const [named, known] = await Promise.all([
          models.citizens.find({ name: pattern }, { _id: 1 }).limit(500).lean(),
          where.identityKeys?.length ? models.identities.find({ _id: { $in: where.identityKeys } }, { citizenId: 1 }).lean() : [],
        ]);
        const citizenIds = [...named.map((c) => c._id), ...known.map((i) => i.citizenId)];
        and.push({ $or: [{ subject: pattern }, { reference: pattern }, { citizenId: { $in: citizenIds } }] });
      }
      if (where.after) {
        const { due, id } = where.after;
        and.push({ $or: [{ inboxOrder: { $gt: due } }, { inboxOrder: due, _id: { $gt: id } }] });
      }
      if (and.length) filter.$and = and;
      return models.tickets.find(filter).sort({ inboxOrder: 1, _id: 1 }).limit(limit);
    },
  };
}
