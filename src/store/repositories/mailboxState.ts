// The mailbox's reading state, by name: the last UID read (forward only, reset when UIDVALIDITY
// changes) and the lease that lets one instance read the mailbox while the others wait.
import type { MailboxStore } from '../../../channels/email/listener.js';
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
