// MIME in, what the pipeline needs out: the new text apart from the quoted history, safe HTML,
// attachments under a size limit, threading keys, and whether it is an auto-reply or a bounce.
// Broken MIME is read as far as it can be; a message without a readable sender is reported as such.
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { findReference } from '../../src/domain/reference.js';
import { oneLine } from '../../src/domain/text.js';
import type { InboundMessage } from '../types.js';
import { splitQuoted } from './quotes.js';
import { sanitizeEmailHtml } from './sanitize.js';

export interface ParsedAttachment {
  filename?: string;
  contentType: string;
  size: number;
  /** The bytes, when within the size limit; otherwise only the description is kept. */
  content: Buffer | null;
}

export type ParsedEmail =
  | { kind: 'message'; inbound: InboundMessage; quoted: string | null; files: ParsedAttachment[] }
  | { kind: 'auto-reply'; messageId: string; from: string | null; subject: string | null; reason: string }
  | { kind: 'bounce'; messageId: string; originalMessageIds: string[]; reason: string; subject: string | null }
  | { kind: 'unreadable'; messageId: string; subject: string | null; reason: string };

const AUTO_SUBJECT = /^\s*(réponse automatique|automatic reply|auto(matic)?[ -]?reply|out of (the )?office|absence|absent du bureau|autoreply|accusé de réception automatique)\b/i;
const BOUNCE_SUBJECT = /(undeliver|delivery status notification|delivery (has )?failed|non remis|returned mail|mail delivery failed|échec de (la )?remise)/i;
const BOUNCE_SENDER = /^(mailer-daemon|postmaster)@/i;

const header = (mail: ParsedMail, name: string): string => {
  const value = mail.headers.get(name);
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'value' in (value as object)) return String((value as { value: unknown }).value);
  return String(value);
};
const firstAddress = (field: AddressObject | AddressObject[] | undefined) => (Array.isArray(field) ? field[0] : field)?.value?.[0];
const ids = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? value.split(/\s+/) : []).map((v) => v.trim()).filter((v) => /^<[^<>\s]+>$/.test(v));

export async function parseEmail(raw: Buffer, options: { maxAttachmentBytes: number; receivedAt: Date }): Promise<ParsedEmail> {
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true, maxHtmlLengthToParse: 2_000_000 });
  const messageId = mail.messageId && /^<[^<>\s]+>$/.test(mail.messageId) ? mail.messageId : `<sha256.${createHash('sha256').update(raw).digest('hex')}@no-message-id>`;
  const subject = mail.subject?.trim() || null;
  const sender = firstAddress(mail.from);
  const address = sender?.address?.trim().toLowerCase() || null;

  const contentType = header(mail, 'content-type');
  const isReport = /multipart\/report/i.test(contentType) && /delivery-status/i.test(contentType);
  if (isReport || (address && BOUNCE_SENDER.test(address) && BOUNCE_SUBJECT.test(subject ?? ''))) {
    const originals = new Set<string>();
    for (const attachment of mail.attachments) {
      if (/message\/(rfc822|delivery-status)|text\/rfc822-headers/i.test(attachment.contentType)) {
        for (const m of attachment.content.toString('utf8').matchAll(/^Message-ID:\s*(<[^>\s]+>)/gim)) originals.add(m[1]!);
      }
    }
    for (const m of (mail.text ?? '').matchAll(/Message-ID:\s*(<[^>\s]+>)/gi)) originals.add(m[1]!);
    const status = /Diagnostic-Code:\s*(.+)/i.exec(mail.attachments.map((a) => a.content.toString('utf8')).join('\n') + (mail.text ?? ''));
    return { kind: 'bounce', messageId, originalMessageIds: [...originals], reason: status?.[1]?.trim().slice(0, 300) ?? subject ?? 'the message could not be delivered', subject };
  }

  const autoSubmitted = header(mail, 'auto-submitted').toLowerCase();
  const precedence = header(mail, 'precedence').toLowerCase();
  const autoHeader =
    (autoSubmitted && autoSubmitted !== 'no' && 'Auto-Submitted') ||
    (mail.headers.has('x-autoreply') && 'X-Autoreply') ||
    (mail.headers.has('x-autorespond') && 'X-Autorespond') ||
    (/^(bulk|auto_reply|junk|list)$/.test(precedence) && `Precedence ${precedence}`) ||
    (AUTO_SUBJECT.test(subject ?? '') && 'subject');
  if (autoHeader) return { kind: 'auto-reply', messageId, from: address, subject, reason: autoHeader };

  if (!address || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) {
    return { kind: 'unreadable', messageId, subject, reason: 'no readable sender address' };
  }

  const html = typeof mail.html === 'string' && mail.html ? sanitizeEmailHtml(mail.html) : undefined;
  // HTML-only mail: the text comes from the sanitised HTML, not from the raw one (no tracker URLs).
  const hasPlainPart = /content-type:\s*text\/plain/i.test(raw.toString('latin1'));
  const text = (hasPlainPart ? mail.text?.trim() : '') || (html ? htmlToText(html) : mail.text?.trim() ?? '');
  const { fresh, quoted } = splitQuoted(text);
  const files: ParsedAttachment[] = mail.attachments
    .filter((a) => a.contentDisposition !== 'inline' || !/^image\//.test(a.contentType))
    .map((a) => ({ filename: oneLine(a.filename, 200), contentType: a.contentType, size: a.size, content: a.size <= options.maxAttachmentBytes ? a.content : null }));

  return {
    kind: 'message',
    inbound: {
      channel: 'email',
      externalId: messageId,
      from: { address, name: sender?.name?.trim() || undefined },
      subject: subject ?? undefined,
      text: fresh || text,
      html,
      threadHints: { messageId, inReplyTo: ids(mail.inReplyTo)[0], references: ids(mail.references), ticketRef: findReference(subject ?? undefined) },
      attachments: [],
      receivedAt: options.receivedAt,
    },
    quoted,
    files,
  };
}

function htmlToText(html: string): string {
  return html.replace(/<(br|\/p|\/div|\/li|\/tr)[^>]*>/gi, '\n').replace(/<[^>]+>/g, '').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\n{3,}/g, '\n\n').trim();
}
