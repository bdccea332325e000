// The citizen's own data from their space: the record of everything held (readable or JSON, the same as
// the managers' export) and the request to erase it, which managers must carry out within a month
// (RGPD article 12.3); the citizen is told on their channel, the managers at once.
import { Types } from 'mongoose';
import { Conflict, DomainError } from '../../domain/errors.js';
import { t } from '../../i18n/catalogue.js';
import { citizenRecord } from '../citizenRecord.js';
import { replyChannels } from '../tickets/reply.js';
import type { CitizenSpaceContext, SpaceSession } from './context.js';
import { citizenOf } from './requests.js';

/** A month later, the same day (or the month's last day). */
export function oneMonthAfter(at: Date): Date {
  const due = new Date(at);
  const day = due.getUTCDate();
  due.setUTCDate(1);
  due.setUTCMonth(due.getUTCMonth() + 1);
  const last = new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth() + 1, 0)).getUTCDate();
  due.setUTCDate(Math.min(day, last));
  return due;
}

export async function exportData(ctx: CitizenSpaceContext, session: SpaceSession) {
  const citizenId = citizenOf(session);
  const record = await citizenRecord(ctx.models, new Types.ObjectId(citizenId), ctx.now(), ctx.serviceName);
  await ctx.audit({ kind: 'citizen', id: citizenId }, 'citizen.exported', { citizenId }, { by: 'citizen' });
  return record;
}

export async function requestErasure(ctx: CitizenSpaceContext, session: SpaceSession): Promise<{ at: string; dueBy: string }> {
  const citizenId = citizenOf(session);
  const at = ctx.now();
  const dueBy = oneMonthAfter(at);
  const citizen = await ctx.store.requestErasure(citizenId, at, dueBy);
  if (!citizen) throw new Conflict('space.erasure_already');
  await ctx.audit({ kind: 'citizen', id: citizenId }, 'citizen.erasure_requested', { citizenId }, { dueBy: dueBy.toISOString() });
  ctx.events.emit('citizen.erasure_requested', { citizenId, at: at.toISOString(), dueBy: dueBy.toISOString(), name: citizen.name ?? null });
  await tell(ctx, citizenId, dueBy);
  return { at: at.toISOString(), dueBy: dueBy.toISOString() };
}

/** The citizen is told on their channel, in their latest request (agents see it in the thread). */
async function tell(ctx: CitizenSpaceContext, citizenId: string, dueBy: Date) {
  const request = await ctx.store.latestRequest(citizenId);
  if (!request) return;
  const channels = await replyChannels(ctx, request);
  const [channel, to] = channels.get('email') ? (['email', channels.get('email')!] as const) : ([...channels.entries()][0] ?? [null, null]);
  if (!channel || !to) return;
  const date = dueBy.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });
  try {
    await ctx.outbox.queue({ ticketId: request._id, ticket: request, channel, to, kind: 'status_update', ...(channel === 'email' ? { subject: t('space.erasure_subject') } : {}), text: t('space.erasure_text', { date }) });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    ctx.log.info({ reason: err.code }, 'erasure request not confirmed on a channel');
  }
}
