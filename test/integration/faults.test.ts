// Faults with nothing lost, on a real server process and a store of its own: kill -9 in the middle of a
// burst of SMS webhooks, chat messages and IMAP deliveries; the store stopped and started again under
// traffic. What was acknowledged (HTTP 200 to Twilio, an ok ack to the chat, a mail in the mailbox) is
// there exactly once afterwards; what was not is retried as Twilio and the widget do, and stored once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedStore, type EmbeddedStore } from '../../src/store/embedded.js';
import { connectStore, type Store } from '../../src/store/index.js';
import { emailEnv, startDovecot } from '../helpers/dovecot.js';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtpPeer.js';
import { freePort, killAll, startServer, stopServer, type ServerProcess } from '../helpers/processes.js';
import { connect, connected, emitAck, until } from '../helpers/sockets.js';
import { postSignedWebhook, smsForm, startTwilioPeer, twilioEnv } from '../helpers/twilioPeer.js';

const ACCOUNT_SID = `AC${'2'.repeat(32)}`;
const AUTH_TOKEN = 'faults-auth-token';
const SERVICE_NUMBER = '+33900000002';
const PUBLIC = 'https://gru.example';
const dir = mkdtempSync(join(tmpdir(), 'gru-faults-'));
let storePort: number;
let embedded: EmbeddedStore;
let db: Store;
let peer: Awaited<ReturnType<typeof startTwilioPeer>>;
let dovecot: Awaited<ReturnType<typeof startDovecot>>;
let smtp: SmtpPeer;
let env: Record<string, string>;
let port: number;
let server: ServerProcess;

const sms = (params: Record<string, string>) => postSignedWebhook({ base: server.base, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN }, '/webhooks/twilio/sms', params);
const startStore = async () => {
  embedded = await startEmbeddedStore({ dataDir: dir, port: storePort });
};

beforeAll(async () => {
  storePort = await freePort();
  await startStore();
  [peer, dovecot] = await Promise.all([startTwilioPeer(), startDovecot()]);
  smtp = await startSmtpPeer();
  const uri = `mongodb://127.0.0.1:${storePort}/faults?directConnection=true`;
  env = {
    MONGODB_URI: uri,
    JWT_SECRET: 'faults-secret-long-enough-for-the-check',
    ADMIN_EMAIL: 'admin@mairie.example', ADMIN_PASSWORD: 'un-mot-de-passe-solide',
    PUBLIC_BASE_URL: PUBLIC,
    ...twilioEnv({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, number: SERVICE_NUMBER }, peer.url),
    ...emailEnv(dovecot, smtp.port), IMAP_LEASE_SECONDS: '3', OUTBOX_LEASE_SECONDS: '10',
    CHAT_MESSAGES_PER_MINUTE: '600', // floods have their own test; here every message is wanted
  };
  port = await freePort();
  server = await startServer(env, { port });
  db = await connectStore(uri);
}, 120_000);
afterAll(async () => {
  killAll();
  await db?.close();
  await Promise.all([embedded?.stop(), peer?.close(), dovecot?.stop(), smtp?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** How many times each key is stored. */
async function timesStored(channel: string, externalIds: string[]): Promise<Map<string, number>> {
  const rows = await db.models.messages.aggregate<{ _id: string; n: number }>([
    { $match: { channel, direction: 'in', externalId: { $in: externalIds } } },
    { $group: { _id: '$externalId', n: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [r._id, r.n]));
}

describe('kill -9 during a burst', () => {
  it('keeps every acknowledged SMS, chat message and mail exactly once, and stores the retried ones once', async () => {
    // Three citizens in the chat, with their session tokens kept as the widget keeps them.
    const chats: { socket: Socket; token: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const socket = connect(`${server.base}/chat`, {});
      await connected(socket);
      const { sessionToken } = await emitAck<{ sessionToken: string }>(socket, 'chat:start', { name: `Citoyen ${i}` });
      chats.push({ socket, token: sessionToken });
    }
    const smsSent = Array.from({ length: 60 }, (_, i) => smsForm(ACCOUNT_SID, SERVICE_NUMBER, `+336120${String(i % 20).padStart(5, '0')}`, `SMS en rafale ${i}`, `SM${String(i).padStart(32, 'f')}`));
    const chatSent = Array.from({ length: 45 }, (_, i) => ({ chat: i % 3, clientId: `burst-${i}`, text: `Chat en rafale ${i}` }));
    const mailIds = Array.from({ length: 30 }, (_, i) => `<burst.${i}@citoyens.example>`);
    const smsAcked = new Set<string>();
    const chatAcked = new Set<string>();

    let killed = false;
    // Both streams are paced (one every 150 ms at most), so the kill lands while both are under way.
    const paced = () => new Promise((r) => setTimeout(r, 150));
    const killWhen = until(() => smsAcked.size >= 15 && chatAcked.size >= 10, 60_000, 'part of the burst acknowledged').then(async () => {
      await stopServer(server.child, 'SIGKILL');
      killed = true;
    });
    const smsStream = (async () => {
      for (const params of smsSent) {
        if (killed) break;
        const [answer] = await Promise.all([sms(params).catch(() => null), paced()]);
        if (answer?.status === 200) smsAcked.add(params.MessageSid);
      }
    })();
    const chatStream = (async () => {
      for (const message of chatSent) {
        if (killed) break;
        const [ack] = await Promise.all([emitAck<{ ok: boolean }>(chats[message.chat]!.socket, 'chat:message', { clientId: message.clientId, text: message.text }).catch(() => null), paced()]);
        if (ack?.ok) chatAcked.add(message.clientId);
      }
    })();
    const mailStream = (async () => {
      for (const [i, id] of mailIds.entries()) {
        await dovecot.deliver(`From: Citoyen ${i} <mail${i}@citoyens.example>\r\nTo: contact@mairie.example\r\nSubject: Courriel ${i}\r\nMessage-ID: ${id}\r\n\r\nCourriel en rafale ${i}\r\n`);
      }
    })();
    await Promise.all([killWhen, smsStream, chatStream, mailStream]);
    for (const chat of chats) chat.socket.close();
    expect(smsAcked.size).toBeGreaterThanOrEqual(15);
    expect(smsAcked.size).toBeLessThan(smsSent.length); // the kill did land mid-burst
    expect(chatAcked.size).toBeLessThan(chatSent.length);

    // What was acknowledged before the kill is in the store, once, before any restart.
    const smsBefore = await timesStored('sms', [...smsAcked]);
    expect([...smsAcked].filter((id) => smsBefore.get(id) !== 1)).toEqual([]);

    // Restart; Twilio retries what it got no 200 for, the widget resends what got no ack.
    server = await startServer(env, { port });
    for (const params of smsSent.filter((p) => !smsAcked.has(p.MessageSid))) expect((await sms(params)).status).toBe(200);
    for (const [i, chat] of chats.entries()) {
      const socket = connect(`${server.base}/chat`, { sessionToken: chat.token });
      await connected(socket);
      for (const message of chatSent.filter((m) => m.chat === i && !chatAcked.has(m.clientId))) {
        // As the widget does (channels/webchat/widget/connection.ts): a message refused for its pace is sent again later.
        let ack = await emitAck(socket, 'chat:message', { clientId: message.clientId, text: message.text });
        for (let tries = 0; ack.error?.code === 'rate_limited' && tries < 20; tries++) {
          await new Promise((r) => setTimeout(r, 500));
          ack = await emitAck(socket, 'chat:message', { clientId: message.clientId, text: message.text });
        }
        expect(ack, JSON.stringify(ack)).toMatchObject({ ok: true });
      }
      socket.close();
    }
    await until(async () => (await timesStored('email', mailIds)).size === mailIds.length, 60_000, 'every mail stored');

    const smsAfter = await timesStored('sms', smsSent.map((p) => p.MessageSid));
    expect(smsAfter.size).toBe(smsSent.length);
    expect([...smsAfter.values()].every((n) => n === 1)).toBe(true);
    const chatTexts = await db.models.messages.aggregate<{ _id: string; n: number }>([
      { $match: { channel: 'chat', direction: 'in', text: { $in: chatSent.map((m) => m.text) } } },
      { $group: { _id: '$text', n: { $sum: 1 } } },
    ]);
    expect(chatTexts).toHaveLength(chatSent.length);
    expect(chatTexts.every((r) => r.n === 1)).toBe(true);
    const mails = await timesStored('email', mailIds);
    expect([...mails.values()].every((n) => n === 1)).toBe(true);
    // Nothing left half-done: every stored message finished (ticket updated, event sent).
    await until(async () => (await db.models.messages.countDocuments({ direction: 'in', stage: 'finishing' })) === 0, 70_000, 'interrupted messages completed');
    // Each SMS citizen got one acknowledgement, however often their first message was delivered.
    await until(() => new Set(peer.sent().map((r) => r.form.To)).size >= 20, 45_000, 'acknowledgements sent');
    const acksPerNumber = new Map<string, number>();
    for (const r of peer.sent()) acksPerNumber.set(r.form.To!, (acksPerNumber.get(r.form.To!) ?? 0) + 1);
    expect([...acksPerNumber.values()].every((n) => n === 1)).toBe(true);
  }, 240_000);
});

describe('the store stops under traffic', () => {
  it('answers 503 to webhooks and an error ack to the chat while it is down, loses nothing acknowledged, and recovers by itself', async () => {
    const chat = connect(`${server.base}/chat`, {});
    await connected(chat);
    await emitAck(chat, 'chat:start', { name: 'Pendant la panne' });
    const before = smsForm(ACCOUNT_SID, SERVICE_NUMBER, '+33699000001', 'Avant l’arrêt du stockage', `SM${'a'.repeat(32)}`);
    expect((await sms(before)).status).toBe(200);
    expect(await emitAck(chat, 'chat:message', { clientId: 'before', text: 'Chat avant l’arrêt' })).toMatchObject({ ok: true });

    await embedded.stop();
    // Down as the server sees it (its readiness probe says so), as a load balancer would see it.
    await until(async () => (await fetch(`${server.base}/ready`)).status === 503, 15_000, 'the server to see the store down');
    const during = smsForm(ACCOUNT_SID, SERVICE_NUMBER, '+33699000001', 'Pendant l’arrêt du stockage', `SM${'b'.repeat(32)}`);
    const refused = await sms(during);
    if (refused.status !== 503) await new Promise((r) => setTimeout(r, 1_000)); // let the server's log reach us
    expect(refused.status, `server said:\n${server.output().split('\n').filter((l) => !l.includes('no available agent')).slice(-15).join('\n')}`).toBe(503);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'unavailable' } });
    const ack = await chat.timeout(15_000).emitWithAck('chat:message', { clientId: 'during', text: 'Chat pendant l’arrêt' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'unavailable' } });

    await startStore();
    // Recovers by itself: no restart of the server.
    await until(async () => (await fetch(`${server.base}/ready`)).status === 200, 30_000, 'ready again');
    expect((await sms(during)).status).toBe(200); // Twilio's retry
    expect(await emitAck(chat, 'chat:message', { clientId: 'during', text: 'Chat pendant l’arrêt' })).toMatchObject({ ok: true });
    chat.close();
    const stored = await timesStored('sms', [before.MessageSid, during.MessageSid]);
    expect(Object.fromEntries(stored)).toEqual({ [before.MessageSid]: 1, [during.MessageSid]: 1 });
    expect(await db.models.messages.countDocuments({ channel: 'chat', text: { $in: ['Chat avant l’arrêt', 'Chat pendant l’arrêt'] } })).toBe(2);
    expect(server.child.exitCode).toBeNull();
  }, 120_000);
});
