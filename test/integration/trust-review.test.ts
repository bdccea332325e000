// The third security review, tried as an attacker would against one running instance: a ZIP bomb through
// the portal, toll fraud through call-backs, the system API reading the conversation, webhooks aimed at the
// server itself, client faults answered 500, a portal that reads a whole upload before checking its link,
// and the smaller holes (chat origin from the Host header, direction overrides in names, colleagues'
// emails, current-password guesses, the sandbox's box after an erasure).
import { createServer, type Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { addTeam, AGENT_PASSWORD, inbound, testApp } from '../helpers/context.js';
import { request } from '../helpers/http.js';
import { refused, until } from '../helpers/sockets.js';
import { startTwilioPeer, twilioEnv } from '../helpers/twilioPeer.js';
import { pdf, zipBomb } from '../fixtures/documents.js';

let ctx: Awaited<ReturnType<typeof testApp>>;
let peer: Awaited<ReturnType<typeof startTwilioPeer>>;
let base: string;
let ids: { camille: string; nadia: string; admin: string };
const tokens: Record<'camille' | 'nadia' | 'admin', string> = { camille: '', nadia: '', admin: '' };

beforeAll(async () => {
  peer = await startTwilioPeer();
  ctx = await testApp({
    env: {
      ...twilioEnv({ accountSid: `AC${'7'.repeat(32)}`, authToken: 'review-token', number: '+33900000007' }, peer.url),
      // Webhooks here get no allowed network: loopback is refused like any internal address.
      WEBHOOK_ALLOWED_NETWORKS: '', PORTAL_MAX_FILE_BYTES: String(10 * 1024 * 1024), OPENING_HOURS: 'mon-sun 00:00-24:00', SANDBOX: 'true',
    },
  });
  base = await ctx.listen();
  ctx.startJobs();
  const [camille, nadia, admin] = await addTeam(ctx, [
    { name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' },
    { name: 'Nadia Lefèvre', email: 'nadia@mairie.test', role: 'manager' },
    { name: 'Alice Admin', email: 'admin@mairie.test', role: 'admin' },
  ]);
  ids = { camille: camille!, nadia: nadia!, admin: admin! };
  for (const who of ['camille', 'nadia', 'admin'] as const) tokens[who] = (await ctx.services.agents.login(`${who}@mairie.test`, AGENT_PASSWORD)).token;
});
afterAll(async () => {
  await ctx?.close();
  await peer?.close();
});

async function call(method: string, path: string, options: { body?: unknown; raw?: string; type?: string; as?: keyof typeof tokens | null } = {}) {
  const headers: Record<string, string> = {};
  if (options.as !== null) headers.authorization = `Bearer ${tokens[options.as ?? 'nadia']}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.type) headers['content-type'] = options.type;
  return request(base, method, path, { headers, body: options.body !== undefined ? JSON.stringify(options.body) : options.raw });
}
/** A new citizen's request by SMS, and its portal path. */
async function smsRequest(phone: string, text = 'Bonjour') {
  const first = await ctx.services.ingestInbound(inbound({ from: { address: phone }, text }));
  const url = await ctx.services.portal.createLink((await ctx.models.tickets.findById(first.ticketId))!);
  return { ...first, portal: `/api/portal/${url.split('/').pop()!}` };
}
const upload = (portal: string, files: [string, Buffer][]) => {
  const form = new FormData();
  for (const [name, content] of files) form.append('files', new Blob([new Uint8Array(content)]), name);
  return fetch(`${base}${portal}/messages`, { method: 'POST', body: form });
};

describe('uploads are typed from their first bytes', () => {
  it('refuses a ZIP bomb dressed as an office file at once, without inflating it', async () => {
    const { portal } = await smsRequest('+33611220001');
    const bomb = await zipBomb(400); // ~400 KB inflating to 400 MiB
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage().rss;
    const res = await upload(portal, [['dossier.docx', bomb]]);
    const grown = process.memoryUsage().rss - before;
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe('Le fichier « dossier.docx » n’est ni un PDF ni une photo (JPEG, PNG, HEIC).');
    // Inflating it would take 400 MiB at least; reading its signature takes nothing.
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('answers 400, never 500, to malformed ZIPs from the portal and the system API', async () => {
    const { portal, reference } = await smsRequest('+33611220002');
    for (const zip of [await zipBomb(1, { broken: true }), await zipBomb(1, { method: 99 })]) {
      expect((await upload(portal, [['archive.zip', zip]])).status).toBe(400);
    }
    const key = (await call('POST', '/api/integrations/keys', { as: 'admin', body: { name: 'GED', scopes: ['tickets:update'] } })).json.key as string;
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(await zipBomb(1, { method: 99 }))]), 'scan.zip');
    const res = await fetch(`${base}/api/system/tickets/${reference}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
    expect(res.status).toBe(400);
  });

  it('keeps no direction override in a file name or a citizen name', async () => {
    const { portal, ticketId } = await smsRequest('+33611220003');
    expect((await upload(portal, [['facture\u202Efdp.exe', pdf()]])).status).toBe(201);
    const stored = await ctx.models.attachments.findOne({ ticketId }).lean();
    expect(stored!.filename).toBe('facturefdp.pdf');
    const { session } = await ctx.services.chat.start({ name: 'Jeanne\u202E\u2066 Martin' });
    const chat = await ctx.services.chat.send(session, { clientId: 'b1', text: 'Bonjour' });
    expect((await ctx.models.citizens.findById(chat.citizenId).lean())!.name).toBe('Jeanne Martin');
  });
});

describe('call-backs go only where a city hall would call', () => {
  it('refuses premium, shared-cost, satellite and foreign numbers from the portal, in French', async () => {
    const { portal } = await smsRequest('+33611220004');
    const slot = ctx.services.callbacks.slots()[0]!.slot;
    for (const phone of ['+33 8 99 12 34 56', '0899123456', '0810 12 34 56', '+1 900 555 0123', '+88216 1234 5678', '+675 7012 3456', '+44 7911 123456']) {
      const res = await call('POST', `${portal}/callback`, { as: null, body: { slot, phone } });
      expect({ phone, status: res.status }).toEqual({ phone, status: 400 });
      expect(res.json.error.message).toContain('pas de numéro surtaxé');
    }
    for (const phone of ['01 45 67 89 10', '+33 6 98 76 54 32']) expect((await call('POST', `${portal}/callback`, { as: null, body: { slot, phone } })).status).toBe(201);
  });

  it('checks the number again before « Rappeler » dials it', async () => {
    const { ticketId } = await smsRequest('+33611220005');
    await ctx.services.agents.update({ kind: 'system' }, ids.camille, { phone: '06 12 00 00 01' });
    await ctx.models.tickets.updateOne({ _id: ticketId }, { $set: { assigneeId: ids.camille, callback: { slot: '2026-12-08:am', phone: '+33899123456', state: 'requested' } } });
    const before = peer.calls.length;
    const res = await call('POST', `/api/tickets/${ticketId}/call`, { as: 'camille' });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('ne peut pas être appelé');
    expect(peer.calls.length).toBe(before);
    // The citizen's own number is called.
    await ctx.models.tickets.updateOne({ _id: ticketId }, { $set: { callback: null } });
    expect((await call('POST', `/api/tickets/${ticketId}/call`, { as: 'camille' })).status).toBe(201);
    expect(peer.calls.length).toBe(before + 1);
  });
});

describe('the system API', () => {
  it('gives references, statuses, dates and category, never the citizen’s words', async () => {
    const sms = await smsRequest('+33611220006', 'Mon fils Théo est malade, dossier cantine 7788');
    const mail = await ctx.services.ingestInbound(inbound({ channel: 'email', externalId: '<review-1@exemple.fr>', from: { address: 'theo.parent@exemple.fr' }, subject: 'Allergie de Théo', text: 'Théo est allergique' }));
    const key = (await call('POST', '/api/integrations/keys', { as: 'admin', body: { name: 'ERP', scopes: ['tickets:read'] } })).json.key as string;
    for (const reference of [sms.reference, mail.reference]) {
      const res = await fetch(`${base}/api/system/tickets/${reference}`, { headers: { authorization: `Bearer ${key}` } });
      const body = await res.json();
      expect(res.status).toBe(200);
      expect(body).not.toHaveProperty('subject');
      expect(body).toMatchObject({ reference, status: 'new', category: null });
      expect(JSON.stringify(body)).not.toMatch(/Théo|7788|malade|Allergie/);
    }
  });
});

describe('webhook targets', () => {
  it('refuses loopback, link-local, metadata and internal addresses when a webhook is saved', async () => {
    for (const url of ['http://127.0.0.1:9/x', 'http://[::1]/x', 'http://0x7f000001/x', 'http://2130706433/x', 'http://169.254.169.254/latest/meta-data', 'http://localhost:27017/', 'http://10.1.2.3/hook', 'http://[::ffff:127.0.0.1]/x', 'http://user:pw@93.184.215.14/x']) {
      const res = await call('POST', '/api/integrations/webhooks', { as: 'admin', body: { url, events: ['*'] } });
      expect({ url, status: res.status, code: res.json.error?.code }).toEqual({ url, status: 400, code: 'invalid' });
      expect(res.json.error.message).toContain('n’est pas autorisée');
    }
    expect((await call('POST', '/api/integrations/webhooks', { as: 'admin', body: { url: 'https://93.184.215.14/hook', events: ['ticket.created'] } })).status).toBe(201);
  });

  it('checks again after name resolution at send time, and shows the admin « injoignable », not the socket error', async () => {
    let received = 0;
    const server: Server = createServer((req, res) => {
      received += 1;
      res.writeHead(403).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const created = (await call('POST', '/api/integrations/webhooks', { as: 'admin', body: { url: 'http://93.184.215.15/hook', events: ['ticket.created'] } })).json;
    // What the name stands for changed since (a DNS rebinding, or a URL stored before this rule).
    await ctx.models.integrationEndpoints.updateOne({ _id: created.id }, { $set: { url: `http://localhost:${port}/hook` } });
    await ctx.services.ingestInbound(inbound({ from: { address: '+33611220007' }, text: 'Bonjour' }));
    await until(async () => !!(await ctx.models.integrationEndpoints.findById(created.id).lean())!.lastError, 30_000, 'the failure recorded');
    const listed = (await call('GET', '/api/integrations/webhooks', { as: 'admin' })).json.items.find((w: { id: string }) => w.id === created.id);
    expect(listed.lastError).toBe('injoignable');
    expect(received).toBe(0);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('client faults and the portal’s order of checks', () => {
  it('answers a portal message with no body 400 and with text/plain 415; a team renamed onto another’s name 409', async () => {
    const { portal } = await smsRequest('+33611220008');
    expect((await call('POST', `${portal}/messages`, { as: null })).status).toBe(400);
    expect((await call('POST', `${portal}/messages`, { as: null, raw: 'bonjour', type: 'text/plain' })).status).toBe(415);
    await call('POST', '/api/teams', { as: 'admin', body: { name: 'État civil' } });
    const other = (await call('POST', '/api/teams', { as: 'admin', body: { name: 'Urbanisme' } })).json;
    const renamed = await call('PATCH', `/api/teams/${other.id}`, { as: 'admin', body: { name: 'État civil' } });
    expect({ status: renamed.status, code: renamed.json.error?.code }).toEqual({ status: 409, code: 'conflict' });
  });

  it('answers a wrong link before reading the files sent with it', async () => {
    const boundary = 'review-boundary';
    const answer = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/api/portal/${'x'.repeat(32)}/messages`, {
        method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(50 * 1024 * 1024) },
      }, (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', (err) => (err.message.includes('socket hang up') ? undefined : reject(err)));
      // The first part only: a server that waited for the whole 50 MB would never answer.
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 ${'x'.repeat(64 * 1024)}`);
    });
    expect(answer).toBe(404);
  });
});

describe('smaller holes', () => {
  it('refuses a chat page whose Host header was written to match its own origin', async () => {
    const socket = io(`${base}/chat`, { transports: ['polling'], forceNew: true, reconnection: false, extraHeaders: { origin: 'http://rebind.example', host: 'rebind.example' } });
    const err = (await refused(socket)) as Error & { data?: { code?: string } };
    expect(err.data?.code).toBe('origin_refused');
    socket.close();
  });

  it('gives agents their colleagues’ names, teams and availability, and managers their emails and phones too', async () => {
    const asAgent = (await call('GET', '/api/agents', { as: 'camille' })).json.items;
    expect(asAgent.length).toBeGreaterThan(1);
    for (const agent of asAgent) {
      expect(agent).not.toHaveProperty('email');
      expect(agent).not.toHaveProperty('phone');
      expect(agent).toMatchObject({ name: expect.any(String), availability: expect.any(String) });
    }
    expect((await call('GET', '/api/agents', { as: 'nadia' })).json.items.every((a: { email?: string }) => a.email?.endsWith('@mairie.test'))).toBe(true);
  });

  it('limits guesses of the current password like logins (429 with Retry-After)', async () => {
    const login = await ctx.services.agents.create({ kind: 'system' }, { name: 'Guess Test', email: 'guess@mairie.test', password: AGENT_PASSWORD, role: 'agent' });
    const token = (await ctx.services.agents.login('guess@mairie.test', AGENT_PASSWORD)).token;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await request(base, 'POST', `/api/agents/${login.id}/password`, {
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ password: 'nouveau-mot-de-passe', currentPassword: `faux-${i}` }),
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses[0]).toBe(401);
    expect(statuses.at(-1)).toBe(429);
  });

  it('clears what the sandbox sent to a citizen when they are erased', async () => {
    const email = 'sandbox.citizen@exemple.fr';
    const mail = await ctx.services.ingestInbound(inbound({ channel: 'email', externalId: '<sandbox-erase@exemple.fr>', from: { address: email }, subject: 'Carte grise', text: 'Bonjour' }));
    const sent = async () => ((await call('GET', '/api/sandbox/outbox', { as: 'camille' })).json.items as { to: string }[]).filter((d) => d.to === email).length;
    await until(async () => (await sent()) > 0, 30_000, 'the acknowledgement in the sandbox');
    expect((await call('DELETE', `/api/citizens/${mail.citizenId}`)).status).toBe(200);
    expect(await sent()).toBe(0);
  });
});
