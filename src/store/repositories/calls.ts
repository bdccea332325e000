// Calls as thread entries, by name. Incoming ones (a missed call, then a voicemail and its text) and
// outgoing ones (« Rappeler »: recorded when dialled) are moved forward by Twilio's callbacks with a
// compare-and-set on their version (callbacks come in any order, on any instance); the ticket is
// answered once the citizen is reached.
import type { Types } from 'mongoose';
import type { Models } from '../index.js';
import type { MessageDoc } from '../models/message.js';

/** The incoming call as it was read: a fresh entry has none yet, an older one no version. */
function versionFilter(message: MessageDoc): Record<string, unknown> {
  if (!message.call) return { call: null };
  const version = message.call.version ?? 0;
  return version ? { 'call.version': version } : { 'call.version': { $in: [0, null] } };
}

export function calls(models: Models) {
  return {
    /** The incoming call's entry, by Twilio's CallSid. */
    incoming: (callSid: string) => models.messages.findOne({ channel: 'voice', externalId: callSid, direction: 'in' }),
    /** Its first state, unless a callback gave it one already: one thread entry of kind 'call'. */
    incomingStarted: (id: Types.ObjectId | string, call: object) => models.messages.updateOne({ _id: id, call: null }, { $set: { call, kind: 'call' } }),
    /** Writes `set` if the call is still as `message` was read; null when another callback came first. */
    incomingAdvance: (message: MessageDoc, set: Record<string, unknown>) => models.messages.findOneAndUpdate({ _id: message._id, ...versionFilter(message) }, { $set: set }, { returnDocument: 'after' }),
    ticket: (id: Types.ObjectId) => models.tickets.findById(id).lean(),
    /** Whether this call is the citizen's first contact (nothing of theirs stored before it). */
    firstContact: async (citizenId: Types.ObjectId | string, messageId: Types.ObjectId | string) => !(await models.messages.exists({ citizenId, direction: 'in', _id: { $ne: messageId } })),
    /** The team the request goes to (a phone menu's choice). */
    toTeam: (ticketId: Types.ObjectId, teamId: string) => models.tickets.updateOne({ _id: ticketId }, { $set: { teamId } }),
    /** Whether the agent is rung or on a live call begun since `since`. */
    agentOnCall: async (agentId: Types.ObjectId, since: Date) =>
      !!(await models.messages.exists({ 'call.agentId': agentId, 'call.state': { $in: ['ringing', 'in_progress'] }, receivedAt: { $gte: since } })),
    /** The ticket named after the call's first words keeps up with them (only while it still bears the old ones). */
    retitle: (ticketId: Types.ObjectId, from: string, to: string) => models.tickets.updateOne({ _id: ticketId, subject: from }, { $set: { subject: to } }),
    /** The call entry (kind 'call'); null for any other id. */
    byId: (id: Types.ObjectId | string) => models.messages.findOne({ _id: id, kind: 'call' }),
    record: (entry: Record<string, unknown>) => models.messages.create(entry),
    providerId: (id: Types.ObjectId, sid: string) => models.messages.updateOne({ _id: id }, { $set: { providerId: sid } }),
    /** Writes the call's next state if its version is still `version`; null when another callback moved it first. */
    advance: (id: Types.ObjectId, version: number, next: { state: string; durationSeconds: number | null }, text: string) =>
      models.messages.findOneAndUpdate(
        { _id: id, 'dial.version': version },
        { $set: { 'dial.state': next.state, 'dial.durationSeconds': next.durationSeconds, text }, $inc: { 'dial.version': 1 } },
        { returnDocument: 'after' },
      ),
    /** The citizen was reached: their call-back requests are done, and the ticket has its answer (first one dated). */
    async reached(ticketId: Types.ObjectId, at: Date) {
      await models.messages.updateMany({ ticketId, kind: 'callback_request', 'callback.state': 'requested' }, { $set: { 'callback.state': 'done' } });
      await models.tickets.updateOne({ _id: ticketId, firstRespondedAt: null }, { $set: { firstRespondedAt: at } });
      await models.tickets.updateOne({ _id: ticketId }, { $set: { callback: null, sla: null, nextResponseDueAt: null, unreadCount: 0 } });
    },
  };
}
export type Calls = ReturnType<typeof calls>;
