// The RGPD rights: access (the citizen's record, src/services/citizenRecord.ts: the same the citizen
// gets from their space) and erasure (src/services/erasure.ts).
import type { Actor } from '../audit.js';
import { citizenRecord } from '../citizenRecord.js';
import { eraseCitizen } from '../erasure.js';
import { type CitizenContext, load } from './context.js';

/** RGPD right of access: everything held about the citizen, as their record. */
export async function exportAll(ctx: CitizenContext, actor: Actor, citizenId: string, serviceName: string) {
  const citizen = await load(ctx, citizenId);
  const record = await citizenRecord(ctx.models, citizen._id, ctx.now(), serviceName);
  await ctx.audit(actor, 'citizen.exported', { citizenId: citizen._id });
  return record;
}

/** RGPD erasure (src/services/erasure.ts): personal data removed everywhere, records and dates kept for the statistics. */
export async function anonymise(ctx: CitizenContext, actor: Actor, citizenId: string) {
  return eraseCitizen(ctx, actor, await load(ctx, citizenId));
}
