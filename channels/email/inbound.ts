// The email channel's inbound side: the mailbox read by one instance at a time (listener.ts), each mail
// parsed (parse.ts) and handed to the mailbox use case; a mail that cannot be read, or that a rule or the
// schema refuses, is kept for inspection and the listener goes on; anything else (the store down) is
// thrown, and the mail is fetched again later.
import type { Logger } from 'pino';
import type { Config } from '../../config/index.js';
import { DomainError } from '../../src/domain/errors.js';
import type { EmailService } from '../../src/services/email.js';
import { createImapListener } from './listener.js';
import { parseEmail, type ParsedEmail } from './parse.js';

export function createEmailInbound(deps: { email: NonNullable<Config['email']>; mailbox: EmailService; now: () => Date; log: Logger; imap?: { pollMs?: number; leaseMs?: number } }) {
  const { email, mailbox } = deps;
  return createImapListener({
    imap: email.imap,
    store: mailbox.mailboxStore,
    log: deps.log,
    leaseMs: email.leaseSeconds * 1000,
    ...deps.imap,
    handle: async (folder, uid, raw) => {
      let parsed: ParsedEmail;
      try {
        parsed = await parseEmail(raw, { maxAttachmentBytes: email.maxAttachmentBytes, receivedAt: deps.now() });
      } catch (err) {
        // Malformed beyond reading: kept for inspection, the listener goes on.
        parsed = { kind: 'unreadable', messageId: `<uid.${uid}@${folder}>`, subject: null, reason: (err as Error).message };
      }
      try {
        await mailbox.handle(folder, uid, parsed, raw);
      } catch (err) {
        if (!(err instanceof DomainError) && (err as Error).name !== 'ValidationError') throw err;
        const messageId = parsed.kind === 'message' ? parsed.inbound.externalId : parsed.messageId;
        await mailbox.handle(folder, uid, { kind: 'unreadable', messageId, subject: null, reason: (err as Error).message }, raw);
      }
    },
  });
}
