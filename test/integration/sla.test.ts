// The 48-hour promise with a clock the test controls: business-time deadlines, a warning and a breach
// recorded and pushed once, the pause while pending, and the next deadline after an answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDeadlines } from '../../src/jobs/slaWatcher.js';
import { SYSTEM } from '../../src/services/audit.js';
import { inbound, testApp } from '../helpers/context.js';
import { collect, connect, connected, until } from '../helpers/sockets.js';

let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
let clock = new Date('2026-03-06T09:00:00Z'); // Friday 10:00 in Paris
let alice: { id: string };
let manager: { id: string };

beforeAll(async () => {
  ctx = await testApp({ now: () => clock });
  base = await ctx.listen();
  const team = await ctx.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
  alice = await ctx.services.agents.create(SYSTEM, { name: 'Alice', email: 'alice@m.test', password: 'password-123', role: 'agent', teamId: String(team._id) });
  manager = await ctx.services.agents.create(SYSTEM, { name: 'Manon', email: 'manon@m.test', password: 'password-123', role: 'manager', teamId: String(team._id) });
});
afterAll(() => ctx.close());

describe('the SLA clock', () => {
  it('counts two working days, warns at 80 %, breaches once, and pushes both live', async () => {
    const r = await ctx.services.ingestInbound(inbound({ from: { address: '+33650000001' }, receivedAt: clock }));
    const ticket = await ctx.models.tickets.findById(r.ticketId).lean();
    expect(ticket!.firstResponseDueAt!.toISOString()).toBe('2026-03-10T09:00:00.000Z'); // Tuesday 10:00
    expect(ticket!.sla).toMatchObject({ kind: 'first', warnAt: new Date('2026-03-09T23:24:00.000Z') });

    const { token } = await ctx.services.agents.login('manon@m.test', 'password-123');
    const managerSocket = connect(`${base}/agents`, { token });
    const agentSocket = connect(`${base}/agents`, { token: (await ctx.services.agents.login('alice@m.test', 'password-123')).token });
    await Promise.all([connected(managerSocket), connected(agentSocket)]);
    const warnings = collect(agentSocket, 'sla:warning');
    const managerWarnings = collect(managerSocket, 'sla:warning');

    clock = new Date('2026-03-09T20:00:00Z'); // Monday evening: not yet
    expect(await checkDeadlines(ctx.services)).toEqual({ atRisk: 0, breached: 0 });
    clock = new Date('2026-03-10T00:00:00Z');
    expect(await checkDeadlines(ctx.services)).toEqual({ atRisk: 1, breached: 0 });
    expect(await checkDeadlines(ctx.services)).toEqual({ atRisk: 0, breached: 0 });
    expect((await ctx.services.tickets.inbox({ agentId: alice.id, role: 'agent' }, { scope: 'mine', atRisk: true, limit: 10 })).items.map((t) => t.id)).toEqual([r.ticketId]);
    clock = new Date('2026-03-10T09:00:01Z');
    expect(await checkDeadlines(ctx.services)).toEqual({ atRisk: 0, breached: 1 });
    expect(await checkDeadlines(ctx.services)).toEqual({ atRisk: 0, breached: 0 });

    await until(() => warnings.length === 2 && managerWarnings.length === 2, 30_000, 'warnings pushed');
    expect(warnings.map((w) => w.kind)).toEqual(['at_risk', 'breached']);
    expect(warnings[1]).toMatchObject({ ticketId: r.ticketId, reference: r.reference, dueAt: '2026-03-10T09:00:00.000Z' });
    expect(await ctx.models.auditEvents.countDocuments({ ticketId: r.ticketId, action: { $in: ['sla.at_risk', 'sla.breached'] } })).toBe(2);
    managerSocket.disconnect();
    agentSocket.disconnect();
    expect(manager.id).toBeTruthy();
  });

  it('pauses while pending on the citizen and resumes with the time that was left', async () => {
    clock = new Date('2026-03-16T09:00:00Z'); // Monday 10:00
    const r = await ctx.services.ingestInbound(inbound({ from: { address: '+33650000002' }, receivedAt: clock }));
    const principal = { agentId: alice.id, role: 'agent' as const };
    clock = new Date('2026-03-17T09:00:00Z'); // Tuesday 10:00: 24 h left
    await ctx.services.tickets.update(principal, r.ticketId, { status: 'pending' });
    clock = new Date('2026-03-25T09:00:00Z'); // a week later: no breach while paused
    expect(await checkDeadlines(ctx.services)).toEqual({ atRisk: 0, breached: 0 });
    // The citizen answers (Wednesday 25, 10:00): the clock resumes with 24 h left.
    await ctx.services.ingestInbound(inbound({ from: { address: '+33650000002' }, receivedAt: clock }));
    const resumed = await ctx.models.tickets.findById(r.ticketId).lean();
    expect(resumed!.status).toBe('open');
    expect(resumed!.sla!.pausedAt).toBeNull();
    expect(resumed!.sla!.dueAt.toISOString()).toBe('2026-03-26T09:00:00.000Z');
  });

  it('clears the deadline on an answer and starts the next one on the next citizen message', async () => {
    clock = new Date('2026-04-20T08:00:00Z'); // Monday 10:00 (summer time)
    const { session } = await ctx.services.chat.start({});
    const first = await ctx.services.chat.send(session, { clientId: 'a', text: 'Question' });
    const principal = { agentId: first.recurringAgentId!, role: 'agent' as const };
    clock = new Date('2026-04-20T10:00:00Z');
    await ctx.services.tickets.reply(principal, first.ticketId, { text: 'Réponse' });
    const answered = await ctx.models.tickets.findById(first.ticketId).lean();
    expect(answered!.firstRespondedAt!.toISOString()).toBe('2026-04-20T10:00:00.000Z');
    expect(answered!.sla).toBeNull();

    clock = new Date('2026-04-24T13:00:00Z'); // Friday 15:00
    await ctx.services.chat.send(session, { clientId: 'b', text: 'Merci, une autre question' });
    const next = await ctx.models.tickets.findById(first.ticketId).lean();
    expect(next!.sla).toMatchObject({ kind: 'next' });
    expect(next!.nextResponseDueAt!.toISOString()).toBe('2026-04-28T13:00:00.000Z'); // Tuesday 15:00
  });
});
