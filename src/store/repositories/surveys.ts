// The satisfaction question and its answers, by name: asked once per ticket (a compare-and-set on
// `surveyAskedAt`), answered once (on `satisfaction`), and an SMS that only gives a score kept in the
// thread once (the unique (channel, externalId) index).
import type { Types } from 'mongoose';
import { isDuplicateKey, type Models } from '../index.js';

type Satisfaction = { score: number; comment: string | null; at: Date; channel: string };

export function surveys(models: Models) {
  return {
    /** Claims the question for this ticket: null when it was asked already. */
    claimAsk: (ticketId: Types.ObjectId, at: Date) => models.tickets.findOneAndUpdate({ _id: ticketId, surveyAskedAt: null }, { $set: { surveyAskedAt: at } }, { returnDocument: 'after' }),
    /** Records the first answer: null when the ticket has one already. */
    recordOnce: (ticketId: Types.ObjectId, satisfaction: Satisfaction) =>
      models.tickets.findOneAndUpdate({ _id: ticketId, satisfaction: null }, { $set: { satisfaction, satisfiedAt: satisfaction.at } }, { returnDocument: 'after' }),
    ticket: (ticketId: Types.ObjectId) => models.tickets.findById(ticketId, { status: 1, surveyAskedAt: 1, satisfaction: 1 }).lean(),
    /** The citizen's ticket asked most recently since `since`. */
    latestAsked: (citizenId: Types.ObjectId, since: Date) => models.tickets.findOne({ citizenId, surveyAskedAt: { $gte: since } }).sort({ surveyAskedAt: -1 }).lean(),
    citizenOf: async (identityKey: string) => (await models.identities.findById(identityKey).lean())?.citizenId ?? null,
    smsStored: async (externalId: string) => !!(await models.messages.exists({ channel: 'sms', externalId })),
    /** Keeps the SMS answer in the thread; false when a retried webhook stored it already. */
    async keepSmsAnswer(fields: Record<string, unknown>): Promise<boolean> {
      try {
        await models.messages.create({ ...fields, direction: 'in', channel: 'sms', kind: 'survey_answer' });
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return false;
      }
    },
  };
}
export type Surveys = ReturnType<typeof surveys>;
