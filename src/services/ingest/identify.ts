// Identify: who a message comes from. An address is an identity (phone E.164, lower-cased email, chat
// session) leading to one citizen, created with the identity when it is new; a hidden number is a
// citizen of its own; the portal names its citizen.
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { InboundMessage } from '../../../channels/types.js';
import { NotFound } from '../../domain/errors.js';
import { identityKindOf, normaliseIdentity, phoneSender, type Identity, type PhoneSender } from '../../domain/identity.js';
import { t } from '../../i18n/catalogue.js';
import type { CitizenDoc } from '../../store/models/citizen.js';
import type { IdentityRecord } from '../../store/repositories/senders.js';
import type { IngestContext } from './context.js';

export type Unreachable = Exclude<PhoneSender, { identity: Identity }>;
export type Sender = { identity: Identity | null; unreachable: Unreachable | null };
export type { IdentityRecord } from '../../store/repositories/senders.js';

/** Who the message is from: an identity, an unreachable sender (a hidden number…), or neither (the portal names its citizen). */
export function senderOf(ctx: IngestContext, inbound: InboundMessage): Sender {
  const region = ctx.rules.defaultPhoneRegion;
  const kind = identityKindOf(inbound.channel);
  const sender: PhoneSender | null = kind === 'phone' ? phoneSender(inbound.from.address, region) : kind ? { identity: normaliseIdentity(kind, inbound.from.address, region) } : null;
  return { identity: sender && 'identity' in sender ? sender.identity : null, unreachable: sender && 'unreachable' in sender ? sender : null };
}

/** The sender's identity record, read while the key is reserved (a failed read counts as not found). */
export function readIdentity(ctx: IngestContext, sender: Sender): Promise<IdentityRecord | null> {
  const read = sender.identity ? ctx.senders.identity(sender.identity) : Promise.resolve(null);
  // A failed read counts as not found: resolveCitizen then creates the identity, or reads it on the duplicate.
  return read.catch(() => null);
}

/** The identity's citizen (created with `firstWrite`'s fields when the identity is new), and whether the number sent STOP. */
export async function resolveCitizen(ctx: IngestContext, identity: Identity, name: string | undefined, known: Promise<IdentityRecord | null>, firstWrite: () => Promise<Record<string, unknown>>) {
  const read = await known;
  const { record, isNew } = read ? { record: read, isNew: false } : await ctx.senders.createIdentity(identity);
  const smsOptedOut = !!record.smsOptOutAt;
  // A known identity: its citizen is read (they hold it already); written only if missing (a delivery
  // that created the identity died before its citizen).
  if (!isNew) {
    const existing = await ctx.senders.citizen(record.citizenId);
    if (existing?.identities.some((i) => i.kind === identity.kind && i.value === identity.value)) return { citizen: existing, smsOptedOut };
  }
  const onInsert = isNew ? await firstWrite() : {};
  // Idempotent: every racer for a new identity upserts the same citizen id.
  return { citizen: await ctx.senders.upsertCitizen(record.citizenId, identity, { name: name?.trim() || null, ...onInsert }), smsOptedOut };
}

/** The citizen a message names itself (the portal's). */
export async function knownCitizen(ctx: IngestContext, citizenId: string | undefined): Promise<CitizenDoc> {
  const citizen = citizenId && Types.ObjectId.isValid(citizenId) ? await ctx.senders.citizen(citizenId) : null;
  if (!citizen) throw new NotFound('citizen.not_found');
  return citizen;
}

/**
 * A hidden number (or a name, or an app) is no key to anyone: each such message is a citizen of its
 * own, never merged with others by that pseudo-number. The id is derived from the message, so a
 * retried or concurrent delivery finds the same record.
 */
export async function unreachableCitizen(ctx: IngestContext, inbound: InboundMessage, sender: Unreachable): Promise<CitizenDoc> {
  const id = new Types.ObjectId(createHash('sha256').update(`unreachable:${inbound.channel}:${inbound.externalId}`).digest('hex').slice(0, 24));
  return ctx.senders.citizenOnce(id, { name: unreachableName(sender), unreachable: sender.unreachable });
}

export function unreachableName(sender: Unreachable): string {
  return sender.unreachable === 'hidden' ? t('identity.hidden') : t(`identity.${sender.unreachable}`, { label: sender.label });
}
