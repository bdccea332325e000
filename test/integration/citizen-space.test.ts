// « Mon espace » over real HTTP: a code sent by SMS (the real twilio SDK, the loopback Twilio peer) to
// an address we know and nobody learns whether an address is known; wrong, expired and exhausted codes;
// limits; the cookie's flags and the session's lifetime; the citizen's requests (another citizen's
// refused), a message, a new request beside an open one; a cross-site POST refused; the readable
// export (the managers' too) and the erasure request.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addTeam, inbound, testApp } from '../helpers/context.js';
import { until } from '../helpers/sockets.js';
import { startTwilioPeer, twilioEnv } from '../helpers/twilioPeer.js';

vi.setConfig({ testTimeout: 90_000 });
let peer: Awaited<ReturnType<typeof startTwilioPeer>>;
let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
// The service's clock, moved forward only (rate limits count on it).
let offset = 0;
const now = () => new Date(Date.now() + offset);

beforeAll(async () => {
  peer = await startTwilioPeer();
  ctx = await testApp({ now, env: { ...twilioEnv({ accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'twilio-test-auth-token-0123456789abcdef', number: '+33159000000' }, peer.url), OPENING_HOURS: 'mon-sun 00:00-24:00' } });
  base = await ctx.listen();
  ctx.startJobs();
  await addTeam(ctx, [
    { name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' },
    { name: 'Nadia Lefèvre', email: 'nadia@mairie.test', role: 'manager' },
  ]);
});
afterAll(async () => {
  await ctx?.close();
  await peer?.close();
});

/** A browser of the space: same origin, its cookie kept. */
function citizenBrowser() {
  let cookie = '';
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      redirect: 'manual',
      headers: { origin: base, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('gru_citizen='));
    if (set) cookie = /Max-Age=0|Expires=Thu, 01 Jan 1970/.test(set) ? '' : set.split(';')[0]!;
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, json, text, headers: res.headers, setCookie: set };
  };
  return { call, cookie: () => cookie };
}

/** The code as the citizen reads it in the last SMS the peer received for that number. */
async function codeSentTo(phone: string, after = 0): Promise<string> {
  let body = '';
  await until(() => {
    body = peer.messages.filter((m) => m.to === phone && /votre espace/.test(m.body)).slice(after).at(-1)?.body ?? '';
    return !!body;
  }, 30_000, `the code SMS to ${phone}`);
  return /(\d{6})/.exec(body)![1]!;
}
const codesTo = (phone: string) => peer.messages.filter((m) => m.to === phone && /votre espace/.test(m.body)).length;

async function signedIn(phone: string) {
  const browser = citizenBrowser();
  const before = codesTo(phone);
  expect((await browser.call('POST', '/api/citizen/session/code', { address: phone })).status).toBe(202);
  const code = await codeSentTo(phone, before);
  const opened = await browser.call('POST', '/api/citizen/session', { address: phone, code });
  expect(opened.status).toBe(200);
  return browser;
}

describe('entering the space', () => {
  it('sends a code to a known number and answers every address the same', async () => {
    const known = await ctx.services.ingestInbound(inbound({ from: { address: '+33620000301', name: 'Léa Moreau' }, text: 'Renouvellement de passeport' }));
    const browser = citizenBrowser();
    const forKnown = await browser.call('POST', '/api/citizen/session/code', { address: '06 20 00 03 01' });
    const forUnknown = await browser.call('POST', '/api/citizen/session/code', { address: 'personne@example.fr' });
    const forUnknownPhone = await browser.call('POST', '/api/citizen/session/code', { address: '+33620000399' });
    expect(forKnown.status).toBe(202);
    expect([forUnknown.status, forUnknownPhone.status]).toEqual([202, 202]);
    expect(forUnknown.json).toEqual(forKnown.json);
    expect(forKnown.json.message).toMatch(/^Si cette adresse est connue/);
    const code = await codeSentTo('+33620000301');
    expect(peer.messages.some((m) => m.to === '+33620000399')).toBe(false);
    // Never stored in clear: the message holds a placeholder, and no record holds the code.
    const stored = await ctx.models.messages.findOne({ kind: 'verification', toAddress: '+33620000301' }).lean();
    expect(stored!.text).toContain('######');
    expect(String(stored!.ticketId)).toBe(known.ticketId);
    expect(JSON.stringify(await ctx.models.signInCodes.find({}).lean())).not.toContain(code);
    expect((await browser.call('POST', '/api/citizen/session/code', { address: 'pas une adresse' })).status).toBe(400);

    const wrong = await browser.call('POST', '/api/citizen/session', { address: '0620000301', code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.message).toBe('Ce code n’est pas valide ou a expiré : vérifiez-le, ou demandez-en un nouveau.');
    // An unknown address gets the very same refusal.
    const unknown = await browser.call('POST', '/api/citizen/session', { address: 'personne@example.fr', code: '123456' });
    expect(unknown.json).toEqual(wrong.json);

    const opened = await browser.call('POST', '/api/citizen/session', { address: '+33 6 20 00 03 01', code });
    expect(opened.status).toBe(200);
    expect(opened.json).toMatchObject({ method: 'code', linked: true, name: 'Léa Moreau' });
    const flags = opened.setCookie!.split(';').map((f) => f.trim().toLowerCase());
    expect(flags).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/api/citizen', 'max-age=1800']));
    expect(flags).not.toContain('secure'); // plain http here; https below
    // Used once.
    expect((await citizenBrowser().call('POST', '/api/citizen/session', { address: '+33620000301', code })).status).toBe(400);
  });

  it('kills a code after five wrong tries, and after ten minutes', async () => {
    await ctx.services.ingestInbound(inbound({ from: { address: '+33620000302' }, text: 'Inscription à la cantine' }));
    const browser = citizenBrowser();
    await browser.call('POST', '/api/citizen/session/code', { address: '+33620000302' });
    const code = await codeSentTo('+33620000302');
    const other = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await browser.call('POST', '/api/citizen/session', { address: '+33620000302', code: other })).status).toBe(400);
    expect((await browser.call('POST', '/api/citizen/session', { address: '+33620000302', code })).status).toBe(400);
    expect(await ctx.models.auditEvents.countDocuments({ action: 'space.code_wrong' })).toBeGreaterThanOrEqual(5);

    await browser.call('POST', '/api/citizen/session/code', { address: '+33620000302' });
    const fresh = await codeSentTo('+33620000302', 1);
    offset += 11 * 60_000;
    expect((await browser.call('POST', '/api/citizen/session', { address: '+33620000302', code: fresh })).status).toBe(400);
  });

  it('limits the codes sent to one address', async () => {
    await ctx.services.ingestInbound(inbound({ from: { address: '+33620000303' }, text: 'Question' }));
    const browser = citizenBrowser();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await browser.call('POST', '/api/citizen/session/code', { address: '+33620000303' })).status);
    expect(answers).toEqual([202, 202, 202, 429]);
  });

  it('ends a session after 30 minutes unused, after 8 hours in all, and on sign-out', async () => {
    await ctx.services.ingestInbound(inbound({ from: { address: '+33620000304' }, text: 'Permis de construire' }));
    const browser = await signedIn('+33620000304');
    let start = offset;
    // Used every 25 minutes, it lives on: each answer renews the cookie for 30 minutes.
    for (const minutes of [25, 50, 75]) {
      offset = start + minutes * 60_000;
      const seen = await browser.call('GET', '/api/citizen/requests');
      expect(seen.status).toBe(200);
      expect(seen.setCookie).toMatch(/Max-Age=1800/);
    }
    offset = start + 106 * 60_000;
    expect((await browser.call('GET', '/api/citizen/requests')).status).toBe(401);

    const longer = await signedIn('+33620000304');
    start = offset;
    for (let minutes = 25; minutes < 8 * 60; minutes += 25) {
      offset = start + minutes * 60_000;
      expect((await longer.call('GET', '/api/citizen/session')).status).toBe(200);
    }
    offset = start + (8 * 60 + 1) * 60_000;
    expect((await longer.call('GET', '/api/citizen/session')).status).toBe(401);

    const third = await signedIn('+33620000304');
    const out = await third.call('DELETE', '/api/citizen/session');
    expect(out.status).toBe(200);
    expect(out.setCookie).toMatch(/gru_citizen=;/);
    expect(third.cookie()).toBe('');
    expect((await citizenBrowser().call('GET', '/api/citizen/requests')).status).toBe(401);
  });

  it('sets the cookie Secure when the public address is https', async () => {
    const https = await testApp({ env: { ...twilioEnv({ accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'twilio-test-auth-token-0123456789abcdef', number: '+33159000000' }, peer.url), PUBLIC_BASE_URL: 'https://mairie.example' } });
    try {
      https.startJobs();
      await https.services.ingestInbound(inbound({ from: { address: '+33620000305' }, text: 'Bonjour' }));
      const before = codesTo('+33620000305');
      const sent = await https.app.inject({ method: 'POST', url: '/api/citizen/session/code', headers: { origin: 'https://mairie.example' }, payload: { address: '+33620000305' } });
      expect(sent.statusCode).toBe(202);
      const code = await codeSentTo('+33620000305', before);
      const opened = await https.app.inject({ method: 'POST', url: '/api/citizen/session', headers: { origin: 'https://mairie.example' }, payload: { address: '+33620000305', code } });
      expect(opened.statusCode).toBe(200);
      expect(String(opened.headers['set-cookie'])).toMatch(/; Secure/);
    } finally {
      await https.close();
    }
  });
});

describe('the citizen’s requests', () => {
  it('lists them, shows one, refuses another citizen’s, takes a message and a new request', async () => {
    const first = await ctx.services.ingestInbound(inbound({ from: { address: '+33620000310', name: 'Hugo Petit' }, text: 'Demande de passeport' }));
    const other = await ctx.services.ingestInbound(inbound({ from: { address: '+33620000311' }, text: 'Autre personne' }));
    const browser = await signedIn('+33620000310');
    const list = await browser.call('GET', '/api/citizen/requests');
    expect(list.json.requests).toEqual([
      expect.objectContaining({ reference: first.reference, status: 'new', subject: 'Demande de passeport', channel: 'sms', agentFirstName: 'Camille', dueAt: expect.any(String) }),
    ]);
    const detail = await browser.call('GET', `/api/citizen/requests/${first.reference}`);
    expect(detail.status).toBe(200);
    expect(detail.json).toMatchObject({ reference: first.reference, agentFirstName: 'Camille' });
    expect(detail.json.messages[0]).toMatchObject({ direction: 'in', text: 'Demande de passeport' });
    // The acknowledgement shows with the citizen's own portal link, not the stored placeholder.
    const ack = detail.json.messages.find((m: { direction: string; text: string }) => m.direction === 'out' && m.text.includes('/portal/'));
    expect(ack.text).toMatch(/\/portal\/[\w-]{32}/);
    expect(ack.text).not.toContain('*****');
    const theirs = await browser.call('GET', `/api/citizen/requests/${other.reference}`);
    expect(theirs.status).toBe(404);
    expect((await browser.call('POST', `/api/citizen/requests/${other.reference}/messages`, { text: 'intrus' })).status).toBe(404);

    const written = await browser.call('POST', `/api/citizen/requests/${first.reference}/messages`, { text: 'Voici mon numéro de dossier : 42', clientId: 'm1' });
    expect(written.status).toBe(201);
    expect(written.json.reference).toBe(first.reference);
    await browser.call('POST', `/api/citizen/requests/${first.reference}/messages`, { text: 'Voici mon numéro de dossier : 42', clientId: 'm1' });
    expect(await ctx.models.messages.countDocuments({ ticketId: first.ticketId, text: 'Voici mon numéro de dossier : 42' })).toBe(1);

    // A new request beside the open one: a thread of its own, routed by the category chosen.
    await ctx.services.automation.update({ kind: 'system' }, { categoryRules: [{ keywords: ['cantine'], category: 'Scolarité', teamId: null }] });
    const opened = await browser.call('POST', '/api/citizen/requests', { text: 'Mon fils ne peut pas manger de porc', category: 'Scolarité', clientId: 'n1' });
    expect(opened.status).toBe(201);
    expect(opened.json.reference).not.toBe(first.reference);
    const created = (await ctx.models.tickets.findOne({ reference: opened.json.reference }).lean())!;
    expect(created).toMatchObject({ category: 'Scolarité', status: 'new', channel: 'portal' });
    expect(String(created.citizenId)).toBe(first.citizenId);
    expect((await ctx.models.tickets.findById(first.ticketId).lean())!.status).not.toBe('closed');
    const after = await browser.call('GET', '/api/citizen/requests');
    expect(after.json.requests.map((r: { reference: string }) => r.reference).sort()).toEqual([first.reference, opened.json.reference].sort());
    const session = await browser.call('GET', '/api/citizen/session');
    expect(session.json.categories).toEqual(['Scolarité']);
    // Acknowledged at once on the citizen's channel, with the new reference.
    await until(() => peer.messages.some((m) => m.to === '+33620000310' && m.body.includes(opened.json.reference)), 30_000, 'the new request’s acknowledgement');
  });

  it('refuses cross-site requests', async () => {
    const mine = await ctx.services.ingestInbound(inbound({ from: { address: '+33620000320' }, text: 'Bonjour' }));
    const browser = await signedIn('+33620000320');
    const forged = await browser.call('POST', `/api/citizen/requests/${mine.reference}/messages`, { text: 'forgé' }, { origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    expect(forged.json.error.message).toBe('Requête refusée : elle ne vient pas de l’espace usager.');
    const noOrigin = await browser.call('POST', '/api/citizen/erasure-request', undefined, { origin: '', 'sec-fetch-site': 'cross-site' });
    expect(noOrigin.status).toBe(403);
    expect((await browser.call('POST', '/api/citizen/session/code', { address: '+33620000320' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect(await ctx.models.messages.countDocuments({ text: 'forgé' })).toBe(0);
    expect((await ctx.models.citizens.findById(mine.citizenId).lean())!.erasureRequest ?? null).toBeNull();
  });
});

describe('the citizen’s own data', () => {
  it('gives a readable export (the managers’ too), JSON for machines, and records an erasure request', async () => {
    const r = await ctx.services.ingestInbound(inbound({ from: { address: '+33620000330', name: 'Inès Garnier' }, text: 'Mon adresse est 3 rue des Lilas' }));
    const browser = await signedIn('+33620000330');
    const page = await browser.call('GET', '/api/citizen/export');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.text).toContain('<html lang="fr">');
    expect(page.text).toContain('Vos données auprès de');
    expect(page.text).toContain('Inès Garnier');
    expect(page.text).toContain('+33620000330');
    expect(page.text).toContain(`Demande ${r.reference}`);
    expect(page.text).toContain('Mon adresse est 3 rue des Lilas');
    const json = await browser.call('GET', '/api/citizen/export?format=json');
    expect(json.json.citizen).toMatchObject({ name: 'Inès Garnier', identities: [{ kind: 'phone', value: '+33620000330', smsRefused: false }] });
    expect(json.json.requests[0]).toMatchObject({ reference: r.reference, messages: expect.arrayContaining([expect.objectContaining({ direction: 'in', text: 'Mon adresse est 3 rue des Lilas' })]) });

    const manager = await ctx.services.agents.login('nadia@mairie.test', 'password-123');
    const theirs = await fetch(`${base}/api/citizens/${r.citizenId}/export`, { headers: { authorization: `Bearer ${manager.token}` } });
    expect(theirs.headers.get('content-type')).toMatch(/^text\/html/);
    const managerText = await theirs.text();
    expect(managerText).toContain('Mon adresse est 3 rue des Lilas');
    expect(managerText.replace(/Document établi le [^<]*/, '')).toBe(page.text.replace(/Document établi le [^<]*/, ''));

    const asked = await browser.call('POST', '/api/citizen/erasure-request');
    expect(asked.status).toBe(201);
    const due = new Date(asked.json.dueBy).getTime() - new Date(asked.json.at).getTime();
    expect(due).toBeGreaterThanOrEqual(28 * 86_400_000);
    expect(due).toBeLessThanOrEqual(31 * 86_400_000);
    expect((await browser.call('POST', '/api/citizen/erasure-request')).status).toBe(409);
    const list = await fetch(`${base}/api/citizens/erasure-requests`, { headers: { authorization: `Bearer ${manager.token}` } });
    expect((await list.json()).requests).toEqual(expect.arrayContaining([expect.objectContaining({ citizenId: r.citizenId, name: 'Inès Garnier', dueBy: asked.json.dueBy })]));
    const view = await fetch(`${base}/api/citizens/${r.citizenId}`, { headers: { authorization: `Bearer ${manager.token}` } });
    expect((await view.json()).erasureRequest).toEqual({ at: asked.json.at, dueBy: asked.json.dueBy });
    // The citizen is told on their channel.
    await until(() => peer.messages.some((m) => m.to === '+33620000330' && /effacement de vos donn/.test(m.body)), 30_000, 'the erasure confirmation SMS');
    expect(await ctx.models.auditEvents.countDocuments({ action: 'citizen.erasure_requested', citizenId: r.citizenId })).toBe(1);
  });

  it('names the space in acknowledgements, beside the portal link', async () => {
    await ctx.services.ingestInbound(inbound({ from: { address: '+33620000340' }, text: 'Bonjour' }));
    await until(() => peer.messages.some((m) => m.to === '+33620000340' && /référence/.test(m.body)), 30_000, 'the acknowledgement');
    const ack = peer.messages.find((m) => m.to === '+33620000340')!.body;
    expect(ack).toContain(`${base}/portal/`);
    expect(ack).toContain(`${base}/espace`);
  });
});
