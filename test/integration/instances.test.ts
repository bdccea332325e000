// Two server processes on one store with REDIS_URL: live updates cross instances through the Socket.IO
// Redis adapter, the outbox is shared without a double send, and the mailbox is read by one instance at
// a time, taken over by the other within IMAP_LEASE_SECONDS when its reader is killed.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emailEnv, startDovecot } from '../helpers/dovecot.js';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtpPeer.js';
import { killAll, startServer, stopServer, type ServerProcess } from '../helpers/processes.js';
import { startRedis } from '../helpers/redis.js';
import { connect, connected, emitAck, until } from '../helpers/sockets.js';
import { postSignedWebhook, smsForm, startTwilioPeer, twilioEnv } from '../helpers/twilioPeer.js';

const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const AUTH_TOKEN = 'instances-auth-token';
const SERVICE_NUMBER = '+33900000001';
const PUBLIC = 'https://gru.example';
let redis: Awaited<ReturnType<typeof startRedis>>;
let peer: Awaited<ReturnType<typeof startTwilioPeer>>;
let dovecot: Awaited<ReturnType<typeof startDovecot>>;
let smtp: SmtpPeer;
let a: ServerProcess;
let b: ServerProcess;
let token: string;
let seq = 0;
const sid = () => `SM${String(++seq).padStart(32, '0')}`;
const sms = (server: ServerProcess, from: string, body: string) =>
  postSignedWebhook({ base: server.base, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN }, '/webhooks/twilio/sms', smsForm(ACCOUNT_SID, SERVICE_NUMBER, from, body, sid()));
const api = async (server: ServerProcess, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, json: (await res.json()) as any };
};

beforeAll(async () => {
  [redis, peer, dovecot] = await Promise.all([startRedis(), startTwilioPeer(), startDovecot()]);
  smtp = await startSmtpPeer();
  const env = {
    MONGODB_URI: inject('mongoUri').replace('/?', `/instances_${Date.now()}?`),
    JWT_SECRET: 'instances-secret-long-enough-for-the-check',
    REDIS_URL: redis.url,
    ADMIN_EMAIL: 'admin@mairie.example', ADMIN_PASSWORD: 'un-mot-de-passe-solide',
    PUBLIC_BASE_URL: PUBLIC,
    ...twilioEnv({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, number: SERVICE_NUMBER }, peer.url),
    ...emailEnv(dovecot, smtp.port), IMAP_LEASE_SECONDS: '3',
    // One attempt a minute after a burst of 10: the shared bucket cannot refill during the test.
    LOGIN_ATTEMPTS_PER_MINUTE: '1',
    LOG_LEVEL: 'info',
  };
  a = await startServer(env);
  b = await startServer(env); // after A: the first admin is created once
  const res = await fetch(`${a.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@mairie.example', password: 'un-mot-de-passe-solide' }) });
  token = ((await res.json()) as { token: string }).token;
}, 120_000);
afterAll(async () => {
  killAll();
  await Promise.all([redis?.stop(), peer?.close(), dovecot?.stop(), smtp?.stop()]);
});

describe('several instances on one store', () => {
  it('pushes to an agent connected to A what B stored, and a reply made on A to a citizen chatting on B', async () => {
    const agent = connect(`${a.base}/agents`, { token });
    await connected(agent);
    try {
      const seen: { preview: string; ticketId: string }[] = [];
      agent.on('message:created', (e: { preview: string; ticketId: string }) => seen.push(e));
      expect((await sms(b, '+33612345678', 'Bonjour, écrit à l’instance B')).status).toBe(200);
      await until(() => seen.some((e) => e.preview === 'Bonjour, écrit à l’instance B'), 30_000, 'the SMS stored by B, pushed by A');

      // A citizen chats with B; the agent, on A, answers: the reply reaches the browser on B.
      const citizen = connect(`${b.base}/chat`, {});
      await connected(citizen);
      try {
        const replies: { text: string }[] = [];
        citizen.on('message:created', (m: { text: string }, ack?: () => void) => {
          replies.push(m);
          ack?.();
        });
        await emitAck(citizen, 'chat:start', { name: 'Léa' });
        const sent = await emitAck<{ ok: boolean }>(citizen, 'chat:message', { clientId: 'c-1', text: 'Question posée sur B' });
        expect(sent.ok).toBe(true);
        await until(() => seen.some((e) => e.preview === 'Question posée sur B'), 30_000, 'the chat message stored by B, pushed by A');
        const ticketId = seen.find((e) => e.preview === 'Question posée sur B')!.ticketId;
        expect((await api(a, 'POST', `/api/tickets/${ticketId}/replies`, { text: 'Réponse faite sur A' })).status).toBe(201);
        await until(() => replies.some((m) => m.text === 'Réponse faite sur A'), 30_000, 'the reply made on A, shown on B');
      } finally {
        citizen.close();
      }
    } finally {
      agent.close();
    }
  });

  it('shares the outbox: replies queued on both instances are each sent once', async () => {
    const agent = connect(`${b.base}/agents`, { token });
    await connected(agent);
    const ticketOf = new Map<string, string>();
    agent.on('message:created', (e: { preview: string; ticketId: string; direction: string }) => e.direction === 'in' && ticketOf.set(e.preview, e.ticketId));
    try {
      const numbers = Array.from({ length: 10 }, (_, i) => `+3361100${String(i).padStart(4, '0')}`);
      for (const [i, number] of numbers.entries()) expect((await sms(i % 2 ? a : b, number, `Demande partagée ${i}`)).status).toBe(200);
      await until(() => numbers.every((_, i) => ticketOf.has(`Demande partagée ${i}`)), 30_000, 'every ticket announced');
      const replies = numbers.map((_, i) => ({ ticketId: ticketOf.get(`Demande partagée ${i}`)!, text: `Réponse partagée ${i}` }));
      const answers = await Promise.all(replies.map((r, i) => api(i % 2 ? a : b, 'POST', `/api/tickets/${r.ticketId}/replies`, { text: r.text })));
      expect(answers.map((x) => x.status)).toEqual(replies.map(() => 201));
      await until(() => replies.every((r) => peer.sent().some((s) => s.form.Body === r.text)), 20_000, 'every reply sent');
      await new Promise((r) => setTimeout(r, 1_500)); // time for a second send, if there were one
      for (const r of replies) expect(peer.sent().filter((s) => s.form.Body === r.text)).toHaveLength(1);
      // The acknowledgements of the ten new tickets went out once each too.
      const acks = peer.sent().filter((s) => numbers.includes(s.form.To ?? '') && !s.form.Body?.startsWith('Réponse partagée'));
      expect(acks).toHaveLength(10);
      expect(new Set(acks.map((s) => s.form.To)).size).toBe(10);
    } finally {
      agent.close();
    }
  });

  it('counts login attempts from one address on both instances together (Redis): the limit holds as for one', async () => {
    const statuses: { server: string; status: number }[] = [];
    for (let i = 0; i < 14; i++) {
      const server = i % 2 ? b : a;
      const res = await fetch(`${server.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `inconnu${i}@mairie.example`, password: 'pas-le-bon-mot-de-passe' }) });
      statuses.push({ server: server === a ? 'A' : 'B', status: res.status });
    }
    // A burst of 10 in all (the admin's login took one), not 10 on each instance.
    expect(statuses.filter((s) => s.status === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.slice(-4)).toEqual([{ server: 'A', status: 429 }, { server: 'B', status: 429 }, { server: 'A', status: 429 }, { server: 'B', status: 429 }]);
  });

  it('reads the mailbox from one instance; killed, the other takes over within the lease', async () => {
    const reader = await until(() => a.output().includes('IMAP connected') || b.output().includes('IMAP connected'), 15_000, 'one reader').then(() => (a.output().includes('IMAP connected') ? a : b));
    const other = reader === a ? b : a;
    expect(other.output()).not.toContain('IMAP connected');
    await dovecot.deliver('From: Avant <avant@citoyens.example>\r\nTo: contact@mairie.example\r\nSubject: Avant\r\nMessage-ID: <before.kill@citoyens.example>\r\n\r\nAvant la panne\r\n');
    await until(async () => (await api(other, 'GET', `/api/tickets?scope=all&q=${encodeURIComponent('Avant')}`)).json.items.length === 1, 30_000, 'stored by the reader');

    await stopServer(reader.child, 'SIGKILL');
    const killedAt = Date.now();
    await dovecot.deliver('From: Apres <apres@citoyens.example>\r\nTo: contact@mairie.example\r\nSubject: Apres\r\nMessage-ID: <after.kill@citoyens.example>\r\n\r\nApres la panne\r\n');
    await other.waitFor('IMAP connected', 15_000);
    await until(async () => (await api(other, 'GET', `/api/tickets?scope=all&q=${encodeURIComponent('Apres')}`)).json.items.length === 1, 15_000, 'stored by the other instance');
    const tookMs = Date.now() - killedAt;
    expect(tookMs).toBeLessThan(15_000); // lease 3 s + a reconnect; bounded, not a performance goal
    expect((await api(other, 'GET', `/api/tickets?scope=all&q=${encodeURIComponent('Avant')}`)).json.items).toHaveLength(1);
  });
});
