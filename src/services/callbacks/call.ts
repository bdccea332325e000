// « Rappeler »: Twilio rings the agent's own phone, then bridges to the citizen with the service's
// number; the call is one thread entry moved forward by Twilio's callbacks, in any order.
import { Types } from 'mongoose';
import type { TicketDoc } from '../../store/models/ticket.js';
import { agentsStore } from '../../store/repositories/agents.js';
import { tickets } from '../../store/repositories/tickets.js';
import { SYSTEM } from '../audit.js';
import { ticketEventData } from '../ticketEvents.js';
import type { Principal } from '../tokens.js';
import { Invalid } from '../../domain/errors.js';
import { applyDialEvent, dialText, isFinal, type DialEvent, type DialRecord, type DialState } from '../../domain/outboundCall.js';
import { type CallbackContext, citizenPhone, mayDial, regionsLabel, emitUpdated } from './context.js';

const MAX_ATTEMPTS = 20;

/** "Rappeler": rings the agent's phone; the entry follows the call to its outcome. */
export async function call(ctx: CallbackContext, principal: Principal, ticket: TicketDoc) {
  if (!ctx.dialer) throw new Invalid('call.channel_off');
  const agent = await agentsStore(ctx.models).byId(principal.agentId);
  // The agent's own line: their browser when their calls ring there (the softphone), else their phone.
  const agentLine = agent?.voiceDevice === 'browser' && ctx.browserCalls ? `client:agent-${String(agent._id)}` : agent?.phone;
  if (!agent || !agentLine) throw new Invalid('call.agent_phone_missing');
  const phone = await citizenPhone(ctx, ticket);
  if (!phone) throw new Invalid('call.citizen_phone_missing');
  // Again before dialling: a number stored before this rule, or by another way in, is checked too.
  if (!(await mayDial(ctx, ticket.citizenId, phone))) throw new Invalid('call.destination_refused', { regions: regionsLabel(ctx) });
  const id = new Types.ObjectId();
  const dial: DialRecord = { state: 'initiated', durationSeconds: null };
  const at = ctx.now();
  await ctx.calls.record({
    _id: id, ticketId: ticket._id, citizenId: ticket.citizenId, direction: 'out', channel: 'voice', kind: 'call', externalId: `call:${String(id)}`,
    toAddress: phone, text: dialText(dial, phone), authorId: new Types.ObjectId(principal.agentId), receivedAt: at,
    dial: { ...dial, agentPhone: agentLine, version: 0 },
  });
  await ctx.audit({ kind: 'agent', id: principal.agentId }, 'ticket.call.started', { ticketId: ticket._id, citizenId: ticket.citizenId }, { messageId: String(id) });
  ctx.events.emit('message.created', { ...(await ticketEventData(ctx.models, ticket)), messageId: String(id), direction: 'out', channel: 'voice', preview: dialText(dial, phone) });
  const sent = await ctx.dialer.call({ callId: String(id), agentPhone: agentLine });
  if (!sent.ok) {
    await dialEvent(ctx, String(id), { leg: 'agent', status: 'failed' });
    throw new Invalid('call.refused', { reason: sent.reason });
  }
  await ctx.calls.providerId(id, sent.externalId);
  return { id: String(id), state: dial.state as DialState };
}

/** What the bridge needs once the agent answered: the citizen's number and the ticket's reference. */
export async function bridgeTarget(ctx: CallbackContext, callId: string): Promise<{ phone: string; reference: string } | null> {
  const message = Types.ObjectId.isValid(callId) ? await ctx.calls.byId(callId).lean() : null;
  const reference = message ? await tickets(ctx.models).referenceOf(message.ticketId) : null;
  return message?.toAddress && reference ? { phone: message.toAddress, reference } : null;
}

/** One of Twilio's callbacks for a call-back; false when no such call is known. */
export async function dialEvent(ctx: CallbackContext, callId: string, event: DialEvent): Promise<boolean> {
  if (!Types.ObjectId.isValid(callId)) return false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const message = await ctx.calls.byId(callId);
    if (!message?.dial) return false;
    const current: DialRecord = { state: message.dial.state as DialState, durationSeconds: message.dial.durationSeconds ?? null };
    const next = applyDialEvent(current, event);
    if (!next) return true;
    const text = dialText(next, message.toAddress ?? '');
    const updated = await ctx.calls.advance(message._id, message.dial.version ?? 0, next, text);
    if (!updated) continue; // another callback moved it meanwhile
    const ticket = (await tickets(ctx.models).byId(message.ticketId))!;
    if (next.state === 'answered') await answered(ctx, ticket, message.authorId);
    await emitUpdated(ctx, message._id, ticket, { text, dial: { state: next.state, durationSeconds: next.durationSeconds } });
    if (isFinal(next.state)) ctx.log.info({ ticketId: String(ticket._id), callId, state: next.state }, 'call-back ended');
    return true;
  }
  throw new Error(`call ${callId}: too many concurrent updates`);
}

/** The citizen was reached: their request for a call-back is done, and they have had an answer. */
export async function answered(ctx: CallbackContext, ticket: TicketDoc, agentId: Types.ObjectId | null | undefined) {
  await ctx.calls.reached(ticket._id, ctx.now());
  await ctx.audit(agentId ? { kind: 'agent', id: String(agentId) } : SYSTEM, 'ticket.call.answered', { ticketId: ticket._id, citizenId: ticket.citizenId }, {});
}
