// What every call-back use case shares: its dependencies, the citizen's numbers, the rule of who may be
// dialled (toll fraud), and the update pushed when a call's entry moves.
import type { Logger } from 'pino';
import type { Dialer } from '../../../channels/types.js';
import type { OpeningHours } from '../../domain/calendar.js';
import type { Models } from '../../store/index.js';
import type { Calls } from '../../store/repositories/calls.js';
import { citizensStore } from '../../store/repositories/citizens.js';
import type { Audit } from '../audit.js';
import type { EventBus } from '../eventBus.js';
import type { IngestInbound } from '../ingest/index.js';
import { Types } from 'mongoose';
import type { TicketDoc } from '../../store/models/ticket.js';
import { ticketEventData } from '../ticketEvents.js';
import { nextSlots, slotLabel } from '../../domain/callbackSlots.js';
import { isCallbackDestination } from '../../domain/identity.js';

export interface CallbackDeps {
  models: Models;
  events: EventBus;
  audit: Audit;
  ingestInbound: IngestInbound;
  now: () => Date;
  log: Logger;
  settings: { openingHours: OpeningHours; timeZone: string; defaultPhoneRegion: string; enabled: boolean; regions: readonly string[] };
  /** Twilio's outgoing calls; null when the phone channel is off. */
  dialer: Dialer | null;
  /** The softphone is configured: « Rappeler » rings the browser of an agent who chose it. */
  browserCalls?: boolean;
}
/** The dependencies, and the call entries' named reads and writes. */
export interface CallbackContext extends CallbackDeps {
  calls: Calls;
}

/** The numbers the citizen is known by. */
export async function knownPhones(ctx: CallbackContext, citizenId: Types.ObjectId): Promise<string[]> {
  const citizen = await citizensStore(ctx.models).identitiesListed(citizenId);
  return (citizen?.identities ?? []).filter((i) => i.kind === 'phone').map((i) => i.value);
}

/** The citizen's number to call: the one given with the request, else their known phone. */
export async function citizenPhone(ctx: CallbackContext, ticket: Pick<TicketDoc, 'citizenId' | 'callback'>): Promise<string | null> {
  return ticket.callback?.phone ?? (await knownPhones(ctx, ticket.citizenId))[0] ?? null;
}

/** A number the service may ring for this citizen (toll fraud: see isCallbackDestination). */
export async function mayDial(ctx: CallbackContext, citizenId: Types.ObjectId, phone: string): Promise<boolean> {
  return isCallbackDestination(phone, { known: await knownPhones(ctx, citizenId), regions: ctx.settings.regions });
}

/** The regions call-backs may ring, as citizens read them (« France »). */
export const regionsLabel = (ctx: CallbackContext) => ctx.settings.regions.map((r) => new Intl.DisplayNames(['fr'], { type: 'region' }).of(r) ?? r).join(', ');

/** The half-days a call-back may be asked for (none when call-backs are off). */
export const slots = (ctx: CallbackContext) => (ctx.settings.enabled ? nextSlots(ctx.now(), ctx.settings.openingHours, ctx.settings.timeZone).map((slot) => ({ slot, label: slotLabel(slot) })) : []);

export async function emitUpdated(ctx: CallbackContext, messageId: Types.ObjectId, ticket: TicketDoc, changes: Record<string, unknown>) {
  ctx.events.emit('message.updated', { ...(await ticketEventData(ctx.models, ticket)), messageId: String(messageId), changes });
}
