// The RGPD rights: access (everything held, as JSON) and erasure (src/services/erasure.ts).
import type { Actor } from '../audit.js';
import { eraseCitizen } from '../erasure.js';
import { type CitizenContext, load } from './context.js';

/** RGPD right of access: everything held about the citizen, as JSON. */
export async function exportAll(ctx: CitizenContext, actor: Actor, citizenId: string) {
  const citizen = await load(ctx, citizenId);
  const [identities, tickets, messages, chatSessions, auditEvents] = await Promise.all([
    ctx.models.identities.find({ citizenId: citizen._id }).lean(),
    ctx.models.tickets.find({ citizenId: citizen._id }).lean(),
    ctx.models.messages.find({ citizenId: citizen._id }).sort({ _id: 1 }).lean(),
    ctx.models.chatSessions.find({ citizenId: citizen._id }, { tokenHash: 0 }).lean(),
    ctx.models.auditEvents.find({ citizenId: citizen._id }).sort({ at: 1 }).lean(),
  ]);
  await ctx.audit(actor, 'citizen.exported', { citizenId: citizen._id });
  return { exportedAt: ctx.now().toISOString(), citizen: citizen.toObject(), identities, tickets, messages, chatSessions, auditEvents };
}

/** RGPD erasure (src/services/erasure.ts): personal data removed everywhere, records and dates kept for the statistics. */
export async function anonymise(ctx: CitizenContext, actor: Actor, citizenId: string) {
  return eraseCitizen(ctx, actor, await load(ctx, citizenId));
}
