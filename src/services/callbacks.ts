// Call-backs: a citizen asks to be called back (portal: a half-day slot; phone: key 1 after the
// greeting), which is a citizen's message in the thread (kind 'callback_request', due like any other);
// an agent presses "Rappeler": Twilio rings the agent's own phone, then bridges to the citizen showing
// the service's number. The call is one thread entry (kind 'call') moved forward by Twilio's callbacks.
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { Dialer } from '../../channels/types.js';
import type { OpeningHours } from '../domain/calendar.js';
import { isOpenSlot, nextSlots, slotLabel } from '../domain/callbackSlots.js';
import { Conflict, Invalid } from '../domain/errors.js';
import { isCallbackDestination, normalisePhone } from '../domain/identity.js';
import { applyDialEvent, dialText, isFinal, type DialEvent, type DialRecord, type DialState } from '../domain/outboundCall.js';
import { t } from '../i18n/catalogue.js';
import type { Models } from '../store/index.js';
import type { TicketDoc } from '../store/models/ticket.js';
import { SYSTEM, type Audit } from './audit.js';
import type { EventBus } from './eventBus.js';
import type { IngestInbound } from './ingest/index.js';
import { ticketEventData } from './ticketEvents.js';
import type { Principal } from './tokens.js';

const MAX_ATTEMPTS = 20;

export function createCallbackService(deps: {
  models: Models;
  events: EventBus;
  audit: Audit;
  ingestInbound: IngestInbound;
  now: () => Date;
  log: Logger;
  settings: { openingHours: OpeningHours; timeZone: string; defaultPhoneRegion: string; enabled: boolean; regions: readonly string[] };
  /** Twilio's outgoing calls; null when the phone channel is off. */
  dialer: Dialer | null;
}) {
  const { models, events, now, settings } = deps;

  /** The numbers the citizen is known by. */
  async function knownPhones(citizenId: Types.ObjectId): Promise<string[]> {
    const citizen = await models.citizens.findById(citizenId, { identities: 1 }).lean();
    return (citizen?.identities ?? []).filter((i) => i.kind === 'phone').map((i) => i.value);
  }

  /** The citizen's number to call: the one given with the request, else their known phone. */
  async function citizenPhone(ticket: Pick<TicketDoc, 'citizenId' | 'callback'>): Promise<string | null> {
    return ticket.callback?.phone ?? (await knownPhones(ticket.citizenId))[0] ?? null;
  }

  /** A number the service may ring for this citizen (toll fraud: see isCallbackDestination). */
  async function mayDial(citizenId: Types.ObjectId, phone: string): Promise<boolean> {
    return isCallbackDestination(phone, { known: await knownPhones(citizenId), regions: settings.regions });
  }
  const regionsLabel = () => settings.regions.map((r) => new Intl.DisplayNames(['fr'], { type: 'region' }).of(r) ?? r).join(', ');

  async function emitUpdated(messageId: Types.ObjectId, ticket: TicketDoc, changes: Record<string, unknown>) {
    events.emit('message.updated', { ...(await ticketEventData(models, ticket)), messageId: String(messageId), changes });
  }

  /** Stores the request as the citizen's message (idempotent by `externalId`), and on the ticket for the inbox. */
  async function record(input: { channel: 'portal' | 'voice'; externalId: string; from: string; citizenId?: string; ticketId?: string; slot: string; phone: string }) {
    const label = slotLabel(input.slot);
    const text = t(input.channel === 'voice' ? 'callback.requested_voice' : 'callback.requested', { slot: label, phone: input.phone });
    const result = await deps.ingestInbound({
      channel: input.channel,
      externalId: input.externalId,
      from: { address: input.from },
      citizenId: input.citizenId,
      text,
      threadHints: input.ticketId ? { ticketId: input.ticketId } : {},
      attachments: [],
      receivedAt: now(),
    });
    const callback = { slot: input.slot, phone: input.phone, state: 'requested' as const };
    await models.messages.updateOne({ _id: result.messageId, kind: 'message' }, { $set: { kind: 'callback_request', callback } });
    const ticket = await models.tickets.findOneAndUpdate({ _id: result.ticketId }, { $set: { callback: { ...callback, messageId: new Types.ObjectId(result.messageId) } } }, { returnDocument: 'after' });
    if (ticket && !result.duplicate) {
      events.emit('ticket.updated', { ...(await ticketEventData(models, ticket)), changes: { callback: { slot: input.slot, label, phone: input.phone } } });
    }
    return { id: result.messageId, reference: result.reference, slot: input.slot, label };
  }

  return {
    enabled: settings.enabled,
    slots: () => (settings.enabled ? nextSlots(now(), settings.openingHours, settings.timeZone).map((slot) => ({ slot, label: slotLabel(slot) })) : []),

    /** From the portal: a half-day within opening hours; the number is the citizen's unless they give one. */
    async requestFromPortal(ticket: TicketDoc, input: { slot: string; phone?: string }) {
      if (!settings.enabled) throw new Invalid('callback.off');
      if (ticket.status === 'closed') throw new Conflict('ticket.closed');
      if (!isOpenSlot(input.slot, now(), settings.openingHours, settings.timeZone)) {
        throw new Invalid('callback.slot_invalid', { slots: this.slots().slice(0, 4).map((s) => s.label).join(' ; ') });
      }
      const given = input.phone?.trim() ? normalisePhone(input.phone, settings.defaultPhoneRegion) : null;
      if (input.phone?.trim() && !given) throw new Invalid('callback.phone_invalid');
      if (given && !(await mayDial(ticket.citizenId, given))) throw new Invalid('callback.phone_refused', { regions: regionsLabel() });
      const phone = given ?? (await citizenPhone({ citizenId: ticket.citizenId, callback: null }));
      if (!phone) throw new Invalid('callback.phone_needed');
      // The same request twice is stored once; the key names the number only by a hash (erasure leaves no trace).
      const key = createHash('sha256').update(phone).digest('hex').slice(0, 16);
      return record({ channel: 'portal', externalId: `callback:${String(ticket._id)}:${input.slot}:${key}`, from: 'portal', citizenId: String(ticket.citizenId), ticketId: String(ticket._id), slot: input.slot, phone });
    },

    /** Key 1 after the greeting: the first half-day open from now, to the number that called. */
    async requestFromCall(call: { callSid: string; from: string }) {
      const slot = nextSlots(now(), settings.openingHours, settings.timeZone, 1)[0]!;
      return record({ channel: 'voice', externalId: `callback:${call.callSid}`, from: call.from, slot, phone: call.from });
    },

    /** "Rappeler": rings the agent's phone; the entry follows the call to its outcome. */
    async call(principal: Principal, ticket: TicketDoc) {
      if (!deps.dialer) throw new Invalid('call.channel_off');
      const agent = await models.agents.findById(principal.agentId, { phone: 1, name: 1 }).lean();
      if (!agent?.phone) throw new Invalid('call.agent_phone_missing');
      const phone = await citizenPhone(ticket);
      if (!phone) throw new Invalid('call.citizen_phone_missing');
      // Again before dialling: a number stored before this rule, or by another way in, is checked too.
      if (!(await mayDial(ticket.citizenId, phone))) throw new Invalid('call.destination_refused', { regions: regionsLabel() });
      const id = new Types.ObjectId();
      const dial: DialRecord = { state: 'initiated', durationSeconds: null };
      const at = now();
      await models.messages.create({
        _id: id, ticketId: ticket._id, citizenId: ticket.citizenId, direction: 'out', channel: 'voice', kind: 'call', externalId: `call:${String(id)}`,
        toAddress: phone, text: dialText(dial, phone), authorId: new Types.ObjectId(principal.agentId), receivedAt: at,
        dial: { ...dial, agentPhone: agent.phone, version: 0 },
      });
      await deps.audit({ kind: 'agent', id: principal.agentId }, 'ticket.call.started', { ticketId: ticket._id, citizenId: ticket.citizenId }, { messageId: String(id) });
      events.emit('message.created', { ...(await ticketEventData(models, ticket)), messageId: String(id), direction: 'out', channel: 'voice', preview: dialText(dial, phone) });
      const sent = await deps.dialer.call({ callId: String(id), agentPhone: agent.phone });
      if (!sent.ok) {
        await this.dialEvent(String(id), { leg: 'agent', status: 'failed' });
        throw new Invalid('call.refused', { reason: sent.reason });
      }
      await models.messages.updateOne({ _id: id }, { $set: { providerId: sent.externalId } });
      return { id: String(id), state: dial.state as DialState };
    },

    /** What the bridge needs once the agent answered: the citizen's number and the ticket's reference. */
    async bridgeTarget(callId: string): Promise<{ phone: string; reference: string } | null> {
      const message = Types.ObjectId.isValid(callId) ? await models.messages.findOne({ _id: callId, kind: 'call' }).lean() : null;
      const ticket = message ? await models.tickets.findById(message.ticketId, { reference: 1 }).lean() : null;
      return message?.toAddress && ticket ? { phone: message.toAddress, reference: ticket.reference } : null;
    },

    /** One of Twilio's callbacks for a call-back; false when no such call is known. */
    async dialEvent(callId: string, event: DialEvent): Promise<boolean> {
      if (!Types.ObjectId.isValid(callId)) return false;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const message = await models.messages.findOne({ _id: callId, kind: 'call' });
        if (!message?.dial) return false;
        const current: DialRecord = { state: message.dial.state as DialState, durationSeconds: message.dial.durationSeconds ?? null };
        const next = applyDialEvent(current, event);
        if (!next) return true;
        const text = dialText(next, message.toAddress ?? '');
        const updated = await models.messages.findOneAndUpdate(
          { _id: message._id, 'dial.version': message.dial.version ?? 0 },
          { $set: { 'dial.state': next.state, 'dial.durationSeconds': next.durationSeconds, text }, $inc: { 'dial.version': 1 } },
          { returnDocument: 'after' },
        );
        if (!updated) continue; // another callback moved it meanwhile
        const ticket = (await models.tickets.findById(message.ticketId))!;
        if (next.state === 'answered') await answered(ticket, message.authorId);
        await emitUpdated(message._id, ticket, { text, dial: { state: next.state, durationSeconds: next.durationSeconds } });
        if (isFinal(next.state)) deps.log.info({ ticketId: String(ticket._id), callId, state: next.state }, 'call-back ended');
        return true;
      }
      throw new Error(`call ${callId}: too many concurrent updates`);
    },
  };

  /** The citizen was reached: their request for a call-back is done, and they have had an answer. */
  async function answered(ticket: TicketDoc, agentId: Types.ObjectId | null | undefined) {
    await models.messages.updateMany({ ticketId: ticket._id, kind: 'callback_request', 'callback.state': 'requested' }, { $set: { 'callback.state': 'done' } });
    const at = now();
    await models.tickets.updateOne({ _id: ticket._id, firstRespondedAt: null }, { $set: { firstRespondedAt: at } });
    await models.tickets.updateOne({ _id: ticket._id }, { $set: { callback: null, sla: null, nextResponseDueAt: null, unreadCount: 0 } });
    await deps.audit(agentId ? { kind: 'agent', id: String(agentId) } : SYSTEM, 'ticket.call.answered', { ticketId: ticket._id, citizenId: ticket.citizenId }, {});
  }
}
export type CallbackService = ReturnType<typeof createCallbackService>;
