// What an adapter sends: the stored message with its personal links put in, its threading keys and files.
import { type InboundChannel, type OutboundMessage } from '../../../channels/types.js';
import { attachmentIdOf, attachmentRef } from '../../store/models/mailbox.js';
import { type MessageDoc } from '../../store/models/message.js';
import { attachmentsStore } from '../../store/repositories/attachments.js';
import { type OutboxContext } from './context.js';

/** What the adapter sends, with the bytes of attachments kept in our store. */
export async function toOutbound(ctx: OutboxContext, message: MessageDoc): Promise<OutboundMessage> {
  const ids = message.attachments.map((a) => attachmentIdOf(a.ref)).filter((id): id is string => !!id);
  const files = await attachmentsStore(ctx.models).manyWithContent(ids);
  const contentOf = (ref: string) => files.find((f) => attachmentRef(f._id) === ref)?.content ?? undefined;
  const expand = ctx.expandLinks;
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
}
