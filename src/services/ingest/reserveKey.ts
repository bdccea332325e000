// Reserve the key: one insert on the unique (channel, externalId) key, before anything is written. A
// retry or a concurrent delivery finds it taken and gets the message stored under it (waited for
// briefly); a key whose delivery died before storing its message is taken over under the same id.
import type { Types } from 'mongoose';
import type { InboundMessage } from '../../../channels/types.js';
import type { MessageDoc } from '../../store/models/message.js';
import { waitFor, type IngestContext } from './context.js';

export type Reservation = { key: string; messageId: Types.ObjectId; reservedHere: boolean; stored: MessageDoc | null };

export async function reserveKey(ctx: IngestContext, inbound: InboundMessage): Promise<Reservation> {
  const reserved = await ctx.keys.reserve(inbound.channel, inbound.externalId);
  if (reserved.reservedHere) return { ...reserved, stored: null };
  return { ...reserved, stored: await waitFor(() => ctx.messages.byId(reserved.messageId).exec()) };
}

/** Nothing was stored for the message: its key is freed, so that the sender's retry does not wait for it. */
export async function releaseKey(ctx: IngestContext, reservation: Reservation): Promise<void> {
  if (!reservation.reservedHere) return;
  await ctx.keys.release(reservation.key, reservation.messageId).catch((err: unknown) => ctx.log.warn({ err, key: reservation.key }, 'message key not freed: the retry waits for it'));
}
