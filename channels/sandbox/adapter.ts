// The demo's local sandbox: SMS and email "sent" to a box in memory that the /sandbox page shows, so
// every channel answers on a fresh machine without a provider. Only registered with the demo's
// embedded store and when that channel's real settings are absent (channels/registry.ts).
import { randomUUID } from 'node:crypto';
import { Invalid } from '../../src/domain/errors.js';
import { smsLength, toGsm7 } from '../../src/domain/sms.js';
import type { ChannelAdapter, OutboundMessage, SendResult } from '../types.js';

export interface SandboxDelivery {
  id: string;
  channel: 'sms' | 'email';
  to: string;
  subject: string | null;
  text: string;
  attachments: string[];
  at: string;
}

/** What the service sent, newest first, the last `limit` of them. */
export function createSandboxBox(limit = 200) {
  const deliveries: SandboxDelivery[] = [];
  return {
    add(delivery: SandboxDelivery) {
      deliveries.unshift(delivery);
      deliveries.length = Math.min(deliveries.length, limit);
    },
    list: (): readonly SandboxDelivery[] => deliveries,
    /** An erased citizen: what was sent to their addresses goes too. */
    forget(addresses: readonly string[]) {
      const gone = new Set(addresses);
      for (let i = deliveries.length - 1; i >= 0; i--) if (gone.has(deliveries[i]!.to)) deliveries.splice(i, 1);
    },
  };
}
export type SandboxBox = ReturnType<typeof createSandboxBox>;

export function createSandboxAdapter(channel: 'sms' | 'email', box: SandboxBox, settings: { maxSegments: number }): ChannelAdapter {
  return {
    channel,
    validate({ text }) {
      if (!text.trim()) throw new Invalid(channel === 'sms' ? 'reply.sms_empty' : 'message.empty');
      const length = smsLength(text);
      if (channel === 'sms' && length.segments > settings.maxSegments) {
        throw new Invalid('reply.sms_too_long', { segments: length.segments, encoding: length.encoding, max: settings.maxSegments });
      }
    },
    async send(message: OutboundMessage): Promise<SendResult> {
      const id = `sandbox-${randomUUID()}`;
      box.add({
        id,
        channel,
        to: message.to,
        // An SMS has no subject, and goes out in GSM-7 where the text allows (as Twilio sends it).
        subject: channel === 'sms' ? null : (message.subject ?? null),
        text: channel === 'sms' ? toGsm7(message.text) : message.text,
        attachments: (message.attachments ?? []).map((a) => a.filename ?? 'piece-jointe'),
        at: new Date().toISOString(),
      });
      return { ok: true, externalId: id };
    },
  };
}
