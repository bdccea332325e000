// The RGPD rights: access (everything held, as JSON) and erasure (src/services/erasure.ts).
import type { Actor } from '../audit.js';
import { eraseCitizen } from '../erasure.js';
import { type CitizenContext, load } from './context.js';

/** RGPD right of access: everything held about the citizen, as JSON. */
export async function exportAll(ctx: CitizenContext, actor: Actor, citizenId: string) {
  const citizen = await load(ctx, citizenId);
  const held = await ctx.store.heldAbout(citizen._id);
  await ctx.audit(actor, 'citizen.exported', { citizenId: citizen._id });
  return { exportedAt: ctx.now().toISOString(), citizen: citizen.toObject(), ...held };
}

/** RGPD erasure (src/services/erasure.ts): personal data removed everywhere, records and dates kept for the statistics. */
export async function anonymise(ctx: CitizenContext, actor: Actor, citizenId: string) {
  return eraseCitizen(ctx, actor, await load(ctx, citizenId));
}
