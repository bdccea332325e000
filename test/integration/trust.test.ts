// What a security probe found loose, each held here against the running app: sockets that follow access,
// login abuse, complete RGPD erasure, portal tokens only in what is sent, 400 (never 500) for client
// faults, chat origins and session limits, and the smaller holes (tokens without exp, request ids,
// log redaction, arrays where strings are expected).
import { mongo } from 'mongoose';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentRef } from '../../src/store/models/mailbox.js';
import { ERASED_TEXT } from '../../src/services/erasure.js';
import { addTeam, AGENT_PASSWORD, capturingLog, inbound, TEST_SECRET, testApp } from '../helpers/context.js';
import { request } from '../helpers/http.js';
import { collect, connect, connected, emitAck, refused, until } from '../helpers/sockets.js';
import { io } from 'socket.io-client';

const logs = capturingLog();
// A clock the test can move: tokens and chat sessions age without waiting.
let offsetMs = 0;
let frozenAt: number | null = null;
const now = () => new Date(frozenAt ?? Date.now() + offsetMs);
let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
let ids: { camille: string; bruno: string; nadia: string; admin: string };
let managerToken: string;
let adminToken: string;

async function call(method: string, path: string, options: { body?: unknown; raw?: string; type?: string; token?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? managerToken}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.type) headers['content-type'] = options.type;
  return request(base, method, path, { headers, body: options.body !== undefined ? JSON.stringify(options.body) : options.raw });
}
const loginAs = async (email: string) => (await ctx.services.agents.login(email, AGENT_PASSWORD, `test-${email}`)).token;

beforeAll(async () => {
  ctx = await testApp({ log: logs.log, now, env: { JWT_TTL_MINUTES: '10', CHAT_SESSIONS_PER_HOUR: '60', CHAT_SESSION_IDLE_HOURS: '2' } });
  base = await ctx.listen();
  const [camille, bruno, nadia, admin] = await addTeam(ctx, [
    { name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' },
    { name: 'Bruno Petit', email: 'bruno@mairie.test', role: 'agent' },
    { name: 'Nadia Lefèvre', email: 'nadia@mairie.test', role: 'manager' },
    { name: 'Alice Admin', email: 'admin@mairie.test', role: 'admin' },
  ]);
  ids = { camille: camille!, bruno: bruno!, nadia: nadia!, admin: admin! };
  managerToken = await loginAs('nadia@mairie.test');
  adminToken = await loginAs('admin@mairie.test');
});
afterAll(() => ctx?.close());

describe('agent sockets follow access', () => {
  it('takes an agent out of a ticket room when the ticket is reassigned: no more messages or notes of it', async () => {
    const first = await ctx.services.ingestInbound(inbound({ from: { address: '+33611110001' }, text: 'Premier message' }));
    const owner = first.recurringAgentId === ids.camille ? 'camille' : 'bruno';
    const other = owner === 'camille' ? 'bruno' : 'camille';
    const socket = connect(`${base}/agents`, { token: await loginAs(`${owner}@mairie.test`) });
    await connected(socket);
    expect(await emitAck(socket, 'ticket:watch', first.ticketId)).toMatchObject({ ok: true });
    const messages = collect(socket, 'message:created');
    const assigned = collect(socket, 'ticket:assigned');

    expect((await call('POST', `/api/tickets/${first.ticketId}/assign`, { body: { agentId: ids[other], reason: 'congés' } })).status).toBe(200);
    await until(() => assigned.length === 1, 30_000, 'the first agent hears the ticket left them');
    await ctx.services.ingestInbound(inbound({ from: { address: '+33611110001' }, text: 'Deuxième message, après la réaffectation' }));
    await ctx.services.tickets.note({ agentId: ids[other], role: 'agent' }, first.ticketId, 'Note du nouvel agent');
    // A manager watching the same ticket still hears both: the events were emitted, just not to him.
    const manager = connect(`${base}/agents`, { token: managerToken });
    await connected(manager);
    await emitAck(manager, 'ticket:watch', first.ticketId);
    const managerSees = collect(manager, 'message:created');
    await ctx.services.ingestInbound(inbound({ from: { address: '+33611110001' }, text: 'Troisième' }));
    await until(() => managerSees.length === 1, 30_000, 'the manager hears the third message');
    expect(messages.filter((m) => m.ticketId === first.ticketId)).toEqual([]);
    // And he cannot come back into the room.
    expect(await emitAck(socket, 'ticket:watch', first.ticketId)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    socket.disconnect();
    manager.disconnect();
  });

  it('ends a socket when its token expires, and at once when the agent is deactivated or changes role', async () => {
    const token = await loginAs('bruno@mairie.test');
    // Nine minutes and 55 seconds later (of ten): the socket may live five seconds more, no longer (five,
    // not one: on a busy machine the handshake alone may take a second). Listeners first, so an expiry
    // that comes while the connection settles is seen.
    offsetMs = 595_000;
    const expiring = connect(`${base}/agents`, { token });
    const expired = collect(expiring, 'session:expired');
    const gone = new Promise<string>((resolve) => expiring.once('disconnect', resolve));
    await connected(expiring);
    offsetMs = 0;
    expect(await gone).toBe('io server disconnect');
    expect(expired).toEqual([{ reason: 'token_expired' }]);

    const camille = connect(`${base}/agents`, { token: await loginAs('camille@mairie.test') });
    await connected(camille);
    const camilleGone = new Promise<string>((resolve) => camille.once('disconnect', resolve));
    expect((await call('PATCH', `/api/agents/${ids.camille}`, { body: { role: 'manager' }, token: adminToken })).status).toBe(200);
    expect(await camilleGone).toBe('io server disconnect');
    expect((await call('PATCH', `/api/agents/${ids.camille}`, { body: { role: 'agent' }, token: adminToken })).status).toBe(200);

    const again = connect(`${base}/agents`, { token: await loginAs('camille@mairie.test') });
    await connected(again);
    const againGone = new Promise<string>((resolve) => again.once('disconnect', resolve));
    expect((await call('PATCH', `/api/agents/${ids.camille}`, { body: { active: false, handoverTo: ids.bruno }, token: adminToken })).json).toMatchObject({ active: false });
    expect(await againGone).toBe('io server disconnect');
    await expect(refused(connect(`${base}/agents`, { token: await ctx.services.tokens.sign({ agentId: ids.camille, role: 'agent' }).then((t) => t.token) }))).resolves.toBeInstanceOf(Error);
    await call('PATCH', `/api/agents/${ids.camille}`, { body: { active: true }, token: adminToken });
    // An admin cannot lock themselves out.
    expect((await call('PATCH', `/api/agents/${ids.admin}`, { body: { active: false }, token: adminToken })).status).toBe(403);
    // Only an admin changes roles.
    expect((await call('PATCH', `/api/agents/${ids.bruno}`, { body: { role: 'admin' } })).status).toBe(403);
  });
});

describe('login abuse', () => {
  it('answers 429 with Retry-After after repeated failures, without locking the agent out from elsewhere', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 12; i++) {
      const res = await call('POST', '/api/auth/login', { body: { email: 'bruno@mairie.test', password: `mauvais-${i}` }, token: null });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        expect(res.json.error.code).toBe('rate_limited');
      }
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Locked from this address, even with the right password...
    expect((await call('POST', '/api/auth/login', { body: { email: 'bruno@mairie.test', password: AGENT_PASSWORD }, token: null })).status).toBe(429);
    // ...but Bruno, from his own desk, still logs in.
    await expect(ctx.services.agents.login('bruno@mairie.test', AGENT_PASSWORD, '10.1.2.3')).resolves.toMatchObject({ agent: { id: ids.bruno } });
    // And the lock ends.
    offsetMs = 16 * 60_000;
    await expect(ctx.services.agents.login('bruno@mairie.test', AGENT_PASSWORD, '127.0.0.1')).resolves.toMatchObject({ agent: { id: ids.bruno } });
    offsetMs = 0;
  });

  it('limits attempts per address across accounts', async () => {
    // The clock stands still: a slow machine must not refill the bucket between attempts.
    frozenAt = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      statuses.push((await ctx.services.agents.login(`inconnu${i}@mairie.test`, 'x'.repeat(12), '10.9.9.9').then(() => 200, (err: { code: string }) => (err.code === 'rate_limited' ? 429 : 401))));
    }
    frozenAt = null;
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429]);
  });

  it('hashes off the event loop: /health answers while a burst of logins is being checked', async () => {
    const logins = Array.from({ length: 8 }, (_, i) => ctx.services.agents.login(`absent${i}@mairie.test`, 'un-mot-de-passe', `10.8.0.${i}`).catch(() => 'refused'));
    let loginsDone = false;
    void Promise.all(logins).then(() => (loginsDone = true));
    const health = await call('GET', '/health', { token: null });
    expect(health.status).toBe(200);
    // The loop was free: /health came back before the hashing was over.
    expect(loginsDone).toBe(false);
    expect(await Promise.all(logins)).toEqual(Array(8).fill('refused'));
  });

  it('keeps verifying passwords stored by the earlier bcrypt hashing, and moves them to scrypt', async () => {
    const bcrypt = (await import('bcryptjs')).default;
    await ctx.models.agents.updateOne({ _id: ids.nadia }, { $set: { passwordHash: await bcrypt.hash(AGENT_PASSWORD, 4) } });
    await expect(ctx.services.agents.login('nadia@mairie.test', AGENT_PASSWORD, '10.7.0.1')).resolves.toBeTruthy();
    expect((await ctx.models.agents.findById(ids.nadia).lean())!.passwordHash).toMatch(/^scrypt\$/);
  });
});

describe('RGPD erasure', () => {
  it('leaves nothing of the citizen in any collection: files, portal links, chat sessions, webhook deliveries and checklists go too', async () => {
    const phone = '+33677889900';
    const email = 'jeanne.dupuis@exemple.fr';
    // A back-office endpoint that hears everything (down: its deliveries wait, one is marked sent below).
    const hook = await call('POST', '/api/integrations/webhooks', { body: { url: 'http://127.0.0.1:9/hook', events: ['*'] }, token: adminToken });
    expect(hook.status).toBe(201);
    const sms = await ctx.services.ingestInbound(inbound({ from: { address: phone, name: 'Jeanne Dupuis' }, text: 'Mon dossier de logement social numéro 4521' }));
    await ctx.services.documents.addToChecklist(new mongo.ObjectId(sms.ticketId), ['Attestation CAF de Jeanne Dupuis']);
    const fileBytes = Buffer.from('ATTESTATION-CAF-JEANNE-DUPUIS-2026');
    const file = await ctx.models.attachments.create({ content: fileBytes, contentType: 'application/pdf', filename: 'attestation-caf.pdf', size: fileBytes.length });
    await ctx.services.citizens.addIdentity({ kind: 'system' }, sms.citizenId, 'email', email);
    const mail = await ctx.services.ingestInbound(inbound({
      channel: 'email', externalId: '<erasure-1@exemple.fr>', from: { address: email, name: 'Jeanne Dupuis' }, subject: 'Logement social Jeanne',
      text: 'Voici mon attestation CAF', threadHints: { ticketId: sms.ticketId }, attachments: [{ filename: 'attestation-caf.pdf', contentType: 'application/pdf', size: fileBytes.length, ref: attachmentRef(file._id) }],
    }));
    await ctx.models.attachments.updateOne({ _id: file._id }, { $set: { ticketId: mail.ticketId } });
    const upload = await ctx.services.tickets.addAttachment({ agentId: ids.nadia, role: 'manager' }, sms.ticketId, { filename: 'reponse-jeanne.pdf', contentType: 'application/pdf', content: Buffer.from('REPONSE-POUR-JEANNE-DUPUIS') });
    const portal = (await call('POST', `/api/tickets/${sms.ticketId}/portal-links`)).json?.url as string | undefined;
    const portalPath = portal ? new URL(portal).pathname : null;
    const { session, sessionToken } = await ctx.services.chat.start({ name: 'Jeanne Dupuis' });
    const chat = await ctx.services.chat.send(session, { clientId: 'e1', text: 'Jeanne par le chat, dossier 4521' });
    await ctx.services.citizens.merge({ kind: 'system' }, sms.citizenId, chat.citizenId);
    const widget = io(`${base}/chat`, { auth: { sessionToken }, transports: ['websocket'], forceNew: true, reconnection: false });
    await connected(widget);
    const widgetGone = new Promise<string>((resolve) => widget.once('disconnect', resolve));
    expect(portalPath).toBeTruthy();
    expect((await call('GET', `/api/tickets/${sms.ticketId}/attachments/${file._id}`)).status).toBe(200);
    // Her voicemail's words, a call-back to her office number, her satisfaction comment.
    const callSid = `CA${'e'.repeat(32)}`;
    await ctx.services.voice.callReceived({ callSid, from: phone, at: new Date() });
    await ctx.services.voice.transcriptionEvent(callSid, { type: 'utterance', seq: 1, text: 'Ici Jeanne Dupuis, dossier 4521' });
    await ctx.services.callbacks.requestFromPortal((await ctx.models.tickets.findById(sms.ticketId))!, { slot: ctx.services.callbacks.slots()[0]!.slot, phone: '01 45 67 89 10' });
    await ctx.models.tickets.updateOne({ _id: sms.ticketId }, { $set: { satisfaction: { score: 4, comment: 'Merci pour Jeanne', at: new Date(), channel: 'portal' } } });

    await until(async () => (await ctx.models.integrationDeliveries.countDocuments({ ticketId: sms.ticketId, event: 'message.received' })) >= 2, 10_000, 'her messages as deliveries');
    await ctx.models.integrationDeliveries.updateOne({ ticketId: sms.ticketId, event: 'message.received' }, { $set: { status: 'delivered', deliveredAt: new Date() } });

    expect((await call('DELETE', `/api/citizens/${sms.citizenId}`)).status).toBe(200);

    // Downstream systems are told, by ids and references only, so they erase too.
    const told = await ctx.models.integrationDeliveries.findOne({ event: 'citizen.erased' }).lean();
    expect(JSON.parse(told!.body).data).toEqual({ citizenId: sms.citizenId, references: expect.arrayContaining([sms.reference]) });
    expect(await ctx.models.integrationDeliveries.countDocuments({ ticketId: sms.ticketId, status: 'delivered' })).toBe(0);
    expect((await ctx.models.tickets.findById(sms.ticketId).lean())!.documents!.map((d) => d.label)).toEqual([ERASED_TEXT]);

    expect((await call('GET', `/api/tickets/${sms.ticketId}/attachments/${file._id}`)).status).toBe(404);
    expect((await call('GET', `/api/tickets/${sms.ticketId}/attachments/${upload.id}`)).status).toBe(404);
    expect((await call('GET', `/api${portalPath}`, { token: null })).status).toBe(404);
    expect((await call('POST', `/api${portalPath}/messages`, { body: { text: 'encore moi' }, token: null })).status).toBe(404);
    expect(await widgetGone).toBe('io server disconnect');
    await expect(ctx.services.chat.resume(sessionToken)).rejects.toMatchObject({ key: 'chat.unknown_session' });

    // Every collection, every field: none of her identities, name, texts or files.
    const everything: string[] = [];
    for (const { name } of await ctx.store.conn.db!.listCollections().toArray()) {
      for (const doc of await ctx.store.conn.db!.collection(name).find().toArray()) everything.push(`${name}: ${mongo.BSON.EJSON.stringify(doc)}`);
    }
    const dump = everything.join('\n');
    for (const secret of [phone, phone.slice(1), email, 'Jeanne', 'Dupuis', '4521', '+33145678910', '145678910', 'attestation CAF', 'Logement social', fileBytes.toString('base64'), Buffer.from('REPONSE-POUR-JEANNE-DUPUIS').toString('base64')]) {
      expect(dump, `"${secret}" is still stored`).not.toContain(secret);
    }
    // The statistics hold: the tickets are there, without content.
    expect(await ctx.models.tickets.countDocuments({ _id: { $in: [sms.ticketId, chat.ticketId] } })).toBe(2);
    expect((await ctx.models.tickets.findById(sms.ticketId).lean())!.satisfaction).toMatchObject({ score: 4, comment: null });

    // She writes again: a new, unrelated citizen.
    const later = await ctx.services.ingestInbound(inbound({ from: { address: phone }, text: 'Bonjour à nouveau' }));
    expect(later.citizenId).not.toBe(sms.citizenId);
    expect(later.ticketId).not.toBe(sms.ticketId);
  });
});

describe('portal tokens', () => {
  it('exist only in what is sent: the stored acknowledgement holds a redacted link, and reading a canned answer mints nothing', async () => {
    const { session } = await ctx.services.chat.start({});
    const first = await ctx.services.chat.send(session, { clientId: 'p1', text: 'Bonjour' });
    const ack = await ctx.models.messages.findOne({ ticketId: first.ticketId, kind: 'acknowledgement' });
    expect(ack!.text).toContain(`/portal/${'*'.repeat(32)}`);
    const links = await ctx.models.portalLinks.countDocuments();
    const answer = await ctx.services.cannedAnswers.create({ kind: 'system' }, { title: 'Suivi', body: 'Suivez votre demande ici : {{portal.link}}' });
    const plain = await ctx.services.cannedAnswers.create({ kind: 'system' }, { title: 'Merci', body: 'Merci de votre message.' });
    for (const id of [answer.id, plain.id, answer.id]) expect((await call('GET', `/api/tickets/${first.ticketId}/canned-answers/${id}`)).status).toBe(200);
    expect(await ctx.models.portalLinks.countDocuments()).toBe(links);

    // What the citizen gets carries a working link, the same on every (re)send.
    const sent = (await ctx.services.outbox.toOutbound(ack!)).text;
    const again = (await ctx.services.outbox.toOutbound(ack!)).text;
    expect(again).toBe(sent);
    const path = new URL(/(https?:\/\/\S+\/portal\/[\w-]{32})/.exec(sent)![1]!).pathname;
    expect((await call('GET', `/api${path}`, { token: null })).json).toMatchObject({ reference: first.reference });
    expect(await ctx.models.portalLinks.countDocuments()).toBe(links + 1);
    // The widget shows the citizen their own link, never the redacted one.
    const history = await ctx.services.chat.history(session);
    expect(history.find((m) => m.id === String(ack!._id))!.text).toContain(path);
  });
});

describe('client faults answer 400, never 500', () => {
  it('refuses a multipart upload without boundary, cut short, or with extra fields', async () => {
    const { ticketId } = await ctx.services.ingestInbound(inbound({ channel: 'email', externalId: '<up-1@x.fr>', from: { address: 'up@exemple.fr' } }));
    const noBoundary = await call('POST', `/api/tickets/${ticketId}/attachments`, { raw: 'abc', type: 'multipart/form-data' });
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.json.error.code).toBe('invalid');
    const cut = await call('POST', `/api/tickets/${ticketId}/attachments`, { raw: '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 pas fini', type: 'multipart/form-data; boundary=XyZ' });
    expect(cut.status).toBe(400);
    const field = await call('POST', `/api/tickets/${ticketId}/attachments`, { raw: '--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nbonjour\r\n--XyZ--\r\n', type: 'multipart/form-data; boundary=XyZ' });
    expect(field.status).toBe(400);
  });

  it('refuses an inbox cursor with a bad date or an operator inside', async () => {
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [cursor(['pas-une-date', 'a'.repeat(24)]), cursor([{ $gt: '' }, 'a'.repeat(24)]), cursor([null, { $ne: null }]), cursor({ due: 1 }), 'n0t-base64-json']) {
      const res = await call('GET', `/api/tickets?scope=all&cursor=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.json.error.code).toBe('invalid');
    }
  });
});

describe('chat limits', () => {
  it('refuses a page whose origin is not allowed, on WebSocket and polling alike, and logs one line', async () => {
    for (const transport of ['websocket', 'polling'] as const) {
      const mark = logs.lines.length;
      const socket = io(`${base}/chat`, { transports: [transport], forceNew: true, reconnection: false, extraHeaders: { origin: 'https://pirate.example' } });
      const err = (await refused(socket)) as Error & { data?: { code: string } };
      expect(err.data?.code, transport).toBe('origin_refused');
      expect(logs.lines.slice(mark).filter((l) => l.msg === 'chat refused: origin not in CHAT_ORIGINS')).toHaveLength(1);
      socket.close();
    }
    // The service's own pages (same host) are welcome.
    const own = io(`${base}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { origin: base } });
    await connected(own);
    own.close();
  });

  it('limits new sessions per address', async () => {
    const socket = connect(`${base}/chat`, {});
    await connected(socket);
    const answers: boolean[] = [];
    for (let i = 0; i < 8; i++) answers.push((await emitAck<{ ok: boolean }>(socket, 'chat:start', { name: `n${i}` })).ok);
    expect(answers.filter(Boolean).length).toBeLessThan(8);
    expect(answers.at(-1)).toBe(false);
    socket.close();
  });

  it('expires an idle session: resuming it is refused with session_expired', async () => {
    const { sessionToken } = await ctx.services.chat.start({ name: 'Paul' });
    offsetMs = 3 * 3_600_000;
    const socket = io(`${base}/chat`, { auth: { sessionToken }, transports: ['websocket'], forceNew: true, reconnection: false });
    const err = (await refused(socket)) as Error & { data?: { code: string } };
    offsetMs = 0;
    expect(err.data?.code).toBe('session_expired');
    socket.close();
  });
});

describe('smaller holes', () => {
  it('refuses a token without expiry', async () => {
    const token = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject(ids.admin).setIssuer('gru-contact-center').setIssuedAt().sign(new TextEncoder().encode(TEST_SECRET));
    expect((await call('GET', '/api/me', { token })).status).toBe(401);
  });

  it('keeps a caller x-request-id only when short and plain', async () => {
    expect((await call('GET', '/health', { headers: { 'x-request-id': 'abc-123' } })).headers.get('x-request-id')).toBe('abc-123');
    for (const bad of ['x'.repeat(65), 'a b', 'a\u00e9']) {
      expect((await call('GET', '/health', { headers: { 'x-request-id': encodeURIComponent(bad) === bad ? bad : 'a%20b' } })).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('never logs a portal token, even typed with a double slash', async () => {
    const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    const mark = logs.lines.length;
    const res = await call('GET', `//api/portal/${token}`, { token: null });
    expect(res.text).not.toContain(token);
    expect(JSON.stringify(logs.lines.slice(mark))).not.toContain(token);
  });

  it('refuses arrays and objects where the login expects strings', async () => {
    for (const body of [{ email: ['admin@mairie.test'], password: [AGENT_PASSWORD] }, { email: 'admin@mairie.test', password: [AGENT_PASSWORD] }, { email: 'admin@mairie.test', password: { $ne: '' } }]) {
      expect((await call('POST', '/api/auth/login', { body, token: null })).status).toBe(400);
    }
  });
});
