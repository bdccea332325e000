// The back-office, over real HTTP: a real receiver checks every webhook's signature and answers 200;
// it is killed mid-run and comes back on the same port, and every event arrives, each accepted once,
// in order per ticket. Systems use API keys (hashed, scoped, revocable) to read a ticket and to send a
// status update the citizen receives and sees on the portal.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTeam, testApp } from '../helpers/context.js';
import { connect, connected, emitAck, until } from '../helpers/sockets.js';

let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
let adminToken: string;
let agentToken: string;

beforeAll(async () => {
  ctx = await testApp();
  base = await ctx.listen();
  ctx.startJobs();
  await addTeam(ctx, [
    { name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' },
    { name: 'Alice Admin', email: 'alice@mairie.test', role: 'admin' },
  ]);
  adminToken = (await ctx.services.agents.login('alice@mairie.test', 'password-123')).token;
  agentToken = (await ctx.services.agents.login('camille@mairie.test', 'password-123')).token;
});
afterAll(() => ctx.close());

const api = async (path: string, options: { method?: string; token?: string; body?: unknown } = {}) => {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
};

/** A back-office receiver: checks the signature (and its freshness), records what it accepts. */
function receiver(secret: () => string) {
  const accepted: { id: string; event: string; data: Record<string, unknown> }[] = [];
  const refused: string[] = [];
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  let port = 0;
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const header = String(req.headers['x-gru-signature'] ?? '');
      const t = /t=(\d+)/.exec(header)?.[1];
      const v1 = /v1=([0-9a-f]{64})/.exec(header)?.[1];
      const expected = t ? createHmac('sha256', secret()).update(`${t}.${body}`).digest('hex') : '';
      const fresh = t ? Math.abs(Date.now() / 1000 - Number(t)) < 300 : false;
      if (!v1 || !fresh || !timingSafeEqual(Buffer.from(v1), Buffer.from(expected))) {
        refused.push(body);
        res.writeHead(401).end();
        return;
      }
      const parsed = JSON.parse(body) as { id: string; event: string; data: Record<string, unknown> };
      expect(req.headers['x-gru-delivery']).toBe(parsed.id);
      expect(req.headers['x-gru-event']).toBe(parsed.event);
      accepted.push(parsed);
      res.writeHead(200).end('ok');
    });
  };
  return {
    accepted,
    refused,
    url: () => `http://127.0.0.1:${port}/gru-events`,
    async start() {
      server = createServer(handler);
      server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
      port = (server.address() as { port: number }).port;
    },
    /** Gone at once, open connections cut: what a crash looks like from here. */
    async kill() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}

describe('back-office webhooks', () => {
  it('delivers every event signed, each accepted once and in order per ticket, across the receiver going down', async () => {
    let secret = '';
    const back = receiver(() => secret);
    await back.start();
    expect((await api('/api/integrations/webhooks', { method: 'POST', token: agentToken, body: { url: back.url(), events: ['*'] } })).status).toBe(403);
    expect((await api('/api/integrations/webhooks', { method: 'POST', token: adminToken, body: { url: 'ftp://x', events: ['*'] } })).status).toBe(400);
    const created = await api('/api/integrations/webhooks', { method: 'POST', token: adminToken, body: { url: back.url(), events: ['*'] } });
    expect(created.status).toBe(201);
    secret = created.body.secret;
    expect(secret).toMatch(/^whsec_/);
    expect(JSON.stringify(await ctx.models.integrationEndpoints.find({}).lean())).not.toContain(secret); // sealed at rest

    // Activity on two tickets: created, messages in, assigned, status changed, satisfaction.
    const chats = [];
    for (const name of ['Inès', 'Paul']) {
      const socket = connect(`${base}/chat`, {});
      await connected(socket);
      await emitAck(socket, 'chat:start', { name });
      const first = await emitAck(socket, 'chat:message', { clientId: 'c1', text: `Bonjour, c'est ${name}` });
      chats.push({ socket, reference: first.reference as string });
    }
    await until(() => back.accepted.filter((e) => e.event === 'ticket.created').length === 2, 30_000, 'both tickets created');

    await back.kill();
    for (const [i, chat] of chats.entries()) {
      await emitAck(chat.socket, 'chat:message', { clientId: 'c2', text: `Deuxième message ${i}` });
      const ticket = (await ctx.models.tickets.findOne({ reference: chat.reference }).lean())!;
      await api(`/api/tickets/${String(ticket._id)}`, { method: 'PATCH', token: adminToken, body: { status: 'pending' } });
      await api(`/api/tickets/${String(ticket._id)}`, { method: 'PATCH', token: adminToken, body: { status: 'resolved' } });
    }
    // The admin sees the failures and what is pending.
    await until(async () => !!(await api('/api/integrations/webhooks', { token: adminToken })).body.items[0].lastError, 30_000, 'the error recorded');
    const listed = (await api('/api/integrations/webhooks', { token: adminToken })).body.items[0];
    expect(listed.lastError).toBe('injoignable'); // never the socket's error, which would map ports
    expect(listed.pending).toBeGreaterThanOrEqual(6);
    const deliveries = (await api(`/api/integrations/webhooks/${listed.id}/deliveries`, { token: adminToken })).body.items;
    expect(deliveries.some((d: { attempts: number; status: string }) => d.status === 'pending' && d.attempts >= 1)).toBe(true);

    await back.start(); // the same port
    await until(async () => (await ctx.models.integrationDeliveries.countDocuments({ status: 'pending' })) === 0, 20_000, 'every delivery accepted');

    // Each event accepted exactly once; per ticket in the order it happened.
    const ids = back.accepted.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(await ctx.models.integrationDeliveries.countDocuments({ status: 'delivered' }));
    for (const chat of chats) {
      const events = back.accepted.filter((e) => e.data.reference === chat.reference).map((e) => (e.event === 'ticket.status_changed' ? `status:${String(e.data.status)}` : e.event));
      expect(events[0]).toBe('ticket.created');
      expect(events.indexOf('status:pending')).toBeLessThan(events.indexOf('status:resolved'));
      expect(events.filter((e) => e === 'message.received')).toHaveLength(2);
      expect(events.lastIndexOf('message.received')).toBeLessThan(events.indexOf('status:pending')); // sent while the receiver was down, still in order
      expect(events.at(-1)).toBe('status:resolved');
    }
    expect(back.refused).toEqual([]);
    for (const chat of chats) chat.socket.disconnect();
    await back.kill();
  });
});

describe('system API', () => {
  it('reads a ticket and sends a status update the citizen receives and sees, with scoped, revocable keys', async () => {
    const socket = connect(`${base}/chat`, {});
    await connected(socket);
    const received: { text: string; kind?: string }[] = [];
    socket.on('message:created', (m, ack) => (received.push(m), typeof ack === 'function' && ack()));
    await emitAck(socket, 'chat:start', { name: 'Léa' });
    const { reference } = await emitAck(socket, 'chat:message', { clientId: 'c1', text: 'Mon passeport est-il prêt ?' });

    const reader = (await api('/api/integrations/keys', { method: 'POST', token: adminToken, body: { name: 'Logiciel état civil (lecture)', scopes: ['tickets:read'] } })).body;
    const writer = (await api('/api/integrations/keys', { method: 'POST', token: adminToken, body: { name: 'Logiciel état civil', scopes: ['tickets:read', 'tickets:update'] } })).body;
    expect(writer.key).toMatch(/^gru_[0-9a-f]{24}_[\w-]{40,}$/);
    expect(JSON.stringify(await ctx.models.apiKeys.find({}).lean())).not.toContain(writer.key.slice(`gru_${writer.id}_`.length)); // only its hash is kept
    expect((await api('/api/integrations/keys', { token: adminToken })).body.items.map((k: { name: string }) => k.name)).toContain('Logiciel état civil');

    const read = await api(`/api/system/tickets/${reference}`, { token: reader.key });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ reference, status: 'new', channel: 'chat', updates: [] });
    expect(read.body).not.toHaveProperty('messages'); // the state, not the conversation
    expect((await api(`/api/system/tickets/${reference}/updates`, { method: 'POST', token: reader.key, body: { text: 'x' } })).status).toBe(403);
    expect((await api(`/api/system/tickets/${reference}`, { token: agentToken })).status).toBe(401); // an agent's token is not a key
    expect((await api('/api/tickets?scope=mine', { token: writer.key })).status).toBe(401); // a key is not an agent
    expect((await api('/api/system/tickets/GRU-2026-999999', { token: reader.key })).status).toBe(404);

    const update = await api(`/api/system/tickets/${reference}/updates`, { method: 'POST', token: writer.key, body: { text: 'Votre passeport est disponible en mairie.', close: true } });
    expect(update.status).toBe(201);
    expect(update.body).toMatchObject({ status: 'resolved', channel: 'chat' });
    await until(() => received.some((m) => m.text === 'Votre passeport est disponible en mairie.'), 30_000, 'the citizen receives the update');
    const ticket = (await ctx.models.tickets.findOne({ reference }).lean())!;
    const token = (await ctx.services.portal.createLink(ticket)).split('/').pop()!;
    const portal = await (await fetch(`${base}/api/portal/${token}`)).json();
    expect(portal.messages.map((m: { text: string }) => m.text)).toContain('Votre passeport est disponible en mairie.');
    expect(portal.status).toBe('resolved');
    expect((await api(`/api/system/tickets/${reference}`, { token: reader.key })).body.updates).toHaveLength(1);
    expect(await ctx.models.auditEvents.countDocuments({ action: 'ticket.system_update' })).toBe(1);

    expect((await api(`/api/integrations/keys/${writer.id}`, { method: 'DELETE', token: adminToken })).status).toBe(204);
    expect((await api(`/api/system/tickets/${reference}`, { token: writer.key })).status).toBe(401);
    socket.disconnect();
  });
});
