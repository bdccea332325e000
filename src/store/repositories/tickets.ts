// Tickets, read and written by name where a use case changes one: its status (compare-and-set on the
// status it was read with), its fields, and the citizen's open-ticket slot that follows the status.
import { Types } from 'mongoose';
import type { TicketStatus } from '../../domain/ticket.js';
import type { Models } from '../index.js';

export function tickets(models: Models) {
  return {
    byId: (id: Types.ObjectId | string) => models.tickets.findById(id),
    /** Where a ticket sits (its assignee and team), as the access rule reads it; null for an id that is none. */
    placeOf: (id: string) => (Types.ObjectId.isValid(id) ? models.tickets.findById(id, { assigneeId: 1, teamId: 1 }).lean() : Promise.resolve(null)),
    /** Writes `set` only if the status is still `from`: false when someone changed it meanwhile. */
    async changeStatus(id: Types.ObjectId, from: TicketStatus, set: Record<string, unknown>): Promise<boolean> {
      return (await models.tickets.updateOne({ _id: id, status: from }, { $set: set })).modifiedCount > 0;
    },
    setFields: (id: Types.ObjectId, set: Record<string, unknown>) => models.tickets.updateOne({ _id: id }, { $set: set }),
    /** The citizen's open ticket: freed when this one closes (if it held it), taken when it reopens (if free). */
    async openSlot(citizenId: Types.ObjectId, ticketId: Types.ObjectId, open: boolean) {
      if (open) await models.citizens.updateOne({ _id: citizenId, openTicketId: null }, { $set: { openTicketId: ticketId } });
      else await models.citizens.updateOne({ _id: citizenId, openTicketId: ticketId }, { $set: { openTicketId: null } });
    },
    activeAgent: (id: string) => models.agents.findOne({ _id: id, active: true }).lean(),
  };
}
export type Tickets = ReturnType<typeof tickets>;
