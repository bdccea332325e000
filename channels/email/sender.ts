// The email adapter: nodemailer over SMTP, with our own Message-ID and the thread's In-Reply-To and
// References so citizens' mail clients thread the reply, and the reference tag in the subject.
//
// Sending twice after a crash: like a mail client, every message the relay accepted is copied to the
// mailbox's Sent folder over IMAP, and `findSent` looks there for our Message-ID before the outbox sends
// a message whose previous attempt was interrupted. What is left is the few milliseconds between the
// relay's 250 and the copy; a resend in that window carries the same Message-ID, which mail clients
// show once.
import { t } from '../../src/i18n/catalogue.js';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Logger } from 'pino';
import type { ChannelAdapter, OutboundMessage, SendResult } from '../types.js';
import type { ImapSettings } from './listener.js';

export interface SmtpSettings {
  host: string;
  port: number;
  user?: string;
  password?: string;
  tls: boolean;
}

/** Our Message-ID for a stored message: stable, so a retry after a crash carries the same one. */
export const ourMessageId = (messageId: string, from: string) => `<gru.${messageId}@${/@([^>\s]+)/.exec(from)?.[1] ?? 'gru.local'}>`;

export function createEmailAdapter(settings: {
  smtp: SmtpSettings;
  from: string;
  /** The mailbox whose Sent folder keeps a copy of each message sent; unset: no copy, no crash check. */
  imap?: ImapSettings;
  sentFolder?: string;
  log?: Logger;
}): ChannelAdapter & { close(): void } {
  const transport = nodemailer.createTransport({
    host: settings.smtp.host,
    port: settings.smtp.port,
    secure: settings.smtp.tls && settings.smtp.port === 465,
    requireTLS: settings.smtp.tls && settings.smtp.port !== 465,
    ignoreTLS: !settings.smtp.tls,
    auth: settings.smtp.user ? { user: settings.smtp.user, pass: settings.smtp.password ?? '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const sent = settings.imap && settings.sentFolder ? sentFolder(settings.imap, settings.sentFolder) : null;

  const adapter: ChannelAdapter & { close(): void } = {
    channel: 'email',
    async send(message: OutboundMessage): Promise<SendResult> {
      const references = message.threadKeys?.references ?? [];
      const messageId = message.threadKeys?.messageId ?? ourMessageId(message.messageId, settings.from);
      const raw = await new MailComposer({
        from: settings.from,
        to: message.to,
        subject: message.subject ?? '',
        text: message.text,
        html: message.html ?? textToHtml(message.text),
        messageId,
        inReplyTo: message.threadKeys?.inReplyTo,
        references: references.length ? references : undefined,
        headers: message.automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : undefined,
        // Only bytes we hold: never a path or a URL, which nodemailer would read.
        attachments: (message.attachments ?? [])
          .filter((a) => a.content)
          .map((a) => ({ filename: a.filename ?? 'piece-jointe', contentType: a.contentType, content: a.content! })),
      })
        .compile()
        .build();
      try {
        await transport.sendMail({ envelope: { from: settings.from, to: [message.to] }, raw });
      } catch (err) {
        const e = err as { responseCode?: number; response?: string; code?: string; message: string };
        // 5xx: the relay refuses for good; 4xx and connection trouble: try again later.
        if (e.responseCode && e.responseCode >= 500) return { ok: false, retryable: false, reason: t('delivery.relay_refused', { detail: e.response ?? e.message }) };
        return { ok: false, retryable: true, reason: t('delivery.relay_unavailable', { detail: e.response ?? e.code ?? e.message }) };
      }
      await sent?.append(raw).catch((err: Error) => settings.log?.warn({ err: err.message, messageId }, 'sent, but the copy to the Sent folder failed'));
      return { ok: true, externalId: messageId };
    },
    close: () => transport.close(),
  };
  if (sent) adapter.findSent = (message) => sent.find(message.threadKeys?.messageId ?? ourMessageId(message.messageId, settings.from));
  return adapter;
}

/** The mailbox's Sent folder over IMAP: a short connection per use (replies are few, and rarely looked up). */
function sentFolder(imap: ImapSettings, folder: string) {
  async function withClient<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = new ImapFlow({ host: imap.host, port: imap.port, secure: imap.tls, auth: { user: imap.user, pass: imap.password }, logger: false });
    client.on('error', () => undefined); // a failure surfaces through the awaited call
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }
  return {
    append: (raw: Buffer) =>
      withClient(async (client) => {
        // A Sent folder that does not exist yet is created, as a mail client would.
        if (!(await client.append(folder, raw, ['\\Seen']).catch(() => false))) {
          await client.mailboxCreate(folder).catch(() => undefined); // already there is fine
          if (!(await client.append(folder, raw, ['\\Seen']))) throw new Error(`could not append to ${folder}`);
        }
      }),
    /** Our Message-ID if the Sent folder has it; undefined otherwise (then the message goes out). */
    find: (messageId: string) =>
      withClient(async (client) => {
        const status = await client.status(folder, { messages: true }).catch(() => null);
        if (!status) return undefined; // no Sent folder: nothing was copied there
        const lock = await client.getMailboxLock(folder, { readOnly: true });
        try {
          const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
          return found && found.length ? messageId : undefined;
        } finally {
          lock.release();
        }
      }),
  };
}

/** The HTML part of a plain-text reply: escaped, paragraphs and line breaks kept. */
export function textToHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<div style="font-family:sans-serif">${escaped.split(/\n{2,}/).map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`).join('')}</div>`;
}
