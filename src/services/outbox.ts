// The outbox: a reply is stored first (queued), then delivered by the dispatcher through the channel's
// adapter. Status changes only move forward and are pushed as domain events.
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { ChannelAdapter, InboundChannel, OutboundMessage } from '../../channels/types.js';
import { STATUS_RANK } from '../domain/delivery.js';
import { Conflict, Invalid, NotFound, Unavailable } from '../domain/errors.js';
import type { TicketEventData } from '../domain/events.js';
import type { DeliveryStatus } from '../domain/ticket.js';
import { isDuplicateKey, type Models } from '../store/index.js';
import { attachmentIdOf, attachmentRef } from '../store/models/mailbox.js';
import type { MessageDoc } from '../store/models/message.js';
import type { TicketDoc } from '../store/models/ticket.js';
import type { EventBus } from './eventBus.js';
import { ticketEventData } from './ticketEvents.js';
import { replyVia } from '../../channels/registry.js';

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
  /** For messages that must exist once (an acknowledgement per ticket): the idempotency key. */
  externalId?: string;
  /** Files already in our attachment store (`attachment:<id>`), sent with the message. */
  attachments?: { filename?: string; contentType: string; size: number; ref: string }[];
}

export function createOutbox(deps: {
  models: Models;
  events: EventBus;
  adapters: ChannelAdapters;
  now: () => Date;
  log: Logger;
  mailDomain?: string;
  /** Personal links (the portal's) are put into the text only as it is sent: the stored copy stays redacted. */
  expandLinks?: (message: MessageDoc, text: string) => Promise<string>;
}) {
  const { models, events, adapters, now } = deps;
  let nudge: () => void = () => undefined;

  async function ticketEvent(ticketId: Types.ObjectId): Promise<TicketEventData | null> {
    const ticket = await models.tickets.findById(ticketId).lean();
    return ticket ? ticketEventData(models, ticket) : null;
  }

  return {
    /** The dispatcher registers here to be woken when something is queued. */
    onQueued(callback: () => void) {
      nudge = callback;
    },

    adapterFor(channel: InboundChannel): ChannelAdapter | undefined {
      return adapters.get(replyVia(channel));
    },

    async queue(input: QueueInput): Promise<MessageDoc> {
      const channel = replyVia(input.channel);
      const adapter = adapters.get(channel);
      if (!adapter) throw new Unavailable('reply.channel_off', { channel });
      adapter.validate?.({ to: input.to, text: input.text, subject: input.subject });
      if (input.attachments?.length && channel !== 'email') throw new Invalid('reply.attachments_email_only', { channel });
      if (channel === 'sms') {
        const optedOut = input.smsOptedOut ?? !!(await models.identities.findById(`phone:${input.to}`).lean())?.smsOptOutAt;
        if (optedOut) throw new Conflict('reply.sms_stop');
      }
      const ticket = input.ticket ?? (await models.tickets.findById(input.ticketId).lean());
      if (!ticket) throw new NotFound('ticket.not_found');
      const id = new Types.ObjectId();
      const at = now();
      // Email: our own Message-ID, and the thread's keys so the citizen's mail client threads it.
      let threadKeys: { messageId: string | null; inReplyTo: string | null; references: string[] } | undefined;
      let subject = input.subject ?? null;
      if (channel === 'email') {
        const earlier = await models.messages.find({ ticketId: ticket._id, channel: 'email', 'threadKeys.messageId': { $ne: null } }, { direction: 1, threadKeys: 1 }).sort({ _id: 1 }).lean();
        const keys = earlier.map((m) => m.threadKeys!.messageId!).filter(Boolean);
        const lastInbound = [...earlier].reverse().find((m) => m.direction === 'in');
        threadKeys = { messageId: ourMessageId(id, deps.mailDomain), inReplyTo: lastInbound?.threadKeys?.messageId ?? keys.at(-1) ?? null, references: keys.slice(-20) };
        subject = subject ?? ticket.subject ?? '';
        if (!subject.includes(ticket.reference)) subject = `${subject} [${ticket.reference}]`.trim();
      }
      // Queued: the message itself is the dispatcher's to-do (asked by status and time, see outboxDispatcher.ts).
      let message: MessageDoc;
      try {
        message = await models.messages.create({
          _id: id,
          ticketId: ticket._id,
          citizenId: ticket.citizenId,
          direction: 'out',
          channel,
          externalId: input.externalId ?? `out:${String(id)}`,
          toAddress: input.to,
          subject,
          text: input.text,
          ...(threadKeys ? { threadKeys } : {}),
          html: input.html ?? null,
          attachments: input.attachments ?? [],
          authorId: input.authorId ? new Types.ObjectId(input.authorId) : null,
          kind: input.kind ?? 'message',
          status: 'queued',
          statusRank: STATUS_RANK.queued,
          statusAt: at,
          nextAttemptAt: at,
          receivedAt: at,
        });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return (await models.messages.findOne({ channel, externalId: input.externalId }))!;
      }
      const whole = input.ticketDatedByCaller && input.ticket && 'status' in input.ticket ? (input.ticket as TicketDoc) : null;
      const after = whole ?? (await models.tickets.findOneAndUpdate({ _id: ticket._id }, { $max: { lastMessageAt: at } }, { returnDocument: 'after' }).lean());
      if (after) {
        events.emit('message.created', { ...(await ticketEventData(models, after)), messageId: String(id), direction: 'out', channel, preview: input.text.slice(0, 140) });
      }
      nudge();
      return message;
    },

    /**
     * Moves a message's delivery status forward (never back), from the dispatcher or a provider
     * callback. Returns false when the change was older than what is stored.
     */
    async advanceStatus(
      where: { messageId?: string; providerId?: string },
      status: DeliveryStatus,
      details: { reason?: string | null; code?: string | null; providerId?: string | null } = {},
    ): Promise<boolean> {
      const filter: Record<string, unknown> = { direction: 'out', statusRank: { $lt: STATUS_RANK[status] } };
      if (where.messageId && Types.ObjectId.isValid(where.messageId)) filter._id = new Types.ObjectId(where.messageId);
      else if (where.providerId) filter.providerId = where.providerId;
      else return false;
      const set: Record<string, unknown> = { status, statusRank: STATUS_RANK[status], statusAt: now() };
      if (details.reason !== undefined) set.statusReason = details.reason;
      if (details.code !== undefined) set.statusCode = details.code;
      if (details.providerId) set.providerId = details.providerId;
      if (status !== 'queued' && status !== 'sending') set.leaseUntil = null;
      const updated = await models.messages.findOneAndUpdate(filter, { $set: set }, { returnDocument: 'after' });
      if (!updated) {
        // Not newer: still record the provider id if the callback brought it first.
        if (details.providerId && where.messageId && Types.ObjectId.isValid(where.messageId)) {
          await models.messages.updateOne({ _id: where.messageId, providerId: null }, { $set: { providerId: details.providerId } });
        }
        return false;
      }
      const data = await ticketEvent(updated.ticketId);
      if (data) {
        events.emit('message.status', { ...data, messageId: String(updated._id), deliveryStatus: status, reason: details.reason ?? undefined });
      }
      deps.log.info({ messageId: String(updated._id), channel: updated.channel, status, reason: details.reason }, 'delivery status');
      return true;
    },

    /** What the adapter sends, with the bytes of attachments kept in our store. */
    async toOutbound(message: MessageDoc): Promise<OutboundMessage> {
      const ids = message.attachments.map((a) => attachmentIdOf(a.ref)).filter((id): id is string => !!id);
      const files = ids.length ? await models.attachments.find({ _id: { $in: ids } }) : []; // hydrated: content is a Buffer
      const contentOf = (ref: string) => files.find((f) => attachmentRef(f._id) === ref)?.content ?? undefined;
      const expand = deps.expandLinks;
      return {
        messageId: String(message._id),
        channel: message.channel as InboundChannel,
        to: message.toAddress ?? '',
        text: expand ? await expand(message, message.text) : message.text,
        html: message.html ? (expand ? await expand(message, message.html) : message.html) : undefined,
        subject: message.subject ?? undefined,
        threadKeys: {
          messageId: message.threadKeys?.messageId ?? undefined,
          inReplyTo: message.threadKeys?.inReplyTo ?? undefined,
          references: message.threadKeys?.references ?? [],
        },
        attachments: message.attachments.map((a) => ({ filename: a.filename ?? undefined, contentType: a.contentType, size: a.size, ref: a.ref, content: contentOf(a.ref) })),
        automatic: message.kind !== 'message',
      };
    },
  };
}
export type Outbox = ReturnType<typeof createOutbox>;

/** The Message-ID of an email we send: it names the message, so a bounce leads back to it by _id. */
export const ourMessageId = (id: Types.ObjectId, mailDomain = 'gru.local') => `<gru.${String(id)}@${mailDomain}>`;

/** The message a Message-ID of ours names (null for anyone else's). */
export function messageIdOfOurs(messageId: string): Types.ObjectId | null {
  const hex = /^<gru\.([0-9a-f]{24})@[^>]+>$/.exec(messageId.trim())?.[1];
  return hex ? new Types.ObjectId(hex) : null;
}
