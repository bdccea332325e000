// The mailbox's reading state, by name: the last UID read (forward only, reset when UIDVALIDITY
// changes) and the lease that lets one instance read the mailbox while the others wait.
import type { MailboxStore } from '../../../channels/email/listener.js';
import type { Types } from 'mongoose';
import type { Models } from '../index.js';

export function mailboxState(models: Models, now: () => Date): MailboxStore {
  return {
    async load(mailbox) {
      const state = await models.mailboxState.findById(mailbox).lean();
      return { uidValidity: state?.uidValidity ?? null, lastUid: state?.lastUid ?? 0 };
    },
    async saveUid(mailbox, uidValidity, uid) {
      // Forward only, and reset when the mailbox's UIDVALIDITY changed.
      await models.mailboxState.updateOne({ _id: mailbox, uidValidity, lastUid: { $lt: uid } }, { $set: { lastUid: uid } });
    },
    async resetUidValidity(mailbox, uidValidity) {
      await models.mailboxState.updateOne({ _id: mailbox }, { $set: { uidValidity, lastUid: 0 } }, { upsert: true });
    },
    async acquireLease(mailbox, holder, ttlMs) {
      const at = now();
      const until = new Date(at.getTime() + ttlMs);
      try {
        const won = await models.mailboxState.findOneAndUpdate(
          { _id: mailbox, $or: [{ leaseHolder: holder }, { leaseHolder: null }, { leaseUntil: { $lt: at } }] },
          { $set: { leaseHolder: holder, leaseUntil: until } },
          { upsert: true, returnDocument: 'after' },
        );
        return !!won && won.leaseHolder === holder;
      } catch {
        return false; // another instance created the record at the same moment: it holds the lease
      }
    },
    async releaseLease(mailbox, holder) {
      await models.mailboxState.updateOne({ _id: mailbox, leaseHolder: holder }, { $set: { leaseHolder: null, leaseUntil: null } });
    },
  };
}

/** What the mailbox brings that is no citizen's message: bounces matched to our mail, the rest kept once. */
export function mailEvents(models: Models) {
  return {
    /** Our emails among the Message-IDs a bounce names (ours name their message: read by _id, as a filter on the nested key alone would walk every mail sent). */
    async oursAmong(messageIds: string[], idOf: (messageId: string) => Types.ObjectId | null) {
      const ids = messageIds.map(idOf).filter((id) => id !== null);
      return ids.length ? models.messages.find({ _id: { $in: ids }, direction: 'out', channel: 'email', 'threadKeys.messageId': { $in: messageIds } }, { _id: 1 }).lean() : [];
    },
    /** An auto-reply, bounce or unreadable mail, kept once per mailbox and Message-ID for inspection. */
    keep: (event: { mailbox: string; messageId: string } & Record<string, unknown>) =>
      models.mailEvents.updateOne({ mailbox: event.mailbox, messageId: event.messageId }, { $setOnInsert: event }, { upsert: true }),
  };
}
