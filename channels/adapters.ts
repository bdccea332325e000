// The outbound side of the channels of channels/registry.ts: one adapter per channel whose settings are
// present (the demo's sandbox standing in for a provider that is not configured), and Twilio's dialer.
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { createEmailAdapter } from './email/sender.js';
import { createTwilioClient } from './twilio/client.js';
import { createTwilioSmsAdapter } from './twilio/sms.js';
import { createSandboxAdapter, type SandboxBox } from './sandbox/adapter.js';
import { createTwilioDialer } from './twilio/calls.js';
import type { ChannelAdapter, Dialer, InboundChannel } from './types.js';
import { createWebchatAdapter } from './webchat/adapter.js';

export function buildChannelAdapters(
  config: Pick<Config, 'twilio' | 'publicBaseUrl' | 'sms' | 'email'> & Partial<Pick<Config, 'sandbox'>>,
  log?: Logger,
  sandboxBox?: SandboxBox,
): Map<InboundChannel, ChannelAdapter> {
  const adapters = new Map<InboundChannel, ChannelAdapter>();
  adapters.set('chat', createWebchatAdapter());
  // The demo's sandbox stands in for a provider that is not configured; a real one replaces it.
  if (sandboxBox && config.sandbox?.sms) adapters.set('sms', createSandboxAdapter('sms', sandboxBox, { maxSegments: config.sms.maxSegments }));
  if (sandboxBox && config.sandbox?.email) adapters.set('email', createSandboxAdapter('email', sandboxBox, { maxSegments: config.sms.maxSegments }));
  if (config.email) adapters.set('email', createEmailAdapter({ ...config.email, log }));
  if (config.twilio) {
    adapters.set(
      'sms',
      createTwilioSmsAdapter({
        client: createTwilioClient(config.twilio),
        from: config.twilio.phoneNumber,
        statusCallbackUrl: (messageId) => `${config.publicBaseUrl}/webhooks/twilio/status?messageId=${encodeURIComponent(messageId)}`,
        maxSegments: config.sms.maxSegments,
      }),
    );
  }
  return adapters;
}

/** Outgoing calls for call-backs: with Twilio only (the sandbox has no phone to ring). */
export function buildDialer(config: Pick<Config, 'twilio' | 'publicBaseUrl' | 'sms'>): Dialer | null {
  if (!config.twilio) return null;
  const url = (path: string, callId: string) => `${config.publicBaseUrl}/webhooks/twilio/voice/${path}?callId=${encodeURIComponent(callId)}`;
  return createTwilioDialer({
    client: createTwilioClient(config.twilio),
    from: config.twilio.phoneNumber,
    bridgeUrl: (callId) => url('bridge', callId),
    statusUrl: (callId) => url('call-status', callId),
    live: {
      ringSeconds: config.sms.ringSeconds, actionUrl: `${config.publicBaseUrl}/webhooks/twilio/voice/agent-dial`, statusUrl: `${config.publicBaseUrl}/webhooks/twilio/voice/agent-leg`,
      recordingUrl: config.sms.recordCalls ? `${config.publicBaseUrl}/webhooks/twilio/voice/call-recording` : null,
    },
  });
}
