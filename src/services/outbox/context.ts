// What the outbox's use cases share: its dependencies, the dispatcher's wake-up, the Message-IDs of our emails.
import { Types } from 'mongoose';
import { type ChannelAdapter, type InboundChannel } from '../../../channels/types.js';
import { type TicketEventData } from '../../domain/events.js';
import { type MessageDoc } from '../../store/models/message.js';
import { type TicketDoc } from '../../store/models/ticket.js';
import { ticketEventData } from '../ticketEvents.js';
import type { Logger } from 'pino';
import type { OutboxQueue } from '../../store/repositories/outboxQueue.js';
import type { Models } from '../../store/index.js';
import { tickets } from '../../store/repositories/tickets.js';
import type { EventBus } from '../eventBus.js';

export type ChannelAdapters = ReadonlyMap<InboundChannel, ChannelAdapter>;

export interface QueueInput {
  ticketId: string | Types.ObjectId;
  /** The ticket as the caller just read it, when it has it: not read again. */
  ticket?: Pick<TicketDoc, '_id' | 'citizenId' | 'subject' | 'reference'> & Partial<Pick<TicketDoc, 'teamId' | 'assigneeId' | 'status'>>;
  /**
   * The caller dates the ticket's last message itself (a reply, in its own write to the ticket) or needs
   * no date (the acknowledgement of the ticket it opens): `ticket` is then whole, and not written here.
   */
  ticketDatedByCaller?: boolean;
  /** Whether the SMS recipient has sent STOP, when the caller has just read their identity: not read again. */
  smsOptedOut?: boolean;
  channel: InboundChannel;
  to: string;
  text: string;
  html?: string;
  subject?: string;
  authorId?: string | null;
  kind?: 'message' | 'acknowledgement' | 'reminder' | 'closing' | 'verification' | 'survey' | 'status_update';
  /** The message's id, when the caller must name it before it is queued (a sign-in code derived from it). */
  id?: Types.ObjectId;
  /** For messages that must exist once (an acknowledgement per ticket): the idempotency key. */
  externalId?: string;
  /** Files already in our attachment store (`attachment:<id>`), sent with the message. */
  attachments?: { filename?: string; contentType: string; size: number; ref: string }[];
}


export interface OutboxDeps {
  models: Models;
  events: EventBus;
  adapters: ChannelAdapters;
  now: () => Date;
  log: Logger;
  mailDomain?: string;
  /** Personal links (the portal's) are put into the text only as it is sent: the stored copy stays redacted. */
  expandLinks?: (message: MessageDoc, text: string) => Promise<string>;
}
export interface OutboxContext extends OutboxDeps {
  /** Wakes the dispatcher when a message is queued (set by the dispatcher as it starts). */
  wake: { nudge: () => void };
  /** The queue's named reads and writes. */
  store: OutboxQueue;
}

export async function ticketEvent(ctx: OutboxContext, ticketId: Types.ObjectId): Promise<TicketEventData | null> {
  const ticket = await tickets(ctx.models).read(ticketId);
  return ticket ? ticketEventData(ctx.models, ticket) : null;
}

/** The Message-ID of an email we send: it names the message, so a bounce leads back to it by _id. */
export const ourMessageId = (id: Types.ObjectId, mailDomain = 'gru.local') => `<gru.${String(id)}@${mailDomain}>`;

/** The message a Message-ID of ours names (null for anyone else's). */
export function messageIdOfOurs(messageId: string): Types.ObjectId | null {
  const hex = /^<gru\.([0-9a-f]{24})@[^>]+>$/.exec(messageId.trim())?.[1];
  return hex ? new Types.ObjectId(hex) : null;
}
