// A message to the citizen, stored first (queued) with its ticket dated and pushed; the dispatcher sends it.
import { Types } from 'mongoose';
import { STATUS_RANK } from '../../domain/delivery.js';
import { Conflict, Invalid, NotFound, Unavailable } from '../../domain/errors.js';
import { isDuplicateKey } from '../../store/index.js';
import { type MessageDoc } from '../../store/models/message.js';
import { type TicketDoc } from '../../store/models/ticket.js';
import { citizensStore } from '../../store/repositories/citizens.js';
import { messagesStore } from '../../store/repositories/messages.js';
import { tickets } from '../../store/repositories/tickets.js';
import { ticketEventData } from '../ticketEvents.js';
import { replyVia } from '../../../channels/registry.js';
import { type OutboxContext, ourMessageId, type QueueInput } from './context.js';

export async function queue(ctx: OutboxContext, input: QueueInput): Promise<MessageDoc> {
  const channel = replyVia(input.channel);
  const adapter = ctx.adapters.get(channel);
  if (!adapter) throw new Unavailable('reply.channel_off', { channel });
  adapter.validate?.({ to: input.to, text: input.text, subject: input.subject });
  if (input.attachments?.length && channel !== 'email') throw new Invalid('reply.attachments_email_only', { channel });
  if (channel === 'sms') {
    const optedOut = input.smsOptedOut ?? !!(await citizensStore(ctx.models).identity(`phone:${input.to}`))?.smsOptOutAt;
    if (optedOut) throw new Conflict('reply.sms_stop');
  }
  const ticket = input.ticket ?? (await tickets(ctx.models).read(input.ticketId));
  if (!ticket) throw new NotFound('ticket.not_found');
  const id = input.id ?? new Types.ObjectId();
  const at = ctx.now();
  const messages = messagesStore(ctx.models);
  // Email: our own Message-ID, and the thread's keys so the citizen's mail client threads it.
  let threadKeys: { messageId: string | null; inReplyTo: string | null; references: string[] } | undefined;
  let subject = input.subject ?? null;
  if (channel === 'email') {
    const earlier = await messages.emailKeysOf(ticket._id);
    const keys = earlier.map((m) => m.threadKeys!.messageId!).filter(Boolean);
    const lastInbound = [...earlier].reverse().find((m) => m.direction === 'in');
    threadKeys = { messageId: ourMessageId(id, ctx.mailDomain), inReplyTo: lastInbound?.threadKeys?.messageId ?? keys.at(-1) ?? null, references: keys.slice(-20) };
    subject = subject ?? ticket.subject ?? '';
    if (!subject.includes(ticket.reference)) subject = `${subject} [${ticket.reference}]`.trim();
  }
  // Queued: the message itself is the dispatcher's to-do (asked by status and time, see outboxDispatcher.ts).
  let message: MessageDoc;
  try {
    message = await messages.write({
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
    return (await messages.byExternalId(channel, input.externalId!))!;
  }
  const whole = input.ticketDatedByCaller && input.ticket && 'status' in input.ticket ? (input.ticket as TicketDoc) : null;
  const after = whole ?? (await tickets(ctx.models).touch(ticket._id, at));
  if (after) {
    ctx.events.emit('message.created', { ...(await ticketEventData(ctx.models, after)), messageId: String(id), direction: 'out', channel, preview: input.text.slice(0, 140), byAgentId: input.authorId ?? null });
  }
  ctx.wake.nudge();
  return message;
}
