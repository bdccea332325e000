// What the mailbox brings, handled: citizen messages through the one pipeline (attachments stored
// first), bounces mark our message failed, auto-replies and unreadable mail are kept for inspection.
// The mailbox's reading state and lease (store/repositories/mailboxState.ts) go to the IMAP listener with it.
import type { Logger } from 'pino';
import type { ParsedEmail } from '../../channels/email/parse.js';
import type { Models } from '../store/index.js';
import { attachmentIdOf, attachmentRef } from '../store/models/mailbox.js';
import { attachmentsStore } from '../store/repositories/attachments.js';
import { mailboxState, mailEvents } from '../store/repositories/mailboxState.js';
import type { IngestInbound } from './ingest/index.js';
import { messageIdOfOurs, type Outbox } from './outbox/index.js';

export function createEmailService(deps: { models: Models; ingestInbound: IngestInbound; outbox: Outbox; now: () => Date; log: Logger }) {
  const { models, now } = deps;
  const mailboxStore = mailboxState(models, now);
  const files = attachmentsStore(models);
  const mail = mailEvents(models);

  return {
    mailboxStore,

    /** Handles one parsed email; resolves only once what it brings is stored. */
    async handle(mailbox: string, uid: number | null, parsed: ParsedEmail, raw: Buffer): Promise<void> {
      const log = deps.log.child({ channel: 'email', mailbox, uid, externalId: parsed.kind === 'message' ? parsed.inbound.externalId : parsed.messageId });
      if (parsed.kind === 'message') {
        const attachments = [];
        for (const file of parsed.files) {
          if (!file.content) {
            attachments.push({ filename: file.filename, contentType: file.contentType, size: file.size, ref: 'too-large:not-stored' });
            continue;
          }
          const stored = await files.keep({ content: file.content, contentType: file.contentType, filename: file.filename, size: file.size });
          attachments.push({ filename: file.filename, contentType: file.contentType, size: file.size, ref: attachmentRef(stored._id) });
        }
        const result = await deps.ingestInbound({ ...parsed.inbound, quoted: parsed.quoted ?? undefined, attachments });
        const storedIds = attachments.map((a) => attachmentIdOf(a.ref)).filter((id): id is string => !!id);
        if (storedIds.length) {
          // A message read twice keeps the files of its first reading; the copies go.
          if (result.duplicate) await files.drop(storedIds);
          else await files.adopt(storedIds, result.ticketId);
        }
        log.info({ ticketId: result.ticketId, duplicate: result.duplicate }, 'email stored');
        return;
      }
      const event = { mailbox, uid, kind: parsed.kind, messageId: parsed.messageId, subject: parsed.subject, reason: parsed.reason, at: now() };
      if (parsed.kind === 'bounce') {
        const ours = await mail.oursAmong(parsed.originalMessageIds, messageIdOfOurs);
        for (const message of ours) await deps.outbox.advanceStatus({ messageId: String(message._id) }, 'failed', { reason: `bounced: ${parsed.reason}` });
        log.warn({ bounced: ours.length }, 'bounce received');
      } else {
        log.info({ kind: parsed.kind, reason: parsed.reason }, 'email kept for inspection, no ticket');
      }
      await mail.keep({ ...event, from: parsed.kind === 'auto-reply' ? parsed.from : null, raw: parsed.kind === 'unreadable' ? raw.subarray(0, 1_000_000) : null });
    },
  };
}
export type EmailService = ReturnType<typeof createEmailService>;
