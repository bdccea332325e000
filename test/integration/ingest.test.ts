// ingestInbound against a real MongoDB-compatible server (FerretDB): idempotency, identity, routing,
// threading, all under concurrency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEventMap } from '../../src/domain/events.js';
import { SYSTEM } from '../../src/services/audit.js';
import { inbound, testServices } from '../helpers/context.js';

let ctx: Awaited<ReturnType<typeof testServices>>;
let teamId: string;
let otherTeamId: string;
const agentIds: Record<string, string> = {};

beforeAll(async () => {
  ctx = await testServices();
  teamId = String((await ctx.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true }))._id);
  otherTeamId = String((await ctx.models.teams.create({ name: 'Urbanisme', slug: 'urbanisme' }))._id);
  for (const [key, team] of [['alice', teamId], ['bruno', teamId], ['chloe', teamId], ['denis', otherTeamId]] as const) {
    const agent = await ctx.services.agents.create(SYSTEM, { name: key, email: `${key}@mairie.test`, password: 'password-123', role: 'agent', teamId: team });
    agentIds[key] = agent.id;
  }
});
afterAll(() => ctx.close());

describe('ingestInbound', () => {
  it('stores one message when 50 deliveries of one externalId arrive at once', async () => {
    const message = inbound({ from: { address: '+33611000001' }, externalId: 'SM-same-50' });
    const results = await Promise.all(Array.from({ length: 50 }, () => ctx.services.ingestInbound({ ...message })));

    expect(await ctx.models.messages.countDocuments({ channel: 'sms', externalId: 'SM-same-50' })).toBe(1);
    expect(new Set(results.map((r) => r.messageId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(results.filter((r) => r.isNewTicket)).toHaveLength(1);
    const ticket = await ctx.models.tickets.findById(results[0]!.ticketId);
    expect(ticket!.unreadCount).toBe(1);
  });

  it('gives 20 concurrent first messages of a new citizen one citizen, one recurring agent, one ticket', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ctx.services.ingestInbound(inbound({ from: { address: '06 11 00 00 02' }, externalId: `SM-burst-${i}` }))),
    );
    expect(await ctx.models.identities.countDocuments({ _id: 'phone:+33611000002' })).toBe(1);
    const citizenIds = new Set(results.map((r) => r.citizenId));
    expect(citizenIds.size).toBe(1);
    expect(await ctx.models.citizens.countDocuments({ 'identities.value': '+33611000002' })).toBe(1);
    expect(new Set(results.map((r) => r.recurringAgentId)).size).toBe(1);
    expect(results[0]!.recurringAgentId).not.toBeNull();
    expect(new Set(results.map((r) => r.ticketId)).size).toBe(1);
    expect(await ctx.models.tickets.countDocuments({ citizenId: results[0]!.citizenId })).toBe(1);
    expect(results.filter((r) => r.isNewTicket)).toHaveLength(1);
    expect(await ctx.models.messages.countDocuments({ ticketId: results[0]!.ticketId })).toBe(20);
    const ticket = await ctx.models.tickets.findById(results[0]!.ticketId);
    expect(ticket!.unreadCount).toBe(20);
    expect(ticket!.reference).toMatch(/^GRU-\d{4}-\d{6}$/);
  });

  it('keeps a citizen known by phone and email in one thread across SMS then email', async () => {
    const first = await ctx.services.ingestInbound(inbound({ from: { address: '0611000003' }, text: 'Mon dossier de permis' }));
    await ctx.services.citizens.addIdentity(SYSTEM, first.citizenId, 'email', 'Marie.Durand@Example.FR');

    const second = await ctx.services.ingestInbound(
      inbound({ channel: 'email', externalId: '<m1@example.fr>', from: { address: 'marie.durand@example.fr' }, subject: 'Permis', text: 'Suite à mon SMS' }),
    );
    expect(second.citizenId).toBe(first.citizenId);
    expect(second.ticketId).toBe(first.ticketId);
    expect(second.isNewTicket).toBe(false);
    const ticket = await ctx.models.tickets.findById(first.ticketId);
    expect(ticket!.lastInboundChannel).toBe('email');
    expect(ticket!.status).toBe('new');
  });

  it('refuses to link an identity that already belongs to another citizen', async () => {
    const a = await ctx.services.ingestInbound(inbound({ from: { address: '+33611000004' } }));
    const b = await ctx.services.ingestInbound(inbound({ from: { address: '+33611000005' } }));
    await expect(ctx.services.citizens.addIdentity(SYSTEM, b.citizenId, 'phone', '+33 6 11 00 00 04')).rejects.toMatchObject({ code: 'conflict' });
    expect(a.citizenId).not.toBe(b.citizenId);
  });

  it('honours an explicit reference only when the sender is that ticket citizen', async () => {
    const owner = await ctx.services.ingestInbound(
      inbound({ channel: 'email', externalId: '<own-1@x.fr>', from: { address: 'owner@x.fr' }, subject: 'Carte grise', threadHints: { messageId: '<own-1@x.fr>' } }),
    );
    const intruder = await ctx.services.ingestInbound(
      inbound({ channel: 'email', externalId: '<intr-1@y.fr>', from: { address: 'intruder@y.fr' }, subject: `Re: [${owner.reference}]`, threadHints: { inReplyTo: '<own-1@x.fr>' } }),
    );
    expect(intruder.ticketId).not.toBe(owner.ticketId);
    expect(intruder.isNewTicket).toBe(true);

    const reply = await ctx.services.ingestInbound(
      inbound({ channel: 'email', externalId: '<own-2@x.fr>', from: { address: 'OWNER@x.fr' }, subject: `Re: Carte grise [${owner.reference}]` }),
    );
    expect(reply.ticketId).toBe(owner.ticketId);
  });

  it('sends a new citizen to the least-loaded available agent of the default team', async () => {
    const fresh = await testServices();
    try {
      const team = await fresh.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
      const ids: string[] = [];
      for (const name of ['a1', 'a2', 'a3']) {
        ids.push((await fresh.services.agents.create(SYSTEM, { name, email: `${name}@m.test`, password: 'password-123', role: 'agent', teamId: String(team._id) })).id);
      }
      // a1 and a2 get one citizen each first; a3 is the least loaded after that.
      const loads = new Map<string, number>();
      for (let i = 0; i < 6; i++) {
        const r = await fresh.services.ingestInbound(inbound({ from: { address: `+3361200000${i}` } }));
        loads.set(r.recurringAgentId!, (loads.get(r.recurringAgentId!) ?? 0) + 1);
      }
      expect([...loads.values()].sort()).toEqual([2, 2, 2]);
    } finally {
      await fresh.close();
    }
  });

  it('never gives new citizens to an away agent, and routes their citizens to the cover', async () => {
    const fresh = await testServices();
    try {
      const team = await fresh.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
      const [eve, fred] = await Promise.all(
        ['eve', 'fred'].map((name) =>
          fresh.services.agents.create(SYSTEM, { name, email: `${name}@m.test`, password: 'password-123', role: 'agent', teamId: String(team._id) }),
        ),
      );
      const first = await fresh.services.ingestInbound(inbound({ from: { address: '+33613000001' } }));
      const owner = first.recurringAgentId === eve!.id ? eve! : fred!;
      const other = owner === eve ? fred! : eve!;

      await fresh.services.agents.setAvailability(SYSTEM, owner.id, { availability: 'away', coverAgentId: other.id });
      const seen: DomainEventMap['message.created'][] = [];
      fresh.services.events.on('message.created', (e) => void seen.push(e));

      for (let i = 0; i < 3; i++) {
        const r = await fresh.services.ingestInbound(inbound({ from: { address: `+3361300010${i}` } }));
        expect(r.recurringAgentId).toBe(other.id);
      }
      const again = await fresh.services.ingestInbound(inbound({ from: { address: '+33613000001' }, text: 'Toujours là ?' }));
      expect(again.recurringAgentId).toBe(owner.id);
      expect(again.handlingAgentId).toBe(other.id);
      expect(again.ticketId).toBe(first.ticketId);
      await new Promise((r) => setTimeout(r, 20));
      const event = seen.find((e) => e.ticketId === first.ticketId);
      expect(event!.agentIds.sort()).toEqual([owner.id, other.id].sort());

      await fresh.services.agents.setAvailability(SYSTEM, owner.id, { availability: 'available' });
      const back = await fresh.services.ingestInbound(inbound({ from: { address: '+33613000001' }, text: 'Merci' }));
      expect(back.handlingAgentId).toBe(owner.id);
      expect(await fresh.models.auditEvents.countDocuments({ action: 'agent.availability.changed' })).toBe(2);
    } finally {
      await fresh.close();
    }
  });

  it('reopens a ticket resolved within the window, and links a new one after it', async () => {
    let clock = new Date('2026-03-02T09:00:00Z');
    const fresh = await testServices({ now: () => clock });
    try {
      await fresh.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
      const first = await fresh.services.ingestInbound(inbound({ from: { address: '+33614000001' }, receivedAt: clock }));
      await fresh.models.tickets.updateOne({ _id: first.ticketId }, { $set: { status: 'resolved', resolvedAt: clock } });
      await fresh.models.citizens.updateOne({ _id: first.citizenId }, { $set: { openTicketId: null } });

      clock = new Date('2026-03-05T09:00:00Z');
      const within = await fresh.services.ingestInbound(inbound({ from: { address: '+33614000001' }, receivedAt: clock }));
      expect(within.ticketId).toBe(first.ticketId);
      expect((await fresh.models.tickets.findById(first.ticketId))!.status).toBe('open');
      expect(await fresh.models.auditEvents.countDocuments({ action: 'ticket.reopened' })).toBe(1);

      await fresh.models.tickets.updateOne({ _id: first.ticketId }, { $set: { status: 'resolved', resolvedAt: clock } });
      await fresh.models.citizens.updateOne({ _id: first.citizenId }, { $set: { openTicketId: null } });
      clock = new Date('2026-03-20T09:00:00Z');
      const later = await fresh.services.ingestInbound(inbound({ from: { address: '+33614000001' }, receivedAt: clock }));
      expect(later.ticketId).not.toBe(first.ticketId);
      expect(later.isNewTicket).toBe(true);
      expect(String((await fresh.models.tickets.findById(later.ticketId))!.previousTicketId)).toBe(first.ticketId);
    } finally {
      await fresh.close();
    }
  });

  it('completes a message stored before a crash when the delivery is retried', async () => {
    const first = await ctx.services.ingestInbound(inbound({ from: { address: '+33615000001' }, externalId: 'SM-crash-1' }));
    // Simulate a process that died between storing the message and updating the ticket, a minute ago.
    await ctx.models.messages.updateOne({ _id: first.messageId }, { $set: { stage: 'finishing', stageAt: new Date(Date.now() - 60_000) } });
    await ctx.models.tickets.updateOne({ _id: first.ticketId }, { $set: { unreadCount: 0 } });

    const retry = await ctx.services.ingestInbound(inbound({ from: { address: '+33615000001' }, externalId: 'SM-crash-1' }));
    expect(retry.duplicate).toBe(true);
    expect(retry.messageId).toBe(first.messageId);
    expect((await ctx.models.messages.findById(first.messageId))!.stage).toBe('processed');
    expect((await ctx.models.tickets.findById(first.ticketId))!.unreadCount).toBe(1);
    expect(await ctx.models.messages.countDocuments({ externalId: 'SM-crash-1' })).toBe(1);
  });

  it('leaves a message being finished by a live delivery alone, and sweeps one a dead process left', async () => {
    const first = await ctx.services.ingestInbound(inbound({ from: { address: '+33615000002' }, externalId: 'SM-crash-2' }));
    await ctx.models.messages.updateOne({ _id: first.messageId }, { $set: { stage: 'finishing', stageAt: new Date() } });
    await ctx.models.tickets.updateOne({ _id: first.ticketId }, { $set: { unreadCount: 0 } });
    await ctx.services.ingestInbound(inbound({ from: { address: '+33615000002' }, externalId: 'SM-crash-2' }));
    expect((await ctx.models.tickets.findById(first.ticketId))!.unreadCount).toBe(0);
    expect(await ctx.services.ingestInbound.recoverInterrupted()).toBe(0);

    await ctx.models.messages.updateOne({ _id: first.messageId }, { $set: { stageAt: new Date(Date.now() - 60_000) } });
    expect(await ctx.services.ingestInbound.recoverInterrupted()).toBe(1);
    expect((await ctx.models.messages.findById(first.messageId))!.stage).toBe('processed');
    expect((await ctx.models.tickets.findById(first.ticketId))!.unreadCount).toBe(1);
  });

  it('rejects an unreadable email sender with a clear error and stores nothing', async () => {
    // (A phone channel's From is never refused: see 'senders without a number to answer' in twilio.test.ts.)
    await expect(ctx.services.ingestInbound(inbound({ channel: 'email', from: { address: 'not an address' }, externalId: '<bad-from@test>' }))).rejects.toThrow(/n’est pas valide/);
    expect(await ctx.models.messages.countDocuments({ externalId: '<bad-from@test>' })).toBe(0);
  });

  it('numbers references from one atomic counter without duplicates', async () => {
    const results = await Promise.all(Array.from({ length: 15 }, (_, i) => ctx.services.ingestInbound(inbound({ from: { address: `+336170000${String(i).padStart(2, '0')}` } }))));
    const references = results.map((r) => r.reference);
    expect(new Set(references).size).toBe(new Set(results.map((r) => r.ticketId)).size);
  });
});
