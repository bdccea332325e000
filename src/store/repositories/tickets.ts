// Tickets, read and written by name where a use case changes one: its status (compare-and-set on the
// status it was read with), its fields, and the citizen's open-ticket slot that follows the status.
import { Types } from 'mongoose';
import { OPEN_STATUSES, type TicketStatus } from '../../domain/ticket.js';
import type { Models } from '../index.js';

/** A filter on the version a change started from (tickets stored before versions existed have none: 0). */
const versionIs = (version: number | undefined) => (version === undefined ? {} : version === 0 ? { version: { $in: [0, null] } } : { version });

export function tickets(models: Models) {
  return {
    byId: (id: Types.ObjectId | string) => models.tickets.findById(id),
    /** Where a ticket sits (its assignee and team), as the access rule reads it; null for an id that is none. */
    placeOf: (id: string) => (Types.ObjectId.isValid(id) ? models.tickets.findById(id, { assigneeId: 1, teamId: 1 }).lean() : Promise.resolve(null)),
    /** Writes `set` only if the status is still `from`: false when someone changed it meanwhile. */
    async changeStatus(id: Types.ObjectId, from: TicketStatus, set: Record<string, unknown>, version?: number): Promise<boolean> {
      return (await models.tickets.updateOne({ _id: id, status: from, ...versionIs(version) }, { $set: set, $inc: { version: 1 } })).modifiedCount > 0;
    },
    setFields: (id: Types.ObjectId, set: Record<string, unknown>) => models.tickets.updateOne({ _id: id }, { $set: set }),
    /** Edits what agents see in the header (`set`), the version moved on; with `expected`, only if the version is still that one. */
    async edit(id: Types.ObjectId, set: Record<string, unknown>, expected?: number): Promise<boolean> {
      return (await models.tickets.updateOne({ _id: id, ...versionIs(expected) }, { $set: set, $inc: { version: 1 } })).modifiedCount > 0;
    },
    /** The citizen's open ticket: freed when this one closes (if it held it), taken when it reopens (if free). */
    async openSlot(citizenId: Types.ObjectId, ticketId: Types.ObjectId, open: boolean) {
      if (open) await models.citizens.updateOne({ _id: citizenId, openTicketId: null }, { $set: { openTicketId: ticketId } });
      else await models.citizens.updateOne({ _id: citizenId, openTicketId: ticketId }, { $set: { openTicketId: null } });
    },
    activeAgent: (id: string) => models.agents.findOne({ _id: id, active: true }).lean(),
    /** Hydrated; null for an id that is none. */
    find: (id: Types.ObjectId | string) => (Types.ObjectId.isValid(id) ? models.tickets.findById(id) : Promise.resolve(null)),
    read: (id: Types.ObjectId | string) => models.tickets.findById(id).lean(),
    exists: async (id: string) => Types.ObjectId.isValid(id) && !!(await models.tickets.exists({ _id: id })),
    referenceOf: async (id: Types.ObjectId) => (await models.tickets.findById(id, { reference: 1 }).lean())?.reference ?? null,
    byReference: (reference: string) => models.tickets.findOne({ reference }),
    /** The citizen's requests, newest first; `except` one of them. */
    ofCitizen: (citizenId: Types.ObjectId, except?: Types.ObjectId) =>
      models.tickets.find({ citizenId, ...(except ? { _id: { $ne: except } } : {}) }, { reference: 1, status: 1, subject: 1, createdAt: 1 }).sort({ createdAt: -1 }).limit(except ? 50 : 200).lean(),
    /** The citizen's open requests, hydrated. */
    openOfCitizen: (citizenId: Types.ObjectId) => models.tickets.find({ citizenId, status: { $in: OPEN_STATUSES } }),
    openAssignedTo: (agentId: string) => models.tickets.find({ assigneeId: agentId, status: { $in: OPEN_STATUSES } }, { reference: 1, citizenId: 1, teamId: 1, status: 1 }).lean(),
    openCountOf: (agentId: string) => models.tickets.countDocuments({ assigneeId: agentId, status: { $in: OPEN_STATUSES } }),
    assign: (id: Types.ObjectId, assigneeId: Types.ObjectId, teamId: Types.ObjectId | null | undefined) => models.tickets.updateOne({ _id: id }, { $set: { assigneeId, teamId }, $inc: { version: 1 } }),
    markRead: (id: Types.ObjectId) => models.tickets.updateOne({ _id: id }, { $set: { unreadCount: 0 } }),
    /** Dated by a message at `at` (never backwards): the ticket as it is after. */
    touch: (id: Types.ObjectId, at: Date) => models.tickets.findOneAndUpdate({ _id: id }, { $max: { lastMessageAt: at } }, { returnDocument: 'after' }).lean(),
    /** Answered: `set` written only if status and first answer are still those read (compare-and-set); null otherwise. */
    answered: (state: { _id: Types.ObjectId; status: TicketStatus; firstRespondedAt?: Date | null }, set: Record<string, unknown>, at: Date) =>
      models.tickets.findOneAndUpdate({ _id: state._id, status: state.status, firstRespondedAt: state.firstRespondedAt ?? null }, { $set: set, $max: { lastMessageAt: at }, ...('status' in set ? { $inc: { version: 1 } } : {}) }, { returnDocument: 'after' }),
    setCallback: (id: string, callback: Record<string, unknown>) => models.tickets.findOneAndUpdate({ _id: id }, { $set: { callback } }, { returnDocument: 'after' }),
    /** The checklist of pieces to provide. */
    checklist: async (id: Types.ObjectId) => (await models.tickets.findById(id, { documents: 1 }).lean())?.documents ?? [],
    addToChecklist: (id: Types.ObjectId, items: Record<string, unknown>[]) => models.tickets.updateOne({ _id: id }, { $push: { documents: { $each: items } } }),
    /** The checklist replaced only if it is still `current` (two uploads at once each tick their own piece). */
    swapChecklist: async (id: Types.ObjectId, current: unknown[], next: unknown[]) => (await models.tickets.updateOne({ _id: id, documents: current }, { $set: { documents: next } })).modifiedCount === 1,
  };
}
export type Tickets = ReturnType<typeof tickets>;
