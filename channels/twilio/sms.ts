// The SMS adapter: one SDK call to send, a status callback per message, Twilio errors classified.
import twilio from 'twilio';
import { Invalid } from '../../src/domain/errors.js';
import { smsLength, toGsm7 } from '../../src/domain/sms.js';
import type { ChannelAdapter, OutboundMessage, SendResult } from '../types.js';
import type { TwilioClient } from './client.js';
import { TWILIO_ERRORS, twilioReason } from './errors.js';

export function createTwilioSmsAdapter(settings: {
  client: TwilioClient;
  from: string;
  /** Where Twilio reports delivery; carries our message id, so a fast callback finds its message. */
  statusCallbackUrl: (messageId: string) => string;
  maxSegments: number;
}): ChannelAdapter {
  return {
    channel: 'sms',

    validate({ text }) {
      if (!text.trim()) throw new Invalid('reply.sms_empty');
      const length = smsLength(text);
      if (length.segments > settings.maxSegments) {
        throw new Invalid('reply.sms_too_long', { segments: length.segments, encoding: length.encoding, max: settings.maxSegments });
      }
    },

    async send(message: OutboundMessage): Promise<SendResult> {
      try {
        const sent = await settings.client.messages.create({
          to: message.to,
          from: settings.from,
          body: toGsm7(message.text),
          statusCallback: settings.statusCallbackUrl(message.messageId),
        });
        return { ok: true, externalId: sent.sid };
      } catch (err) {
        if (err instanceof twilio.RestException) {
          const known = err.code ? TWILIO_ERRORS[err.code] : undefined;
          const retryable = known ? known.retryable : err.status >= 500 || err.status === 429;
          return { ok: false, retryable, reason: twilioReason(err.code, err.message) };
        }
        return { ok: false, retryable: true, reason: `Twilio unreachable: ${err instanceof Error ? err.message : String(err)}` };
      }
    },

    async findSent(message: OutboundMessage, since: Date) {
      const recent = await settings.client.messages.list({ to: message.to, from: settings.from, dateSentAfter: since, limit: 50 });
      return recent.find((m) => m.body === toGsm7(message.text))?.sid;
    },
  };
}
