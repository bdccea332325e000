// Automation and figures with a controlled clock: templates, keyword rules at ingest, closing resolved
// tickets and reminding pending ones (once each), and the managers' statistics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAutomation } from '../../src/jobs/automation.js';
import { SYSTEM } from '../../src/services/audit.js';
import { testApp } from '../helpers/context.js';

let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
let clock = new Date('2026-06-01T08:00:00Z'); // a Monday
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

async function api(method: string, path: string, who: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}
async function chat(text: string, name = 'Citoyen') {
  const { session } = await ctx.services.chat.start({ name });
  return { ...(await ctx.services.chat.send(session, { clientId: 'c1', text })), session };
}

beforeAll(async () => {
  ctx = await testApp({ now: () => clock });
  base = await ctx.listen();
  const accueil = await ctx.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
  const urbanisme = await ctx.models.teams.create({ name: 'Urbanisme', slug: 'urbanisme' });
  ids.urbanisme = String(urbanisme._id);
  for (const [key, role, team] of [['alice', 'agent', accueil], ['ulysse', 'agent', urbanisme], ['manon', 'manager', accueil], ['root', 'admin', accueil]] as const) {
    const agent = await ctx.services.agents.create(SYSTEM, { name: key, email: `${key}@m.test`, password: 'password-123', role, teamId: String(team._id) });
    ids[key] = agent.id;
    tokens[key] = (await ctx.services.agents.login(agent.email, 'password-123')).token;
  }
});
afterAll(() => ctx.close());

describe('automation settings', () => {
  it('are read by managers, changed by admins, and refuse unknown variables', async () => {
    expect((await api('GET', '/api/settings/automation', 'manon')).json).toMatchObject({ autoCloseAfterDays: 7, reminderAfterDays: 3, categoryRules: [] });
    expect((await api('PUT', '/api/settings/automation', 'manon', { autoCloseAfterDays: 5 })).status).toBe(403);
    const bad = await api('PUT', '/api/settings/automation', 'root', { acknowledgements: { sms: null, email: null, chat: 'Réf {{ticket.secret}}' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/Variable inconnue \{\{ticket.secret\}\}/);
    const ok = await api('PUT', '/api/settings/automation', 'root', {
      acknowledgements: { sms: null, email: null, chat: 'Merci ! Demande {{ticket.reference}}, réponse de {{agent.firstName}} sous {{promise.hours}} h.' },
      categoryRules: [{ keywords: ['permis de construire', 'urbanisme'], category: 'urbanisme', teamId: ids.urbanisme }],
    });
    expect(ok.status).toBe(200);
    expect(await ctx.models.auditEvents.countDocuments({ action: 'automation.updated' })).toBe(1);
  });

  it('uses the channel template for acknowledgements', async () => {
    const r = await chat('Bonjour');
    const ack = await ctx.models.messages.findOne({ ticketId: r.ticketId, kind: 'acknowledgement' }).lean();
    expect(ack!.text).toBe(`Merci ! Demande ${r.reference}, réponse de alice sous 48 h.`);
  });

  it('sets category and team at ingest, and routes a new citizen to that team', async () => {
    const r = await chat('Bonjour, où en est mon PERMIS de construire ?');
    const ticket = await ctx.models.tickets.findById(r.ticketId).lean();
    expect(ticket).toMatchObject({ category: 'urbanisme' });
    expect(String(ticket!.teamId)).toBe(ids.urbanisme);
    expect(r.recurringAgentId).toBe(ids.ulysse);
    expect((await chat('Une question sur la cantine')).recurringAgentId).toBe(ids.alice);
  });
});

describe('closing and reminders', () => {
  it('closes a resolved ticket after N days with a closing message, once', async () => {
    clock = new Date('2026-06-01T08:00:00Z');
    const r = await chat('Question close');
    await ctx.services.tickets.update({ agentId: ids.alice!, role: 'agent' }, r.ticketId, { status: 'resolved' });
    clock = new Date('2026-06-05T08:00:00Z');
    expect((await runAutomation(ctx.services, 'la mairie')).closed).toBe(0);
    clock = new Date('2026-06-08T09:00:00Z');
    expect((await runAutomation(ctx.services, 'la mairie')).closed).toBeGreaterThanOrEqual(1);
    expect((await ctx.models.tickets.findById(r.ticketId).lean())!.status).toBe('closed');
    const closing = await ctx.models.messages.find({ ticketId: r.ticketId, kind: 'closing' }).lean();
    expect(closing).toHaveLength(1);
    expect(closing[0]!.text).toContain(`nous clôturons votre demande ${r.reference}`);
    await runAutomation(ctx.services, 'la mairie');
    expect(await ctx.models.messages.countDocuments({ ticketId: r.ticketId, kind: 'closing' })).toBe(1);
    expect(await ctx.models.auditEvents.countDocuments({ ticketId: r.ticketId, action: 'ticket.status.changed', 'actor.kind': 'system' })).toBe(1);
  });

  it('reminds a citizen once when a ticket has been pending for N days', async () => {
    clock = new Date('2026-06-10T08:00:00Z');
    const r = await chat('Question en attente');
    await ctx.services.tickets.update({ agentId: ids.alice!, role: 'agent' }, r.ticketId, { status: 'pending' });
    clock = new Date('2026-06-12T08:00:00Z');
    expect((await runAutomation(ctx.services, 'la mairie')).reminded).toBe(0);
    clock = new Date('2026-06-13T09:00:00Z');
    expect((await runAutomation(ctx.services, 'la mairie')).reminded).toBe(1);
    expect((await runAutomation(ctx.services, 'la mairie')).reminded).toBe(0);
    const reminders = await ctx.models.messages.find({ ticketId: r.ticketId, kind: 'reminder' }).lean();
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.text).toContain('nous attendons votre réponse');
  });
});

describe('statistics', () => {
  it('gives load, the share answered within the promise, the median first response, volume and backlog', async () => {
    clock = new Date('2026-07-06T08:00:00Z'); // Monday
    const fast = await chat('Rapide', 'A');
    const slow = await chat('Lent', 'B');
    await chat('Sans réponse', 'C');
    clock = new Date('2026-07-06T09:00:00Z');
    await ctx.services.tickets.reply({ agentId: ids.alice!, role: 'agent' }, fast.ticketId, { text: 'Voilà' });
    clock = new Date('2026-07-10T08:00:00Z'); // Friday: past the two working days
    await ctx.services.tickets.reply({ agentId: ids.alice!, role: 'agent' }, slow.ticketId, { text: 'Désolé du délai' });

    for (const who of ['alice', 'manon']) tokens[who] = (await ctx.services.agents.login(`${who}@m.test`, 'password-123')).token;
    expect((await api('GET', '/api/stats', 'alice')).status).toBe(403);
    const stats = await api('GET', '/api/stats?from=2026-07-06T00:00:00Z&to=2026-07-07T00:00:00Z', 'manon');
    expect(stats.status).toBe(200);
    expect(stats.json.promise).toEqual({ settled: 3, onTime: 1, share: 1 / 3 });
    expect(stats.json.medianFirstResponseMinutes).toBe((60 + 4 * 24 * 60) / 2);
    expect(stats.json.volumePerChannelPerDay).toEqual([{ day: '2026-07-06', channel: 'chat', count: 3 }]);
    expect(stats.json.openPerAgent.find((r: { agentId: string }) => r.agentId === ids.alice).open).toBeGreaterThanOrEqual(3);
    expect(stats.json.backlogAge.map((b: { label: string }) => b.label)).toEqual(['under 1 day', '1 to 2 days', '2 to 7 days', 'over 7 days']);
    // A year at most: each day of the range is read.
    const tooLong = await api('GET', '/api/stats?from=1970-01-01T00:00:00Z&to=2026-07-07T00:00:00Z', 'manon');
    expect(tooLong.status).toBe(400);
    expect(tooLong.json).toEqual({ error: { code: 'invalid', message: 'La période ne peut dépasser 366 jours.' } });
    expect((await api('GET', '/api/stats?from=2026-07-07T00:00:00Z&to=2026-07-06T00:00:00Z', 'manon')).status).toBe(400);
  });
});
