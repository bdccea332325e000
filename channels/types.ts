// The adapter contract: a channel turns provider traffic into InboundMessage and sends OutboundMessage.
// Adapters know nothing of mongoose or fastify; services know nothing of Twilio, IMAP or Socket.IO.
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { AgentsNamespace, ChatNamespace } from '../src/realtime/rooms.js';
import type { Services } from '../src/services/index.js';
import type { ChannelName } from './registry.js';

/** A channel of channels/registry.ts. */
export type InboundChannel = ChannelName;

export interface Attachment {
  filename?: string;
  contentType: string;
  size: number;
  /** Where the bytes are: a provider media URL or a key in our attachment store. */
  ref: string;
  /** Outbound only: the bytes, loaded from the store by the outbox before a send. */
  content?: Buffer;
}

export interface InboundMessage {
  channel: InboundChannel;
  /** MessageSid, CallSid/RecordingSid, Message-ID, chat client id: the idempotency key. */
  externalId: string;
  /** E.164 phone, lower-cased email, or chat session id; normalised again by the pipeline. */
  from: { address: string; name?: string };
  text: string;
  /** Email: the quoted history under the new text, kept apart. */
  quoted?: string;
  html?: string;
  subject?: string;
  threadHints: {
    ticketRef?: string; ticketId?: string; inReplyTo?: string; references?: string[]; messageId?: string;
    /** A request the citizen opens on purpose (their space): a new thread even beside an open one, in this category if given. */
    newRequest?: { category?: string };
  };
  attachments: Attachment[];
  receivedAt: Date;
  /** Set only by trusted in-process callers that already know the citizen (the portal). */
  citizenId?: string;
}

export interface OutboundMessage {
  messageId: string;
  channel: InboundChannel;
  to: string;
  text: string;
  html?: string;
  subject?: string;
  threadKeys?: { messageId?: string; inReplyTo?: string; references?: string[] };
  attachments?: Attachment[];
  /** An automatic message (acknowledgement, reminder): marked so that auto-responders stay quiet. */
  automatic?: boolean;
}

/** Outgoing calls (Twilio): rings the agent's phone; once answered, our bridge TwiML dials the citizen. */
export interface Dialer {
  call(input: { callId: string; agentPhone: string }): Promise<SendResult>;
  /** A caller waiting in a queue is put through to an agent's phone or browser (a live call taken). */
  connect?(input: { callSid: string; target: { number: string } | { client: string } }): Promise<SendResult>;
}

export type SendResult = { ok: true; externalId: string } | { ok: false; retryable: boolean; reason: string };

export interface ChannelAdapter {
  /** The channel it sends on (voice replies go out by SMS). */
  channel: InboundChannel;
  /** Throws a domain Invalid error when the message cannot go out on this channel (too long, ...). */
  validate?(message: Pick<OutboundMessage, 'to' | 'text' | 'subject'>): void;
  send(message: OutboundMessage): Promise<SendResult>;
  /**
   * After a crash during a send, tells whether the provider already has the message (its id), so the
   * outbox does not send it twice. Undefined when the adapter cannot tell.
   */
  findSent?(message: OutboundMessage, since: Date): Promise<string | undefined>;
}

/** What a channel's inbound side is given to mount itself. */
export interface MountContext {
  config: Config;
  services: Services;
  log: Logger;
  /** Test settings of a pulling listener (IMAP's poll and lease). */
  imap?: { pollMs?: number; leaseMs?: number };
}
export interface Listener { start(): void; stop(): Promise<void> }

/**
 * A channel's inbound side, kept in its folder: webhook routes (verified and parsed there), a listener
 * that pulls, or socket handlers; each returns null when the channel's settings are absent. The app and
 * the composition mount every module of channels/modules.ts by looping over it. What it receives goes to
 * `services.inbound.receive`, the one entry of citizens' messages.
 */
export interface ChannelModule {
  /** The registry's channels it brings in. */
  names: readonly ChannelName[];
  routes?(ctx: MountContext): FastifyPluginAsync | null;
  listener?(ctx: MountContext): Listener | null;
  sockets?(ctx: MountContext & { chat: ChatNamespace; agents: AgentsNamespace }): void;
}
