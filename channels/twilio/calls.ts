// Outgoing calls for call-backs: one SDK call rings the agent's phone; Twilio then fetches our bridge
// TwiML (which dials the citizen) and reports each step of the agent's leg to the status URL.
import twilio from 'twilio';
import type { Dialer, SendResult } from '../types.js';
import type { TwilioClient } from './client.js';
import { twilioReason } from './errors.js';
import { recording } from './twiml.js';

export function createTwilioDialer(settings: {
  client: TwilioClient;
  from: string;
  bridgeUrl: (callId: string) => string;
  statusUrl: (callId: string) => string;
  /** Where a live call taken from a queue rings, and where its outcome is told. */
  live?: { ringSeconds: number; actionUrl: string; statusUrl: string; recordingUrl: string | null };
}): Dialer {
  return {
    async connect({ callSid, target }): Promise<SendResult> {
      if (!settings.live) return { ok: false, retryable: false, reason: 'live calls are off' };
      const response = new twilio.twiml.VoiceResponse();
      const dial = response.dial({ timeout: settings.live.ringSeconds, action: settings.live.actionUrl, method: 'POST', answerOnBridge: true, ...recording(response, settings.live.recordingUrl) });
      const leg = { statusCallback: settings.live.statusUrl, statusCallbackEvent: ['answered' as const, 'completed' as const], statusCallbackMethod: 'POST' as const };
      if ('number' in target) dial.number(leg, target.number);
      else dial.client(leg, target.client);
      try {
        // The waiting call leaves its queue for this TwiML: the agent's phone or browser rings.
        await settings.client.calls(callSid).update({ twiml: response.toString() });
        return { ok: true, externalId: callSid };
      } catch (err) {
        if (err instanceof twilio.RestException) return { ok: false, retryable: err.status >= 500, reason: twilioReason(err.code, err.message) };
        return { ok: false, retryable: true, reason: `Twilio unreachable: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
    async call({ callId, agentPhone }): Promise<SendResult> {
      try {
        const call = await settings.client.calls.create({
          to: agentPhone,
          from: settings.from,
          url: settings.bridgeUrl(callId),
          method: 'POST',
          statusCallback: settings.statusUrl(callId),
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
          timeout: 30,
        });
        return { ok: true, externalId: call.sid };
      } catch (err) {
        if (err instanceof twilio.RestException) return { ok: false, retryable: err.status >= 500, reason: twilioReason(err.code, err.message) };
        return { ok: false, retryable: true, reason: `Twilio unreachable: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
  };
}

