// Several people at work on the same tickets, over real HTTP and Socket.IO: a save never undoes a
// colleague's change (version, 409 conflict with the current values and who made them), the history
// says which field moved, a caller is found by their number in any writing, late requests are told
// apart from those at risk, and a leaving agent's work is handed over, never stranded.
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/services/audit.js';
import { ERASED_TEXT } from '../../src/services/erasure.js';
import { inbound, testApp } from '../helpers/context.js';
import { collect, connect, connected, emitAck, until } from '../helpers/sockets.js';

let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
const people: Record<'camille' | 'julien' | 'lea' | 'nadia' | 'admin', { id: string; token: string }> = {} as never;
const open: Socket[] = [];
let teamId: string;

async function api(method: string, path: string, who: keyof typeof people, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${people[who].token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  ctx = await testApp();
  base = await ctx.listen();
  teamId = String((await ctx.models.teams.create({ name: 'État civil', slug: 'etat-civil', isDefault: true }))._id);
  const make = async (key: keyof typeof people, name: string, role: 'agent' | 'manager' | 'admin') => {
    const agent = await ctx.services.agents.create(SYSTEM, { name, email: `${key}@mairie.test`, password: 'password-123', role, teamId });
    people[key] = { id: agent.id, token: (await ctx.services.agents.login(agent.email, 'password-123')).token };
  };
  await make('camille', 'Camille Martin', 'agent');
  await make('julien', 'Julien Petit', 'agent');
  await make('lea', 'Léa Morel', 'agent');
  await make('nadia', 'Nadia Lefèvre', 'manager');
  await make('admin', 'Admin Istrateur', 'admin');
});
afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});
afterAll(() => ctx.close());

/** A citizen's SMS, given to `who` (their usual agent from then on). */
async function smsTo(who: keyof typeof people, from: string, text: string, receivedAt = new Date()) {
  const { ticketId, citizenId } = await ctx.services.ingestInbound(inbound({ from: { address: from }, text, receivedAt }));
  await ctx.services.citizens.setRecurringAgent(SYSTEM, citizenId, people[who].id, 'test');
  return ticketId;
}

describe('two people on one ticket', () => {
  it('refuses a save made from a stale screen, says who changed what, and keeps only the fields sent', async () => {
    const ticketId = await smsTo('camille', '+33611111111', 'Bonjour, où en est mon dossier de mariage ?');
    const camilleScreen = (await api('GET', `/api/tickets/${ticketId}`, 'camille')).json;
    const nadiaScreen = (await api('GET', `/api/tickets/${ticketId}`, 'nadia')).json;
    expect(camilleScreen.version).toBe(nadiaScreen.version);
    expect(camilleScreen.priority).toBe('normal');

    // Camille watches the ticket: Nadia's change reaches her screen live.
    const socket = connect(`${base}/agents`, { token: people.camille.token });
    open.push(socket);
    await connected(socket);
    const updates = collect(socket, 'ticket:updated');
    expect(await emitAck(socket, 'ticket:watch', ticketId)).toMatchObject({ ok: true });

    const nadia = await api('PATCH', `/api/tickets/${ticketId}`, 'nadia', { priority: 'urgent', version: nadiaScreen.version });
    expect(nadia.status).toBe(200);
    expect(nadia.json).toMatchObject({ priority: 'urgent', version: nadiaScreen.version + 1 });
    await until(() => updates.some((u) => u.ticketId === ticketId && u.changes.priority === 'urgent'), 5_000, 'the priority change pushed');

    // Camille's screen was read before: her save is refused and nothing of it is written.
    const stale = await api('PATCH', `/api/tickets/${ticketId}`, 'camille', { category: 'État civil', version: camilleScreen.version });
    expect(stale.status).toBe(409);
    expect(stale.json.error).toMatchObject({
      code: 'conflict',
      current: { version: nadiaScreen.version + 1, priority: 'urgent', category: null, changedBy: 'Nadia Lefèvre', changes: [{ field: 'priority', from: 'normal', to: 'urgent' }] },
    });
    expect(stale.json.error.message).toContain('Nadia Lefèvre');
    expect((await api('GET', `/api/tickets/${ticketId}`, 'camille')).json).toMatchObject({ priority: 'urgent', category: null });

    // She reapplies from the current version: her category is saved, Nadia's priority stays.
    const again = await api('PATCH', `/api/tickets/${ticketId}`, 'camille', { category: 'État civil', version: stale.json.error.current.version });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ priority: 'urgent', category: 'État civil', version: nadiaScreen.version + 2 });

    // A status change and a field change in one save move from the same version.
    const both = await api('PATCH', `/api/tickets/${ticketId}`, 'camille', { status: 'pending', priority: 'high', version: again.json.version });
    expect(both.status).toBe(200);
    expect(both.json).toMatchObject({ status: 'pending', priority: 'high' });

    const history = (await api('GET', `/api/tickets/${ticketId}/history`, 'camille')).json.items as { action: string; actor: { name: string | null }; changes: unknown[] }[];
    const edits = history.filter((h) => ['ticket.updated', 'ticket.status.changed'].includes(h.action));
    expect(edits.map((h) => [h.actor.name, h.changes])).toEqual([
      ['Nadia Lefèvre', [{ field: 'priority', from: 'normal', to: 'urgent' }]],
      ['Camille Martin', [{ field: 'category', from: null, to: 'État civil' }]],
      ['Camille Martin', [{ field: 'status', from: 'new', to: 'pending' }]],
      ['Camille Martin', [{ field: 'priority', from: 'urgent', to: 'high' }]],
    ]);
  });

  it('moves the version with a reassignment, so a screen opened before it cannot save over it', async () => {
    const ticketId = await smsTo('camille', '+33622222222', 'Bonjour, je voudrais un acte de naissance.');
    const before = (await api('GET', `/api/tickets/${ticketId}`, 'nadia')).json;
    expect((await api('POST', `/api/tickets/${ticketId}/assign`, 'nadia', { agentId: people.lea.id, reason: 'congés' })).status).toBe(200);
    const stale = await api('PATCH', `/api/tickets/${ticketId}`, 'nadia', { priority: 'low', version: before.version });
    expect(stale.status).toBe(409);
    expect(stale.json.error.current).toMatchObject({ assignee: { name: 'Léa Morel' }, changes: [{ field: 'assignee' }] });
    const history = (await api('GET', `/api/tickets/${ticketId}/history`, 'nadia')).json.items;
    expect(history.find((h: { action: string; changes: { to: string }[] }) => h.action === 'ticket.assigned' && h.changes[0]?.to === 'Léa Morel')?.changes).toEqual([{ field: 'assignee', from: 'Camille Martin', to: 'Léa Morel' }]);
  });
});

describe('finding a caller', () => {
  it('finds a citizen’s requests by their number in any writing, by email in any case, and names them by their number', async () => {
    const ticketId = await smsTo('camille', '+33623456789', 'Le lampadaire de la rue est éteint.');
    const byEmail = (await ctx.services.ingestInbound(inbound({ channel: 'email', from: { address: 'Claire.Petit@Citoyen.example' }, subject: 'Cantine', text: 'Inscription à la cantine' }))).ticketId;
    for (const q of ['06 23 45 67 89', '0623456789', '+33623456789', '+33 6 23 45 67 89', '0033623456789', '06.23.45.67.89']) {
      const found = (await api('GET', `/api/tickets?scope=all&q=${encodeURIComponent(q)}`, 'nadia')).json.items;
      expect(found.map((t: { id: string }) => t.id), q).toEqual([ticketId]);
      expect(found[0].citizen).toMatchObject({ name: null, contact: '06 23 45 67 89' });
    }
    for (const q of ['claire.petit@citoyen.example', 'CLAIRE.PETIT@CITOYEN.EXAMPLE']) {
      expect((await api('GET', `/api/tickets?scope=all&q=${encodeURIComponent(q)}`, 'nadia')).json.items.map((t: { id: string }) => t.id), q).toEqual([byEmail]);
    }
    const reference = (await api('GET', `/api/tickets/${ticketId}`, 'nadia')).json.reference as string;
    expect((await api('GET', `/api/tickets?scope=all&q=${reference}`, 'nadia')).json.items.map((t: { id: string }) => t.id)).toEqual([ticketId]);
    expect((await api('GET', `/api/tickets?scope=all&q=${encodeURIComponent('06 99 99 99 99')}`, 'nadia')).json.items).toEqual([]);
  });
});

describe('deadlines', () => {
  it('says a request is overdue once its deadline passed, apart from at risk', async () => {
    const late = await smsTo('julien', '+33633333333', 'Demande ancienne', new Date(Date.now() - 10 * 24 * 3600_000));
    const fresh = await smsTo('julien', '+33644444444', 'Demande récente');
    const items = (await api('GET', '/api/tickets?scope=mine', 'julien')).json.items as { id: string; overdue: boolean; atRisk: boolean }[];
    expect(items.find((t) => t.id === late)).toMatchObject({ overdue: true, atRisk: true });
    expect(items.find((t) => t.id === fresh)).toMatchObject({ overdue: false, atRisk: false });
  });
});

describe('an agent leaves', () => {
  it('asks who takes over, then moves every open request and citizen at once, audited and pushed', async () => {
    const first = await smsTo('julien', '+33655555555', 'Bonjour, ma carte grise ?');
    const second = await smsTo('julien', '+33666666666', 'Bonjour, un rendez-vous ?');
    const julien = people.julien.id;
    const refused = await api('PATCH', `/api/agents/${julien}`, 'admin', { active: false });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('handover_required');
    expect(refused.json.error.counts.tickets).toBeGreaterThanOrEqual(2);
    expect(refused.json.error.counts.citizens).toBeGreaterThanOrEqual(2);
    expect(refused.json.error.message).toMatch(/demandes ouvertes/);
    const agentNamed = async (id: string) => ((await api('GET', '/api/agents?inactive=true', 'admin')).json.items as { id: string; active: boolean; openTickets: number }[]).find((a) => a.id === id);
    expect((await agentNamed(julien))?.active).toBe(true);

    // Léa watches the inbox: the moved requests reach her live.
    const socket = connect(`${base}/agents`, { token: people.lea.token });
    open.push(socket);
    await connected(socket);
    const assigned = collect(socket, 'ticket:assigned');
    expect((await api('PATCH', `/api/agents/${julien}`, 'admin', { active: false, handoverTo: julien })).status).toBe(400);
    const done = await api('PATCH', `/api/agents/${julien}`, 'admin', { active: false, handoverTo: people.lea.id });
    expect(done.status).toBe(200);
    expect(done.json.active).toBe(false);
    await until(() => [first, second].every((id) => assigned.some((a) => a.ticketId === id && a.toAgentId === people.lea.id)), 5_000, 'the hand-over pushed');
    for (const id of [first, second]) expect((await api('GET', `/api/tickets/${id}`, 'lea')).json.assignee).toMatchObject({ id: people.lea.id });
    const citizen = (await api('GET', `/api/tickets/${first}`, 'lea')).json.citizen;
    expect(citizen.recurringAgent).toMatchObject({ id: people.lea.id });
    // His next message goes to Léa, not to the deactivated account.
    const next = await ctx.services.ingestInbound(inbound({ from: { address: '+33655555555' }, text: 'Et aussi : mon permis ?' }));
    expect((await api('GET', `/api/tickets/${next.ticketId}`, 'lea')).json.assignee).toMatchObject({ id: people.lea.id });
    // Still listed for admins, marked inactive.
    expect(await agentNamed(julien)).toMatchObject({ active: false, openTickets: 0 });
  });

  it('hands over to the least loaded colleague of the team with "team"', async () => {
    const agent = await ctx.services.agents.create(SYSTEM, { name: 'Paul Roy', email: 'paul@mairie.test', password: 'password-123', role: 'agent', teamId });
    const { citizenId } = await ctx.services.ingestInbound(inbound({ from: { address: '+33677777777' }, text: 'Bonjour' }));
    await ctx.services.citizens.setRecurringAgent(SYSTEM, citizenId, agent.id, 'test');
    const loads = new Map(((await api('GET', '/api/agents', 'admin')).json.items as { id: string; openTickets: number; active: boolean }[]).filter((a) => a.id !== agent.id && a.active).map((a) => [a.id, a.openTickets]));
    const least = Math.min(...loads.values());
    const done = await api('PATCH', `/api/agents/${agent.id}`, 'admin', { active: false, handoverTo: 'team' });
    expect(done.status).toBe(200);
    const to = (await ctx.services.citizens.get(citizenId)).recurringAgent!.id;
    expect(loads.get(to)).toBe(least);
  });
});

describe('a manager acts while agents have the ticket open', () => {
  it('pushes a change of usual agent, a merge and an erasure to the open screens, and writes them in each request’s history', async () => {
    const ticketId = await smsTo('camille', '+33688888888', 'Bonjour, pour la cantine.');
    const other = (await ctx.services.ingestInbound(inbound({ channel: 'email', from: { address: 'famille.roux@citoyen.example' }, subject: 'Cantine', text: 'Le même dossier, par mail.' }))).ticketId;
    const socket = connect(`${base}/agents`, { token: people.nadia.token });
    open.push(socket);
    await connected(socket);
    const updates = collect(socket, 'ticket:updated');
    const assigned = collect(socket, 'ticket:assigned');
    expect(await emitAck(socket, 'ticket:watch', ticketId)).toMatchObject({ ok: true });
    const citizenId = (await api('GET', `/api/tickets/${ticketId}`, 'nadia')).json.citizen.id as string;

    // A new usual agent, with its reason: pushed, and in the request's history.
    expect((await api('PUT', `/api/citizens/${citizenId}/recurring-agent`, 'nadia', { agentId: people.lea.id, reason: 'Changement de secteur' })).status).toBe(200);
    await until(() => assigned.some((a) => a.ticketId === ticketId && a.toAgentId === people.lea.id && a.byAgentId === people.nadia.id), 5_000, 'the new usual agent pushed');
    const history = (await api('GET', `/api/tickets/${ticketId}/history`, 'nadia')).json.items as { action: string; reason: string | null; changes: { field: string; to: string }[] }[];
    expect(history.filter((h) => h.action === 'ticket.recurring_agent.changed').at(-1)).toMatchObject({ reason: 'Changement de secteur', changes: [{ field: 'recurringAgent', to: 'Léa Morel' }, { field: 'assignee', to: 'Léa Morel' }] });

    // The email record merged into this one: the open screen hears of it and shows the new address.
    const otherCitizen = (await api('GET', `/api/tickets/${other}`, 'nadia')).json.citizen.id as string;
    expect((await api('POST', `/api/citizens/${citizenId}/merge`, 'nadia', { otherId: otherCitizen })).status).toBe(200);
    await until(() => updates.some((u) => u.ticketId === ticketId && u.changes.citizen === 'merged'), 5_000, 'the merge pushed');
    expect((await api('GET', `/api/tickets/${ticketId}`, 'nadia')).json.citizen.identities.map((i: { value: string }) => i.value)).toContain('famille.roux@citoyen.example');

    // Erased: every request closed, deadlines stopped, French placeholders, in each history, pushed.
    expect((await api('DELETE', `/api/citizens/${citizenId}`, 'nadia')).status).toBe(200);
    await until(() => updates.some((u) => u.ticketId === ticketId && u.changes.erased === true && u.status === 'closed'), 5_000, 'the erasure pushed');
    for (const id of [ticketId, other]) {
      const erased = (await api('GET', `/api/tickets/${id}`, 'nadia')).json;
      expect(erased).toMatchObject({ status: 'closed', subject: ERASED_TEXT, responseDueAt: null, overdue: false, atRisk: false });
      expect(erased.messages.every((m: { text: string }) => m.text === ERASED_TEXT)).toBe(true);
      const items = (await api('GET', `/api/tickets/${id}/history`, 'nadia')).json.items as { action: string; changes: { field: string; to: string }[] }[];
      expect(items.at(-1)).toMatchObject({ action: 'ticket.erased', changes: [{ field: 'status', to: 'closed' }] });
    }
    expect(ERASED_TEXT).toBe('[effacé à la demande de l’usager]');
  });
});

