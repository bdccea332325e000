// The audit log by name: events appended (one, or several of one operation in one write), and read
// back in order for a ticket's history or a citizen's data.
import type { Types } from 'mongoose';
import type { Models } from '../index.js';

type Id = string | Types.ObjectId | null;
export type AuditRecord = {
  at: Date; actor: { kind: 'system' | 'agent' | 'citizen'; id: string | null }; action: string;
  ticketId: Id; citizenId: Id; agentId: Id; data: Record<string, unknown>;
};

export function auditLog(models: Models) {
  const { auditEvents } = models;
  return {
    append: (record: AuditRecord) => auditEvents.create(record),
    appendAll: (records: AuditRecord[]) => auditEvents.insertMany(records),
    ofTicket: (ticketId: Types.ObjectId, limit = 500) => auditEvents.find({ ticketId }).sort({ at: 1 }).limit(limit).lean(),
    /** The latest change of what a ticket's header shows (status, category, priority, assignee). */
    lastHeaderChange: (ticketId: Types.ObjectId) =>
      auditEvents.findOne({ ticketId, action: { $in: ['ticket.status.changed', 'ticket.updated', 'ticket.assigned', 'ticket.recurring_agent.changed', 'ticket.erased'] } }).sort({ at: -1, _id: -1 }).lean(),
    ofCitizen: (citizenId: Types.ObjectId) => auditEvents.find({ citizenId }).sort({ at: 1 }).lean(),
  };
}
