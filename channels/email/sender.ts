// The email adapter: nodemailer over SMTP, with our own Message-ID and the thread's In-Reply-To and
// References so citizens' mail clients thread the reply, and the reference tag in the subject.
import nodemailer from 'nodemailer';
import type { ChannelAdapter, OutboundMessage, SendResult } from '../types.js';

export interface SmtpSettings {
  host: string;
  port: number;
  user?: string;
  password?: string;
  tls: boolean;
}

/** Our Message-ID for a stored message: stable, so a retry after a crash carries the same one. */
export const ourMessageId = (messageId: string, from: string) => `<gru.${messageId}@${/@([^>\s]+)/.exec(from)?.[1] ?? 'gru.local'}>`;

export function createEmailAdapter(settings: { smtp: SmtpSettings; from: string }): ChannelAdapter & { close(): void } {
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
  return {
    channel: 'email',
    async send(message: OutboundMessage): Promise<SendResult> {
      const references = message.threadKeys?.references ?? [];
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to: message.to,
          subject: message.subject ?? '',
          text: message.text,
          html: message.html ?? textToHtml(message.text),
          messageId: message.threadKeys?.messageId ?? ourMessageId(message.messageId, settings.from),
          inReplyTo: message.threadKeys?.inReplyTo,
          references: references.length ? references : undefined,
          headers: message.automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : undefined,
        });
        return { ok: true, externalId: info.messageId };
      } catch (err) {
        const e = err as { responseCode?: number; response?: string; code?: string; message: string };
        // 5xx: the relay refuses for good; 4xx and connection trouble: try again later.
        if (e.responseCode && e.responseCode >= 500) return { ok: false, retryable: false, reason: `the mail relay refused: ${e.response ?? e.message}` };
        return { ok: false, retryable: true, reason: `mail relay unavailable: ${e.response ?? e.code ?? e.message}` };
      }
    },
    close: () => transport.close(),
  };
}

/** The HTML part of a plain-text reply: escaped, paragraphs and line breaks kept. */
export function textToHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<div style="font-family:sans-serif">${escaped.split(/\n{2,}/).map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`).join('')}</div>`;
}
