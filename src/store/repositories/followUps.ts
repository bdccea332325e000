// What the background jobs look for, by name: deadlines reached (each recorded once), requests resolved
// long enough to close, pending ones long enough for a reminder (claimed once per pending period), and
// agents whose absence has ended.
import type { Types } from 'mongoose';
import { OPEN_STATUSES } from '../../domain/ticket.js';
import type { Models } from '../index.js';
import type { TicketDoc } from '../models/ticket.js';

/** Where each kind of warning is due and recorded on a ticket's running deadline. */
const WARNINGS = { breached: { due: 'sla.dueAt', mark: 'sla.breachedAt' }, at_risk: { due: 'sla.warnAt', mark: 'sla.warnedAt' } } as const;
/** A deadline runs on open tickets that do not wait on the citizen, while it is not paused. */
const RUNNING = { status: { $in: OPEN_STATUSES.filter((s) => s !== 'pending') }, 'sla.pausedAt': null };

export function followUps(models: Models) {
  return {
    /** Tickets whose deadline reached that point without it being recorded yet. */
    deadlinesReached: (kind: keyof typeof WARNINGS, now: Date, limit = 500) => models.tickets.find({ ...RUNNING, [WARNINGS[kind].due]: { $lte: now }, [WARNINGS[kind].mark]: null }).limit(limit),
    /** Records the warning once (whoever watches first); the ticket after, or null when another did. */
    recordWarning: (ticket: TicketDoc, kind: keyof typeof WARNINGS, now: Date) =>
      models.tickets.findOneAndUpdate(
        { _id: ticket._id, [WARNINGS[kind].mark]: null, 'sla.dueAt': ticket.sla!.dueAt },
        { $set: { [WARNINGS[kind].mark]: now, ...(kind === 'breached' ? { 'sla.warnedAt': ticket.sla!.warnedAt ?? now } : {}) } },
        { returnDocument: 'after' },
      ),
    resolvedBefore: (before: Date, limit = 200) => models.tickets.find({ status: 'resolved', resolvedAt: { $lte: before } }).limit(limit).lean(),
    pendingBefore: (before: Date, limit = 200) => models.tickets.find({ status: 'pending', reminderSentAt: null, pendingSince: { $lte: before } }).limit(limit).lean(),
    /** One reminder per pending period, even with several instances: true for the one that claims it. */
    claimReminder: async (id: Types.ObjectId, now: Date) => (await models.tickets.updateOne({ _id: id, reminderSentAt: null }, { $set: { reminderSentAt: now } })).modifiedCount === 1,
    agentsBackBy: (now: Date) => models.agents.find({ availability: 'away', awayUntil: { $ne: null, $lte: now } }, { _id: 1 }).lean(),
  };
}
