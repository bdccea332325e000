// The web chat adapter: an agent's reply goes to the citizen's chat room over Socket.IO. The room is
// reached through a delivery function that the realtime server attaches once it runs.
import { Invalid } from '../../src/domain/errors.js';
import type { ChannelAdapter, OutboundMessage, SendResult } from '../types.js';

/** Delivers a stored message to a chat session's sockets; resolves true when a citizen's browser acknowledged it. */
export type ChatDelivery = (sessionId: string, messageId: string) => Promise<boolean>;

export function createWebchatAdapter(): ChannelAdapter & { attach(delivery: ChatDelivery): void } {
  let deliver: ChatDelivery | null = null;
  return {
    channel: 'chat',
    attach(delivery) {
      deliver = delivery;
    },
    validate({ text }) {
      if (!text.trim()) throw new Invalid('message.empty');
    },
    async send(message: OutboundMessage): Promise<SendResult> {
      if (!deliver) return { ok: false, retryable: true, reason: 'the chat server is not running yet' };
      // Sent once it reaches the session's room; a citizen offline now gets it when they reconnect.
      await deliver(message.to, message.messageId);
      return { ok: true, externalId: `chat:${message.messageId}` };
    },
  };
}
