// Hostile input, in one place: forged and replayed signatures, oversized and malformed bodies, query
// operators where strings are expected, header injection through subjects and names, chat floods,
// security headers and CORS, expired tokens and a rotated JWT_SECRET. Each gets a clear error (never a
// 500, never a silent drop) and a log line; nothing hostile is stored or sent.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTeam, capturingLog, inbound, testApp } from '../helpers/context.js';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtpPeer.js';
import { request } from '../helpers/http.js';
import { connect, connected, emitAck } from '../helpers/sockets.js';
import { postSignedWebhook, smsForm, twilioEnv } from '../helpers/twilioPeer.js';

const ACCOUNT_SID = `AC${'3'.repeat(32)}`;
const AUTH_TOKEN = 'hostile-auth-token';
const SERVICE_NUMBER = '+33900000003';
const PUBLIC = 'https://gru.example';
const ALLOWED = 'https://intranet.ville.example';
const logs = capturingLog();
let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
let token: string;
let smtp: SmtpPeer;
let seq = 0;

const webhook = (path: string, params: Record<string, string>, options: { signature?: string | null; signUrl?: string } = {}) =>
  postSignedWebhook({ base, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN }, path, params, options);
const sid = () => `SM${String(++seq).padStart(32, 'e')}`;
async function call(method: string, path: string, options: { body?: string; type?: string; auth?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.type) headers['content-type'] = options.type;
  if (options.auth !== null) headers.authorization = `Bearer ${options.auth ?? token}`;
  return request(base, method, path, { headers, body: options.body });
}
/** The log lines written since `from`, for one request or event. */
const linesSince = (from: number) => logs.lines.slice(from);

beforeAll(async () => {
  smtp = await startSmtpPeer();
  ctx = await testApp({
    log: logs.log,
    env: {
      PUBLIC_BASE_URL: PUBLIC, CORS_ORIGINS: ALLOWED, CHAT_MESSAGES_PER_MINUTE: '20',
      ...twilioEnv({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, number: SERVICE_NUMBER }, 'http://127.0.0.1:9'),
      // The mailbox is never read here (jobs are not started); replies go to the SMTP peer.
      IMAP_HOST: '127.0.0.1', IMAP_PORT: '9', IMAP_USER: 'x', IMAP_PASSWORD: 'x', IMAP_TLS: 'no', IMAP_SENT_FOLDER: '',
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_TLS: 'no', MAIL_FROM: 'Mairie <contact@mairie.example>',
    },
  });
  base = await ctx.listen();
  await addTeam(ctx, [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'admin' }]);
  token = (await ctx.services.agents.login('camille@mairie.test', 'password-123')).token;
});
afterAll(async () => {
  await ctx?.close();
  await smtp?.stop();
});

describe('hostile input', () => {
  it('refuses forged, re-targeted and altered Twilio signatures; a replay of a genuine one stores nothing twice', async () => {
    const params = smsForm(ACCOUNT_SID, SERVICE_NUMBER, '+33612000001', 'Bonjour', sid());
    const mark = logs.lines.length;
    expect((await webhook('/webhooks/twilio/sms', params, { signature: 'Zm9yZ2Vk' })).status).toBe(403);
    expect((await webhook('/webhooks/twilio/sms', params, { signature: null })).status).toBe(403);
    // A genuine signature taken from one request and put on another: other path, other body.
    const genuine = (await import('twilio')).default.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC}/webhooks/twilio/sms`, params);
    expect((await webhook('/webhooks/twilio/voice', params, { signature: genuine })).status).toBe(403);
    expect((await webhook('/webhooks/twilio/sms', { ...params, Body: 'Virement urgent' }, { signature: genuine })).status).toBe(403);
    const refusals = linesSince(mark).filter((l) => l.msg === 'Twilio webhook with a missing or wrong signature refused');
    expect(refusals).toHaveLength(4);
    expect(await ctx.models.messages.countDocuments({ channel: 'sms', externalId: params.MessageSid })).toBe(0);

    // The genuine request, then the same bytes again (a replay, or Twilio's own retry): stored once.
    const first = await webhook('/webhooks/twilio/sms', params, { signature: genuine });
    const replay = await webhook('/webhooks/twilio/sms', params, { signature: genuine });
    expect([first.status, replay.status]).toEqual([200, 200]);
    expect(await ctx.models.messages.countDocuments({ channel: 'sms', externalId: params.MessageSid })).toBe(1);
  });

  it('answers oversized bodies with 413 and a log line, whatever their type', async () => {
    const big = 'x'.repeat(70 * 1024); // BODY_LIMIT_BYTES is 64 KiB in tests
    const mark = logs.lines.length;
    const json = await call('POST', '/api/auth/login', { type: 'application/json', body: JSON.stringify({ email: big, password: big }), auth: null });
    const form = await webhook('/webhooks/twilio/sms', { ...smsForm(ACCOUNT_SID, SERVICE_NUMBER, '+33612000002', big, sid()) });
    for (const res of [json, { status: form.status, json: JSON.parse(form.text) }]) {
      expect(res.status).toBe(413);
      expect(res.json.error.code).toBe('too_large');
    }
    expect(linesSince(mark).filter((l) => l.msg === 'request refused' && l.code === 'FST_ERR_CTP_BODY_TOO_LARGE')).toHaveLength(2);
  });

  it('answers malformed JSON, forms and content types with 400 or 415 and a readable message', async () => {
    const mark = logs.lines.length;
    const cases = [
      await call('POST', '/api/auth/login', { type: 'application/json', body: '{"email": "a@b.fr", "password": ', auth: null }),
      await call('POST', '/api/auth/login', { type: 'application/json', body: '["not", "an", "object"]', auth: null }),
      await call('POST', '/api/auth/login', { type: 'text/xml', body: '<login/>', auth: null }),
    ];
    expect(cases.map((c) => c.status)).toEqual([400, 400, 415]);
    for (const c of cases) expect(c.json.error.message).toMatch(/\w{4,}/);
    // A signed form that is not what Twilio sends.
    const malformed = await webhook('/webhooks/twilio/sms', { MessageSid: 'not-a-sid', From: '', Body: 'x' });
    expect(malformed.status).toBe(400);
    expect(linesSince(mark).filter((l) => l.msg === 'request refused' || l.msg === 'invalid input').length).toBeGreaterThanOrEqual(4);
  });

  it('never lets a query operator through: JSON bodies, query strings, path parameters and socket payloads', async () => {
    const mark = logs.lines.length;
    const login = await call('POST', '/api/auth/login', { type: 'application/json', body: JSON.stringify({ email: { $gt: '' }, password: { $gt: '' } }), auth: null });
    expect(login.status).toBe(400);
    expect((await call('GET', '/api/tickets?status[$ne]=closed')).status).toBe(400);
    expect((await call('GET', `/api/tickets?q=${encodeURIComponent('.*')}`)).json.items).toEqual([]); // a regex is text here
    expect((await call('GET', `/api/portal/${encodeURIComponent('{"$gt":""}')}`, { auth: null })).status).toBe(404);
    expect((await call('GET', `/api/tickets/${encodeURIComponent('{"$ne":null}')}`)).status).toBe(400);
    const reply = await call('POST', `/api/tickets/000000000000000000000000/replies`, { type: 'application/json', body: JSON.stringify({ text: { $gt: '' } }) });
    expect(reply.status).toBe(400);
    expect(linesSince(mark).filter((l) => l.msg === 'invalid input' || l.msg === 'request refused').length).toBeGreaterThanOrEqual(5);

    const citizen = connect(`${base}/chat`, {});
    await connected(citizen);
    try {
      await emitAck(citizen, 'chat:start', { name: { $ne: null }, email: { $gt: '' } }); // non-strings are ignored, not queried
      expect(await ctx.models.identities.countDocuments({ value: { $type: 'object' } })).toBe(0);
      const chatMark = logs.lines.length;
      expect(await emitAck(citizen, 'chat:message', { clientId: { $gt: '' }, text: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
      expect(await emitAck(citizen, 'chat:message', { clientId: 'c', text: { $gt: '' } })).toMatchObject({ ok: false, error: { code: 'invalid' } });
      expect(linesSince(chatMark).filter((l) => typeof l.msg === 'string' && l.msg.startsWith('chat message refused'))).toHaveLength(2);
    } finally {
      citizen.close();
    }
  });

  it('keeps header injection out of email replies: one recipient, no added header, one-line subject', async () => {
    const evil = 'Objet\r\nBcc: victime@ailleurs.example\r\nX-Injected: oui';
    const result = await ctx.services.ingestInbound(
      inbound({ channel: 'email', externalId: '<inject.1@citoyens.example>', from: { address: 'eve@citoyens.example', name: 'Eve\r\nBcc: autre@ailleurs.example' }, subject: evil, text: 'Bonjour' }),
    );
    const admin = await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean();
    await ctx.services.tickets.reply({ agentId: String(admin!._id), role: 'admin' }, result.ticketId, { text: 'Réponse\r\nBcc: encore@ailleurs.example' });
    await ctx.dispatcher.drain();
    const sent = smtp.received.filter((m) => m.rcptTo.includes('eve@citoyens.example'));
    expect(sent.length).toBeGreaterThanOrEqual(1);
    for (const { rcptTo, mail, raw } of sent) {
      expect(rcptTo).toEqual(['eve@citoyens.example']);
      expect(mail.headers.has('bcc')).toBe(false);
      expect(mail.headers.has('x-injected')).toBe(false);
      expect(mail.subject).not.toMatch(/[\r\n]/);
      expect(raw.split('\r\n\r\n')[0]).not.toMatch(/^(Bcc|X-Injected):/im);
      expect(mail.text).not.toMatch(/^Bcc: autre/m); // the name stayed on its greeting line
    }
    // Name and subject were made one line when the message came in.
    expect(await ctx.models.tickets.findById(result.ticketId).lean()).toMatchObject({ subject: 'Objet Bcc: victime@ailleurs.example X-Injected: oui' });
    // The download name of a file cannot split the response headers either.
    const file = await ctx.services.tickets.addAttachment({ agentId: String(admin!._id), role: 'admin' }, result.ticketId, { filename: 'a"\r\nSet-Cookie: x=1.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF') });
    const download = await call('GET', `/api/tickets/${result.ticketId}/attachments/${file.id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('set-cookie')).toBeNull();
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"\r\n]*"; filename\*=UTF-8''/);
  });

  it('answers a chat flood with rate_limited acks and log lines, storing only what it accepted', async () => {
    const citizen = connect(`${base}/chat`, {});
    await connected(citizen);
    try {
      await emitAck(citizen, 'chat:start', { name: 'Flot' });
      const mark = logs.lines.length;
      const acks = await Promise.all(Array.from({ length: 50 }, (_, i) => emitAck<{ ok: boolean; error?: { code: string } }>(citizen, 'chat:message', { clientId: `flood-${i}`, text: `flot ${i}` })));
      const accepted = acks.filter((a) => a.ok).length;
      expect(accepted).toBeGreaterThanOrEqual(5);
      expect(accepted).toBeLessThan(20); // a burst of 5, then 20 a minute: a slow machine lets a few more through
      expect(acks.filter((a) => !a.ok).every((a) => a.error?.code === 'rate_limited')).toBe(true);
      expect(linesSince(mark).filter((l) => l.msg === 'chat message refused' && l.code === 'rate_limited')).toHaveLength(50 - accepted);
      expect(await ctx.models.messages.countDocuments({ channel: 'chat', text: /^flot \d+$/ })).toBe(accepted);
    } finally {
      citizen.close();
    }
  });

  it('sends security headers, page policies that run only our own scripts, and CORS only to configured origins', async () => {
    const api = await call('GET', '/health', { auth: null });
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(api.headers.get('referrer-policy')).toBe('no-referrer');
    expect(api.headers.get('strict-transport-security')).toMatch(/max-age=\d+/); // PUBLIC_BASE_URL is https
    for (const page of ['/console', '/dashboard', '/']) {
      const csp = (await call('GET', page, { auth: null })).headers.get('content-security-policy')!;
      expect(csp).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')*(;|$)/);
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(csp).toContain("frame-ancestors 'none'");
    }
    expect((await call('GET', '/widget.js', { auth: null })).headers.get('cross-origin-resource-policy')).toBe('cross-origin');

    const preflight = (origin: string) => fetch(`${base}/api/tickets`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await preflight(ALLOWED);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const read = await call('GET', '/api/me', { headers: { origin: 'https://evil.example' } });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses an expired token and one signed with a former JWT_SECRET, with 401 and a clear message', async () => {
    const admin = await ctx.models.agents.findOne({ email: 'camille@mairie.test' }).lean();
    const sign = (secret: string, exp: number) =>
      new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('gru-contact-center').setSubject(String(admin!._id)).setIssuedAt(exp - 3600).setExpirationTime(exp).sign(new TextEncoder().encode(secret));
    const mark = logs.lines.length;
    const expired = await call('GET', '/api/me', { auth: await sign('test-secret-that-is-long-enough-0123456789', Math.floor(Date.now() / 1000) - 60) });
    expect(expired.status).toBe(401);
    expect(expired.json.error.message).toMatch(/expiré/);
    const rotated = await call('GET', '/api/me', { auth: await sign('the-secret-before-rotation-0123456789', Math.floor(Date.now() / 1000) + 3600) });
    expect(rotated.status).toBe(401);
    expect(rotated.json.error.message).toMatch(/log in again|invalid/);
    expect(linesSince(mark).filter((l) => l.msg === 'request refused' && l.code === 'unauthorized')).toHaveLength(2);
  });
});
