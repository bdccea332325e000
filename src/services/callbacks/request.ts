// A citizen asks to be called back: from the portal, a half-day within opening hours (their number,
// or another that may be dialled); by phone, key 1 after the greeting. It is their message in the thread.
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { TicketDoc } from '../../store/models/ticket.js';
import { messagesStore } from '../../store/repositories/messages.js';
import { tickets } from '../../store/repositories/tickets.js';
import { ticketEventData } from '../ticketEvents.js';
import { isOpenSlot, nextSlots, slotLabel } from '../../domain/callbackSlots.js';
import { Conflict, Invalid } from '../../domain/errors.js';
import { normalisePhone } from '../../domain/identity.js';
import { t } from '../../i18n/catalogue.js';
import { type CallbackContext, citizenPhone, mayDial, regionsLabel, slots } from './context.js';

/** Stores the request as the citizen's message (idempotent by `externalId`), and on the ticket for the inbox. */
export async function record(ctx: CallbackContext, input: { channel: 'portal' | 'voice'; externalId: string; from: string; citizenId?: string; ticketId?: string; slot: string; phone: string }) {
  const label = slotLabel(input.slot);
  const text = t(input.channel === 'voice' ? 'callback.requested_voice' : 'callback.requested', { slot: label, phone: input.phone });
  const result = await ctx.ingestInbound({
    channel: input.channel,
    externalId: input.externalId,
    from: { address: input.from },
    citizenId: input.citizenId,
    text,
    threadHints: input.ticketId ? { ticketId: input.ticketId } : {},
    attachments: [],
    receivedAt: ctx.now(),
  });
  const callback = { slot: input.slot, phone: input.phone, state: 'requested' as const };
  await messagesStore(ctx.models).markCallbackRequest(result.messageId, callback);
  const ticket = await tickets(ctx.models).setCallback(result.ticketId, { ...callback, messageId: new Types.ObjectId(result.messageId) });
  if (ticket && !result.duplicate) {
    ctx.events.emit('ticket.updated', { ...(await ticketEventData(ctx.models, ticket)), changes: { callback: { slot: input.slot, label, phone: input.phone } } });
  }
  return { id: result.messageId, reference: result.reference, slot: input.slot, label };
}

/** From the portal: a half-day within opening hours; the number is the citizen's unless they give one. */
export async function requestFromPortal(ctx: CallbackContext, ticket: TicketDoc, input: { slot: string; phone?: string }) {
  if (!ctx.settings.enabled) throw new Invalid('callback.off');
  if (ticket.status === 'closed') throw new Conflict('ticket.closed');
  if (!isOpenSlot(input.slot, ctx.now(), ctx.settings.openingHours, ctx.settings.timeZone)) {
    throw new Invalid('callback.slot_invalid', { slots: slots(ctx).slice(0, 4).map((s) => s.label).join(' ; ') });
  }
  const given = input.phone?.trim() ? normalisePhone(input.phone, ctx.settings.defaultPhoneRegion) : null;
  if (input.phone?.trim() && !given) throw new Invalid('callback.phone_invalid');
  if (given && !(await mayDial(ctx, ticket.citizenId, given))) throw new Invalid('callback.phone_refused', { regions: regionsLabel(ctx) });
  const phone = given ?? (await citizenPhone(ctx, { citizenId: ticket.citizenId, callback: null }));
  if (!phone) throw new Invalid('callback.phone_needed');
  // The same request twice is stored once; the key names the number only by a hash (erasure leaves no trace).
  const key = createHash('sha256').update(phone).digest('hex').slice(0, 16);
  return record(ctx, { channel: 'portal', externalId: `callback:${String(ticket._id)}:${input.slot}:${key}`, from: 'portal', citizenId: String(ticket.citizenId), ticketId: String(ticket._id), slot: input.slot, phone });
}

/** Key 1 after the greeting: the first half-day open from ctx.now, to the number that called. */
export async function requestFromCall(ctx: CallbackContext, call: { callSid: string; from: string }) {
  const slot = nextSlots(ctx.now(), ctx.settings.openingHours, ctx.settings.timeZone, 1)[0]!;
  return record(ctx, { channel: 'voice', externalId: `callback:${call.callSid}`, from: call.from, slot, phone: call.from });
}
