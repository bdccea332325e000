// Retention over the real store: requests closed longer than RETENTION_DAYS (or their category's period)
// are blanked like an erasure of one request, their dates, channel and team kept; a citizen left with
// nothing else is erased; a second run (or a second instance) changes nothing more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRetention } from '../../src/jobs/retention.js';
import { SYSTEM } from '../../src/services/audit.js';
import { EXPIRED_TEXT } from '../../src/store/repositories/retention.js';
import { inbound, testApp } from '../helpers/context.js';

let ctx: Awaited<ReturnType<typeof testApp>>;
const DAY = 86_400_000;
const now = new Date('2026-12-07T10:00:00Z');

beforeAll(async () => {
  ctx = await testApp({ now: () => now, env: { RETENTION_DAYS: '1095' } });
  await ctx.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
});
afterAll(() => ctx.close());

/** A request from `phone`, closed `daysAgo` days ago (or left open). */
async function request(phone: string, text: string, closedDaysAgo: number | null, category: string | null = null) {
  const r = await ctx.services.ingestInbound(inbound({ from: { address: phone }, text, receivedAt: new Date(now.getTime() - ((closedDaysAgo ?? 0) + 10) * DAY) }));
  if (closedDaysAgo !== null) await ctx.models.tickets.updateOne({ _id: r.ticketId }, { $set: { status: 'closed', closedAt: new Date(now.getTime() - closedDaysAgo * DAY), category } });
  await ctx.models.citizens.updateOne({ _id: r.citizenId }, { $set: { openTicketId: null } });
  return r;
}

describe('retention', () => {
  it('blanks the requests closed too long ago, keeps their figures, erases a citizen left with nothing, and runs once', async () => {
    const old = await request('+33620000801', 'Mon adresse est 4 rue des Tilleuls', 1200);
    const oldOfKept = await request('+33620000802', 'Ancienne demande de Jeanne', 1500);
    const recent = await request('+33620000802', 'Demande récente de Jeanne', 100);
    const permit = await request('+33620000803', 'Permis de construire, parcelle 12', 1200, 'urbanisme');
    await ctx.services.automation.update(SYSTEM, { retentionByCategory: [{ category: 'urbanisme', days: 3650 }] });

    const first = await runRetention(ctx.services, 1095);
    expect(first).toEqual({ anonymised: 2, erased: 1 });
    // The old request: texts and addresses gone, dates, channel and team kept.
    const blanked = (await ctx.models.tickets.findById(old.ticketId).lean())!;
    expect(blanked).toMatchObject({ subject: EXPIRED_TEXT, channel: 'sms', anonymisedAt: now });
    expect(blanked.openedAt).toBeInstanceOf(Date);
    const texts = (await ctx.models.messages.find({ ticketId: old.ticketId }).lean()).map((m) => [m.text, m.fromAddress ?? null]);
    expect(texts.every(([text, from]) => text === EXPIRED_TEXT && from === null)).toBe(true);
    expect(JSON.stringify(await ctx.models.messages.find({ ticketId: old.ticketId }).lean())).not.toContain('Tilleuls');
    // Its citizen had nothing else: erased (no identity leads to them any more).
    expect(await ctx.models.identities.countDocuments({ citizenId: old.citizenId })).toBe(0);
    expect((await ctx.models.citizens.findById(old.citizenId).lean())!.anonymisedAt).toBeInstanceOf(Date);
    // Jeanne keeps her recent request, and herself; her old one is blanked.
    expect((await ctx.models.tickets.findById(oldOfKept.ticketId).lean())!.subject).toBe(EXPIRED_TEXT);
    expect((await ctx.models.tickets.findById(recent.ticketId).lean())!.subject).toBe('Demande récente de Jeanne');
    expect(await ctx.models.identities.countDocuments({ citizenId: recent.citizenId })).toBe(1);
    // A category kept ten years: untouched.
    expect((await ctx.models.tickets.findById(permit.ticketId).lean())!.subject).toBe('Permis de construire, parcelle 12');
    expect(await ctx.models.auditEvents.countDocuments({ action: 'ticket.retention.anonymised' })).toBe(2);

    // Again, and two instances at once: nothing more.
    const again = await Promise.all([runRetention(ctx.services, 1095), runRetention(ctx.services, 1095)]);
    expect(again).toEqual([{ anonymised: 0, erased: 0 }, { anonymised: 0, erased: 0 }]);
    expect(await ctx.models.auditEvents.countDocuments({ action: 'ticket.retention.anonymised' })).toBe(2);
  });

  it('deletes the space’s sessions, codes and FranceConnect flows once they can no longer serve', async () => {
    const { Types } = await import('mongoose');
    const citizenId = new Types.ObjectId();
    const hour = 3_600_000;
    await ctx.models.citizenSessions.create([
      { tokenHash: 'live', citizenId, method: 'code', startedAt: new Date(now.getTime() - hour), lastSeenAt: now },
      { tokenHash: 'ended', citizenId, method: 'code', startedAt: new Date(now.getTime() - hour), lastSeenAt: now, endedAt: now },
      { tokenHash: 'too-old', citizenId, method: 'code', startedAt: new Date(now.getTime() - 9 * hour), lastSeenAt: now },
    ]);
    await ctx.models.signInCodes.create([
      { _id: 'phone:+33600000001', citizenId, messageId: new Types.ObjectId(), expiresAt: new Date(now.getTime() + 60_000) },
      { _id: 'phone:+33600000002', citizenId, messageId: new Types.ObjectId(), expiresAt: new Date(now.getTime() - 60_000) },
    ]);
    await ctx.models.franceConnectFlows.create([
      { _id: 'flow-live', nonce: 'n', verifier: 'v', expiresAt: new Date(now.getTime() + 60_000) },
      { _id: 'flow-old', nonce: 'n', verifier: 'v', expiresAt: new Date(now.getTime() - 60_000) },
    ]);
    await runRetention(ctx.services, 1095);
    expect((await ctx.models.citizenSessions.find({}).lean()).map((x) => x.tokenHash)).toEqual(['live']);
    expect((await ctx.models.signInCodes.find({}).lean()).map((x) => x._id)).toEqual(['phone:+33600000001']);
    expect((await ctx.models.franceConnectFlows.find({}).lean()).map((x) => x._id)).toEqual(['flow-live']);
  });
});
