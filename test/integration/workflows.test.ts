// Agents' and managers' workflows over real HTTP and Socket.IO: the inbox, threads, replies, notes,
// statuses, canned answers, reassignment, cover and return, hand-over, merge, export and erasure.
import { t } from '../../src/i18n/catalogue.js';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { returnAgentsDue } from '../../src/jobs/availabilityReturn.js';
import { SYSTEM } from '../../src/services/audit.js';
import { ERASED_TEXT } from '../../src/services/erasure.js';
import { inbound, testApp } from '../helpers/context.js';
import { collect, connect, connected, until } from '../helpers/sockets.js';

let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
let clock: Date | null = null;
const people: Record<'alice' | 'bruno' | 'manon' | 'admin', { id: string; token: string }> = {} as never;
const open: Socket[] = [];

async function api(method: string, path: string, who: keyof typeof people | null, body?: unknown) {
  const headers: Record<string, string> = {};
  if (who) headers.authorization = `Bearer ${people[who].token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** A chat citizen writes; returns the ticket id and the chat session id (a channel we can answer on). */
async function chatCitizen(name: string, text: string) {
  const { session } = await ctx.services.chat.start({ name });
  const result = await ctx.services.chat.send(session, { clientId: 'first', text });
  return { ...result, sessionId: String(session._id) };
}

beforeAll(async () => {
  ctx = await testApp({ now: () => clock ?? new Date() });
  base = await ctx.listen();
  ctx.startJobs();
  const team = await ctx.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
  const other = await ctx.models.teams.create({ name: 'Urbanisme', slug: 'urbanisme' });
  const make = async (key: keyof typeof people, name: string, role: 'agent' | 'manager' | 'admin', teamId: string) => {
    const agent = await ctx.services.agents.create(SYSTEM, { name, email: `${key}@mairie.test`, password: 'password-123', role, teamId });
    people[key] = { id: agent.id, token: (await ctx.services.agents.login(agent.email, 'password-123')).token };
  };
  await make('alice', 'Alice Roux', 'agent', String(team._id));
  await make('bruno', 'Bruno Blanc', 'agent', String(other._id));
  await make('manon', 'Manon Noir', 'manager', String(team._id));
  await make('admin', 'Admin Istrateur', 'admin', String(team._id));
});
afterEach(() => {
  clock = null;
  for (const s of open.splice(0)) s.disconnect();
});
afterAll(() => ctx.close());

describe('inbox', () => {
  it('lists my tickets by due time, with filters and cursor pagination', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock = new Date(Date.UTC(2026, 0, 10 + i, 9));
      made.push((await ctx.services.ingestInbound(inbound({ from: { address: `+3364000000${i}`, name: `Citoyen ${i}` }, text: `Demande ${i}`, receivedAt: clock }))).ticketId);
    }
    clock = null;
    const first = await api('GET', '/api/tickets?scope=mine&limit=2', 'alice');
    expect(first.status).toBe(200);
    expect(first.json.items.map((t: { id: string }) => t.id)).toEqual(made.slice(0, 2));
    expect(first.json.items[0]).toMatchObject({ status: 'new', channel: 'sms', citizen: { name: 'Citoyen 0' }, assignee: { id: people.alice.id, name: 'Alice Roux' } });
    const second = await api('GET', `/api/tickets?scope=mine&limit=2&cursor=${first.json.nextCursor}`, 'alice');
    expect(second.json.items.map((t: { id: string }) => t.id)).toEqual(made.slice(2, 4));

    const searched = await api('GET', '/api/tickets?scope=mine&q=citoyen%203', 'alice');
    expect(searched.json.items.map((t: { id: string }) => t.id)).toEqual([made[3]]);
    expect((await api('GET', '/api/tickets?scope=mine&channel=email', 'alice')).json.items).toEqual([]);
    expect((await api('GET', '/api/tickets?scope=mine&status=resolved', 'alice')).json.items).toEqual([]);
    // Received in January: their 48 h are long past, so they are at risk.
    expect((await api('GET', '/api/tickets?scope=mine&atRisk=true', 'alice')).json.items.length).toBeGreaterThanOrEqual(5);
    expect((await api('GET', '/api/tickets?scope=mine', 'bruno')).json.items).toEqual([]);
  });

  it('keeps scope=all for managers and refuses bad filters', async () => {
    expect((await api('GET', '/api/tickets?scope=all', 'alice')).status).toBe(403);
    expect((await api('GET', '/api/tickets?scope=team', 'alice')).status).toBe(403);
    expect((await api('GET', '/api/tickets?scope=all', 'manon')).status).toBe(200);
    expect((await api('GET', '/api/tickets?status=lost', 'alice')).status).toBe(400);
    expect((await api('GET', '/api/tickets?cursor=forged', 'alice')).status).toBe(400);
    expect((await api('GET', '/api/tickets?q[$gt]=', 'alice')).status).toBe(400);
  });
});

describe('a thread', () => {
  it('shows the citizen, the paged thread and marks it read; replies queue on the chat and notes stay internal', async () => {
    const chat = await chatCitizen('Inès Garcia', 'Bonjour, ma carte grise ?');
    const alice = connect(`${base}/agents`, { token: people.alice.token });
    open.push(alice);
    await connected(alice);
    const statuses = collect(alice, 'message:status');

    const detail = await api('GET', `/api/tickets/${chat.ticketId}`, 'alice');
    expect(detail.status).toBe(200);
    expect(detail.json.citizen).toMatchObject({ name: 'Inès Garcia', identities: [{ kind: 'chat', value: chat.sessionId }], recurringAgent: { id: people.alice.id } });
    expect(detail.json.messages.map((m: { direction: string }) => m.direction)).toEqual(['in', 'out']); // the message, its acknowledgement
    expect((await ctx.models.tickets.findById(chat.ticketId).lean())!.unreadCount).toBe(0);

    const reply = await api('POST', `/api/tickets/${chat.ticketId}/replies`, 'alice', { text: 'Bonjour, elle est prête.' });
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({ direction: 'out', channel: 'chat', status: 'queued', text: 'Bonjour, elle est prête.' });
    await until(() => statuses.some((s) => s.messageId === reply.json.id && s.status === 'sent'), 30_000, 'sent status pushed');
    const after = await ctx.models.tickets.findById(chat.ticketId).lean();
    expect(after!.status).toBe('open');
    expect(after!.firstRespondedAt).toBeInstanceOf(Date);

    const note = await api('POST', `/api/tickets/${chat.ticketId}/notes`, 'alice', { text: 'Vérifier le dossier papier' });
    expect(note.json).toMatchObject({ direction: 'note' });
    const session = await ctx.models.chatSessions.findById(chat.sessionId);
    expect((await ctx.services.chat.history(session!)).map((m) => m.text)).not.toContain('Vérifier le dossier papier');

    const page = await api('GET', `/api/tickets/${chat.ticketId}?limit=2`, 'alice');
    expect(page.json.messages.map((m: { text: string }) => m.text)).toEqual(['Bonjour, elle est prête.', 'Vérifier le dossier papier']);
    expect(page.json.hasEarlier).toBe(true);
    const earlier = await api('GET', `/api/tickets/${chat.ticketId}?limit=10&before=${page.json.messages[0].id}`, 'alice');
    expect(earlier.json.messages).toHaveLength(2);
    expect(earlier.json.hasEarlier).toBe(false);
  });

  it('answers on another of the citizen channels only when they have it', async () => {
    const chat = await chatCitizen('Paul', 'Question');
    const res = await api('POST', `/api/tickets/${chat.ticketId}/replies`, 'alice', { text: 'Réponse', channel: 'sms' });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe(t('reply.channel_unavailable_use', { channel: 'sms', available: 'chat' }));
    expect((await api('POST', `/api/tickets/${chat.ticketId}/replies`, 'alice', {})).status).toBe(400);
  });

  it('changes status, category and priority; resolving frees the thread, closed stays closed', async () => {
    const chat = await chatCitizen('Léa', 'Une question');
    const pending = await api('PATCH', `/api/tickets/${chat.ticketId}`, 'alice', { status: 'pending', category: 'état civil', priority: 'high' });
    expect(pending.json).toMatchObject({ status: 'pending', category: 'état civil', priority: 'high' });
    expect((await api('PATCH', `/api/tickets/${chat.ticketId}`, 'alice', { status: 'resolved' })).json.status).toBe('resolved');
    const citizen = await ctx.models.citizens.findById(chat.citizenId).lean();
    expect(citizen!.openTicketId).toBeNull();
    expect((await api('PATCH', `/api/tickets/${chat.ticketId}`, 'alice', { status: 'closed' })).status).toBe(200);
    expect((await api('PATCH', `/api/tickets/${chat.ticketId}`, 'alice', { status: 'open' })).status).toBe(409);
    expect((await api('PATCH', `/api/tickets/${chat.ticketId}`, 'alice', {})).status).toBe(400);
    expect(await ctx.models.auditEvents.countDocuments({ ticketId: chat.ticketId, action: 'ticket.status.changed' })).toBe(3);
  });
});

describe('canned answers', () => {
  it('are managed by managers, scoped by team, and fill their variables', async () => {
    const bad = await api('POST', '/api/canned-answers', 'manon', { title: 'X', body: 'Bonjour {{citizen.password}}' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/Variable inconnue \{\{citizen.password\}\}/);
    expect((await api('POST', '/api/canned-answers', 'alice', { title: 'X', body: 'Y' })).status).toBe(403);

    const shared = await api('POST', '/api/canned-answers', 'manon', { title: 'Accusé', body: 'Bonjour {{citizen.firstName}}, votre demande {{ticket.reference}} est suivie par {{agent.firstName}}.' });
    expect(shared.status).toBe(201);
    const team = await ctx.models.teams.findOne({ slug: 'urbanisme' }).lean();
    const urbanisme = await api('POST', '/api/canned-answers', 'manon', { title: 'Permis', body: 'Pour un permis…', teamId: String(team!._id) });
    expect((await api('GET', '/api/canned-answers', 'alice')).json.items.map((a: { title: string }) => a.title)).toEqual(['Accusé']);
    expect((await api('GET', '/api/canned-answers', 'bruno')).json.items.map((a: { title: string }) => a.title).sort()).toEqual(['Accusé', 'Permis']);

    const chat = await chatCitizen('Hugo Lambert', 'Bonjour');
    const rendered = await api('GET', `/api/tickets/${chat.ticketId}/canned-answers/${shared.json.id}`, 'alice');
    expect(rendered.json.text).toBe(`Bonjour Hugo, votre demande ${chat.reference} est suivie par Alice.`);
    expect((await api('GET', `/api/tickets/${chat.ticketId}/canned-answers/${urbanisme.json.id}`, 'alice')).status).toBe(404);
    const sent = await api('POST', `/api/tickets/${chat.ticketId}/replies`, 'alice', { cannedAnswerId: shared.json.id });
    expect(sent.json.text).toBe(rendered.json.text);

    expect((await api('PATCH', `/api/canned-answers/${urbanisme.json.id}`, 'manon', { title: 'Permis de construire' })).json.title).toBe('Permis de construire');
    expect((await api('DELETE', `/api/canned-answers/${urbanisme.json.id}`, 'manon')).status).toBe(204);
    expect((await api('DELETE', `/api/canned-answers/${urbanisme.json.id}`, 'manon')).status).toBe(404);
  });
});

describe('managers keep one stable interlocutor per citizen', () => {
  it('reassigns one ticket, audited and pushed live to the new agent', async () => {
    const chat = await chatCitizen('Nina', 'Bonjour');
    const bruno = connect(`${base}/agents`, { token: people.bruno.token });
    open.push(bruno);
    await connected(bruno);
    const assigned = collect(bruno, 'ticket:assigned');
    expect((await api('POST', `/api/tickets/${chat.ticketId}/assign`, 'alice', { agentId: people.bruno.id })).status).toBe(403);
    const res = await api('POST', `/api/tickets/${chat.ticketId}/assign`, 'manon', { agentId: people.bruno.id, reason: 'compétence urbanisme' });
    expect(res.json.assignee).toMatchObject({ id: people.bruno.id });
    await until(() => assigned.length === 1, 30_000, 'assignment pushed');
    expect(assigned[0]).toMatchObject({ ticketId: chat.ticketId, fromAgentId: people.alice.id, toAgentId: people.bruno.id, reason: 'compétence urbanisme' });
    const audit = await ctx.models.auditEvents.findOne({ action: 'ticket.assigned', ticketId: chat.ticketId }).lean();
    expect(audit).toMatchObject({ actor: { kind: 'agent', id: people.manon.id }, data: { from: people.alice.id, to: people.bruno.id, reason: 'compétence urbanisme' } });
    expect((await api('GET', `/api/tickets/${chat.ticketId}`, 'alice')).status).toBe(404);
    // The citizen's recurring agent did not change.
    expect(String((await ctx.models.citizens.findById(chat.citizenId).lean())!.recurringAgentId)).toBe(people.alice.id);
  });

  it("changes a citizen's recurring agent: open tickets and new ones follow", async () => {
    const first = await ctx.services.ingestInbound(inbound({ from: { address: '+33641000001' } }));
    const res = await api('PUT', `/api/citizens/${first.citizenId}/recurring-agent`, 'manon', { agentId: people.bruno.id, reason: 'déménagement' });
    expect(res.json.recurringAgent).toMatchObject({ id: people.bruno.id });
    expect(String((await ctx.models.tickets.findById(first.ticketId).lean())!.assigneeId)).toBe(people.bruno.id);
    await api('PATCH', `/api/tickets/${first.ticketId}`, 'bruno', { status: 'closed' });
    const next = await ctx.services.ingestInbound(inbound({ from: { address: '+33641000001' } }));
    expect(next.ticketId).not.toBe(first.ticketId);
    expect(next.recurringAgentId).toBe(people.bruno.id);
  });

  it('sets an agent away with a cover until a date; the return gives the threads back', async () => {
    const mine = await ctx.services.ingestInbound(inbound({ from: { address: '+33641000002' } }));
    expect(mine.recurringAgentId).toBe(people.alice.id);
    const until_ = new Date(Date.now() + 3_600_000).toISOString();
    expect((await api('PATCH', `/api/agents/${people.alice.id}`, 'manon', { availability: 'away', coverAgentId: people.bruno.id, until: until_ })).status).toBe(200);
    expect((await api('GET', `/api/tickets/${mine.ticketId}`, 'bruno')).status).toBe(200);
    expect((await api('GET', '/api/tickets?scope=mine', 'bruno')).json.items.map((t: { id: string }) => t.id)).toContain(mine.ticketId);
    const covered = await ctx.services.ingestInbound(inbound({ from: { address: '+33641000002' }, text: 'relance' }));
    expect(covered).toMatchObject({ recurringAgentId: people.alice.id, handlingAgentId: people.bruno.id });

    clock = new Date(Date.now() + 2 * 3_600_000);
    expect(await returnAgentsDue(ctx.services)).toBe(1);
    clock = null;
    expect((await api('GET', `/api/tickets/${mine.ticketId}`, 'bruno')).status).toBe(404);
    const back = await ctx.services.ingestInbound(inbound({ from: { address: '+33641000002' }, text: 'merci' }));
    expect(back.handlingAgentId).toBe(people.alice.id);
  });

  it("hands all of a leaving agent's citizens to another at once", async () => {
    const a = await ctx.services.ingestInbound(inbound({ from: { address: '+33641000003' } }));
    const b = await ctx.services.ingestInbound(inbound({ from: { address: '+33641000004' } }));
    const before = await ctx.models.citizens.countDocuments({ recurringAgentId: people.alice.id });
    const res = await api('POST', `/api/agents/${people.alice.id}/handover`, 'manon', { toAgentId: people.bruno.id, reason: 'mutation' });
    expect(res.json.citizens).toBe(before);
    expect(await ctx.models.citizens.countDocuments({ recurringAgentId: people.alice.id })).toBe(0);
    for (const r of [a, b]) expect(String((await ctx.models.tickets.findById(r.ticketId).lean())!.assigneeId)).toBe(people.bruno.id);
    expect(await ctx.models.auditEvents.countDocuments({ action: 'citizen.recurring_agent.changed', 'data.reason': 'mutation' })).toBe(before);
    // Give them back for the next tests.
    await api('POST', `/api/agents/${people.bruno.id}/handover`, 'manon', { toAgentId: people.alice.id });
  });
});

describe('citizens: merge, export, erasure', () => {
  it('merges two records of one person, reversibly audited', async () => {
    const sms = await ctx.services.ingestInbound(inbound({ from: { address: '+33642000001', name: 'Marc' } }));
    const mail = await ctx.services.ingestInbound(inbound({ channel: 'email', externalId: '<m@x.fr>', from: { address: 'marc@example.fr' }, subject: 'Piscine' }));
    expect((await api('POST', `/api/citizens/${sms.citizenId}/merge`, 'alice', { otherId: mail.citizenId })).status).toBe(403);
    const merged = await api('POST', `/api/citizens/${sms.citizenId}/merge`, 'manon', { otherId: mail.citizenId });
    expect(merged.status).toBe(200);
    expect(merged.json.identities).toEqual([{ kind: 'phone', value: '+33642000001' }, { kind: 'email', value: 'marc@example.fr' }]);
    expect(merged.json.tickets.map((t: { id: string }) => t.id).sort()).toEqual([sms.ticketId, mail.ticketId].sort());
    expect((await api('GET', `/api/citizens/${mail.citizenId}`, 'manon')).status).toBe(404);
    // The email identity now leads to the kept record.
    const again = await ctx.services.ingestInbound(inbound({ channel: 'email', externalId: '<m2@x.fr>', from: { address: 'marc@example.fr' } }));
    expect(again.citizenId).toBe(sms.citizenId);
    const audit = await ctx.models.auditEvents.findOne({ action: 'citizen.merged' }).lean();
    expect(audit!.data).toMatchObject({ mergedCitizenId: mail.citizenId, moved: { identities: ['email:marc@example.fr'], tickets: [mail.ticketId] } });
    expect((await api('POST', `/api/citizens/${sms.citizenId}/merge`, 'manon', { otherId: sms.citizenId })).status).toBe(400);
  });

  it('exports everything held about a citizen, then anonymises them keeping the statistics', async () => {
    const r = await ctx.services.ingestInbound(inbound({ from: { address: '+33642000002', name: 'Zoé Martin' }, text: 'Mon adresse est 3 rue des Lilas' }));
    await ctx.services.tickets.note({ agentId: people.alice.id, role: 'agent' }, r.ticketId, 'Appelée le 3');
    const exported = await api('GET', `/api/citizens/${r.citizenId}/export?format=json`, 'manon');
    expect(exported.status).toBe(200);
    expect(exported.json.citizen).toMatchObject({ name: 'Zoé Martin', identities: [{ kind: 'phone', value: '+33642000002' }] });
    expect(exported.json.requests[0].messages.map((m: { text: string }) => m.text)).toEqual(expect.arrayContaining(['Mon adresse est 3 rue des Lilas', 'Appelée le 3']));
    expect((await api('GET', `/api/citizens/${r.citizenId}/export`, 'alice')).status).toBe(403);

    const erased = await api('DELETE', `/api/citizens/${r.citizenId}`, 'manon');
    expect(erased.status).toBe(200);
    const messages = await ctx.models.messages.find({ citizenId: r.citizenId }).lean();
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.text === ERASED_TEXT && m.fromAddress === null)).toBe(true);
    expect(await ctx.models.identities.countDocuments({ citizenId: r.citizenId })).toBe(0);
    expect(await ctx.models.tickets.countDocuments({ citizenId: r.citizenId })).toBe(1);
    const text = JSON.stringify(await ctx.models.citizens.findById(r.citizenId).lean()) + JSON.stringify(await ctx.models.auditEvents.find({ citizenId: r.citizenId }).lean());
    expect(text).not.toMatch(/Zoé|Lilas|33642000002/);
    expect(await ctx.models.auditEvents.countDocuments({ action: { $in: ['citizen.exported', 'citizen.anonymised'] }, citizenId: r.citizenId })).toBe(2);
    // A new message from the same number is a new person for us.
    const later = await ctx.services.ingestInbound(inbound({ from: { address: '+33642000002' } }));
    expect(later.citizenId).not.toBe(r.citizenId);
  });
});
