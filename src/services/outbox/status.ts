// Delivery statuses only move forward, whoever reports them (the dispatcher, a provider's callback, a bounce), and are pushed.
import { Types } from 'mongoose';
import { STATUS_RANK } from '../../domain/delivery.js';
import { type DeliveryStatus } from '../../domain/ticket.js';
import { type OutboxContext, ticketEvent } from './context.js';

/**
 * Moves a message's delivery status forward (never back), from the dispatcher or a provider
 * callback. Returns false when the change was older than what is stored.
 */
export async function advanceStatus(ctx: OutboxContext, 
  where: { messageId?: string; providerId?: string },
  status: DeliveryStatus,
  details: { reason?: string | null; code?: string | null; providerId?: string | null } = {},
): Promise<boolean> {
  const byId = where.messageId && Types.ObjectId.isValid(where.messageId) ? new Types.ObjectId(where.messageId) : null;
  const named = byId ? { _id: byId } : where.providerId ? { providerId: where.providerId } : null;
  if (!named) return false;
  const set: Record<string, unknown> = { status, statusRank: STATUS_RANK[status], statusAt: ctx.now() };
  if (details.reason !== undefined) set.statusReason = details.reason;
  if (details.code !== undefined) set.statusCode = details.code;
  if (details.providerId) set.providerId = details.providerId;
  if (status !== 'queued' && status !== 'sending') set.leaseUntil = null;
  const updated = await ctx.store.forward(named, STATUS_RANK[status], set);
  if (!updated) {
    // Not newer: still record the provider id if the callback brought it first.
    if (details.providerId && byId) await ctx.store.providerIdOnce(byId, details.providerId);
    return false;
  }
  const data = await ticketEvent(ctx, updated.ticketId);
  if (data) {
    ctx.events.emit('message.status', { ...data, messageId: String(updated._id), deliveryStatus: status, reason: details.reason ?? undefined });
  }
  ctx.log.info({ messageId: String(updated._id), channel: updated.channel, status, reason: details.reason }, 'delivery status');
  return true;
}
