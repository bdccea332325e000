// Retention, in the store (src/jobs/retention.ts says when): the closed requests past their keeping
// period, one request's personal data blanked the way an erasure does it for a citizen (texts, files,
// addresses, names, portal links; dates, channel, team and figures kept), and whether a citizen has any
// request left that is not.
import type { Types } from 'mongoose';
import type { Models } from '../index.js';

/** What stands in for a text kept no longer. */
export const EXPIRED_TEXT = '[effacé : durée de conservation dépassée]';

export function retentionStore(models: Models) {
  const { tickets, messages } = models;
  return {
    /** Closed before `before` and not yet blanked; `category`: only those (a string), or all but those (an array). */
    due: (before: Date, category: string | string[], limit = 100) =>
      tickets.find({ status: 'closed', closedAt: { $lt: before }, anonymisedAt: null, category: typeof category === 'string' ? category : { $nin: category } }, { _id: 1, citizenId: 1, reference: 1 }).limit(limit).lean(),
    /** Blanks what the request holds of its citizen; safe to run twice (each write sets the same values). */
    async blank(ticketId: Types.ObjectId) {
      const files = await messages.find({ ticketId, 'attachments.0': { $exists: true } }, { attachments: 1 }).lean();
      const fileIds = files.flatMap((m) => m.attachments.map((a) => /^attachment:([0-9a-f]{24})$/.exec(a.ref)?.[1])).filter((id): id is string => !!id);
      await models.attachments.deleteMany({ $or: [{ _id: { $in: fileIds } }, { ticketId }] });
      await models.portalLinks.deleteMany({ ticketId });
      await messages.updateMany({ ticketId }, {
        $set: { text: EXPIRED_TEXT, html: null, quotedText: null, subject: null, fromAddress: null, fromName: null, toAddress: null, statusReason: null, attachments: [], 'threadKeys.references': [], 'threadKeys.inReplyTo': null },
      });
      await messages.updateMany({ ticketId, call: { $ne: null } }, { $set: { 'call.recordingUrl': null, 'call.recordingSid': null, 'call.segments': [] } });
      await messages.updateMany({ ticketId, callback: { $ne: null } }, { $set: { callback: null } });
      await models.auditEvents.updateMany({ ticketId }, { $set: { data: { anonymised: true } } });
      await tickets.updateOne({ _id: ticketId }, { $set: { subject: EXPIRED_TEXT, callback: null, lastFrom: { sms: null, email: null, chat: null }, documents: [] } });
      // The score stays for the figures; the comment was the citizen's.
      await tickets.updateOne({ _id: ticketId, satisfaction: { $ne: null } }, { $set: { 'satisfaction.comment': null } });
    },
    /** Marks it done; true for the one instance that did (it audits). */
    done: async (ticketId: Types.ObjectId, at: Date) => (await tickets.updateOne({ _id: ticketId, anonymisedAt: null }, { $set: { anonymisedAt: at } })).modifiedCount === 1,
    /** Whether the citizen still has a request that is not blanked. */
    hasKeptRequests: async (citizenId: Types.ObjectId) => !!(await tickets.exists({ citizenId, anonymisedAt: null })),
  };
}
