// The HTTP API over real HTTP: health, login, roles on every route, errors and the OpenAPI document.
import { t } from '../../src/i18n/catalogue.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/services/audit.js';
import { testApp } from '../helpers/context.js';

let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
const tokens: Record<'agent' | 'manager' | 'admin', string> = { agent: '', manager: '', admin: '' };
const ids: Record<'agent' | 'manager' | 'admin', string> = { agent: '', manager: '', admin: '' };
let clock = new Date('2026-05-04T08:00:00Z');

async function call(method: string, path: string, options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, json, text, headers: response.headers };
}

beforeAll(async () => {
  ctx = await testApp({ now: () => clock });
  ctx.app.get('/test/boom', async () => {
    throw new Error('secret internal detail: connection string mongodb://user:pw@host');
  });
  base = await ctx.listen();
  const team = await ctx.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
  for (const role of ['agent', 'manager', 'admin'] as const) {
    const agent = await ctx.services.agents.create(SYSTEM, { name: `Le ${role}`, email: `${role}@mairie.test`, password: 'password-123', role, teamId: String(team._id) });
    ids[role] = agent.id;
    const login = await call('POST', '/api/auth/login', { body: { email: `${role.toUpperCase()}@mairie.test`, password: 'password-123' } });
    expect(login.status).toBe(200);
    tokens[role] = login.json.token;
  }
});
afterAll(() => ctx.close());

describe('health and readiness', () => {
  it('answers /health and /ready with the channels', async () => {
    expect((await call('GET', '/health')).json).toEqual({ status: 'ok' });
    const ready = await call('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.json.channels).toEqual({ email: 'off', sms: 'off', voice: 'off', chat: 'on' });
  });

  it('gives every answer a request id', async () => {
    const res = await call('GET', '/health', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    expect((await call('GET', '/health')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('unknown addresses', () => {
  it('answers a browser with a French page, and a program with the JSON error', async () => {
    const page = await fetch(`${base}/portail-inconnu`, { headers: { accept: 'text/html,application/xhtml+xml', 'accept-language': 'fr-FR' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<h1>Page introuvable</h1>');
    expect(html).not.toMatch(/<script/);
    const api = await fetch(`${base}/portail-inconnu`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(404);
    expect((await api.json()).error).toMatchObject({ code: 'not_found', message: 'Aucune route GET /portail-inconnu.' });
    // An API path stays JSON even for a browser.
    expect((await fetch(`${base}/api/inconnu`, { headers: { accept: 'text/html' } })).headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('login', () => {
  it('returns a signed token with an expiry and the agent', async () => {
    const res = await call('POST', '/api/auth/login', { body: { email: 'agent@mairie.test', password: 'password-123' } });
    expect(res.status).toBe(200);
    expect(res.json.agent).toMatchObject({ id: ids.agent, email: 'agent@mairie.test', role: 'agent', name: 'Le agent' });
    expect(res.json.token.split('.')).toHaveLength(3);
    expect(new Date(res.json.expiresAt).getTime()).toBe(clock.getTime() + 60 * 60_000);
    expect(res.json.agent.passwordHash).toBeUndefined();
  });

  it('refuses a wrong password and an unknown email alike with 401', async () => {
    const wrong = await call('POST', '/api/auth/login', { body: { email: 'agent@mairie.test', password: 'nope-nope-nope' } });
    const unknown = await call('POST', '/api/auth/login', { body: { email: 'ghost@mairie.test', password: 'password-123' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json).toEqual(unknown.json);
    expect(wrong.json.error.code).toBe('unauthorized');
  });

  it('refuses an expired token, a forged one and none', async () => {
    const login = await call('POST', '/api/auth/login', { body: { email: 'agent@mairie.test', password: 'password-123' } });
    expect((await call('GET', '/api/me', { token: login.json.token })).status).toBe(200);
    const [head, , sig] = login.json.token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ role: 'admin', sub: ids.agent, iss: 'gru-contact-center', exp: 9999999999 })).toString('base64url');
    const forged = await call('GET', '/api/me', { token: `${head}.${forgedPayload}.${sig}` });
    expect(forged.status).toBe(401);
    expect(forged.json.error.message).toBe(t('auth.token_invalid'));
    expect((await call('GET', '/api/me')).status).toBe(401);

    clock = new Date(clock.getTime() + 61 * 60_000);
    try {
      const expired = await call('GET', '/api/me', { token: login.json.token });
      expect(expired.status).toBe(401);
      expect(expired.json.error.message).toBe(t('auth.token_expired'));
    } finally {
      clock = new Date(clock.getTime() - 61 * 60_000);
    }
  });

  it('refuses a deactivated agent at once', async () => {
    const agent = await ctx.services.agents.create(SYSTEM, { name: 'Parti', email: 'parti@mairie.test', password: 'password-123', role: 'agent' });
    const login = await call('POST', '/api/auth/login', { body: { email: 'parti@mairie.test', password: 'password-123' } });
    await ctx.models.agents.updateOne({ _id: agent.id }, { $set: { active: false } });
    expect((await call('GET', '/api/me', { token: login.json.token })).status).toBe(401);
  });
});

describe('roles on routes', () => {
  const newAgent = (n: string) => ({ name: `Nouvel ${n}`, email: `nouvel.${n}@mairie.test`, password: 'password-123', role: 'agent' });

  it.each([
    ['none', undefined, 401],
    ['agent', 'agent', 403],
    ['manager', 'manager', 403],
    ['admin', 'admin', 201],
  ] as const)('POST /api/agents as %s (role %s) → %i', async (label, role, status) => {
    const res = await call('POST', '/api/agents', { token: role && tokens[role], body: newAgent(label) });
    expect(res.status).toBe(status);
    if (status === 403) expect(res.json.error).toEqual({ code: 'forbidden', message: t('auth.role_needed', { roles: 'admin' }) });
    if (status === 201) {
      expect(res.json).toMatchObject({ email: `nouvel.${label}@mairie.test`, role: 'agent' });
      const login = await call('POST', '/api/auth/login', { body: { email: `nouvel.${label}@mairie.test`, password: 'password-123' } });
      expect(login.status).toBe(200);
    }
  });

  it('refuses a second agent with the same email with 409', async () => {
    const res = await call('POST', '/api/agents', { token: tokens.admin, body: { ...newAgent('x'), email: 'AGENT@mairie.test' } });
    expect(res.status).toBe(409);
  });

  it.each([
    ['none', undefined, 401],
    ['agent', 'agent', 200],
    ['manager', 'manager', 200],
    ['admin', 'admin', 200],
  ] as const)('GET /api/agents as %s (role %s) → %i', async (_label, role, status) => {
    const res = await call('GET', '/api/agents', { token: role && tokens[role] });
    expect(res.status).toBe(status);
    if (status === 200) {
      expect(res.json.items.find((a: { id: string }) => a.id === ids.agent)).toMatchObject({ availability: 'available', openTickets: 0 });
    }
  });

  it('lets an agent set only their own availability; a manager sets anyone with a cover', async () => {
    expect((await call('PATCH', `/api/agents/${ids.manager}`, { token: tokens.agent, body: { availability: 'away' } })).status).toBe(403);
    const self = await call('PATCH', `/api/agents/${ids.agent}`, { token: tokens.agent, body: { availability: 'away' } });
    expect(self.status).toBe(200);
    expect(self.json.availability).toBe('away');
    const managed = await call('PATCH', `/api/agents/${ids.agent}`, {
      token: tokens.manager,
      body: { availability: 'away', coverAgentId: ids.manager, until: '2026-05-11T08:00:00.000Z' },
    });
    expect(managed.status).toBe(200);
    expect(managed.json).toMatchObject({ availability: 'away', coverAgentId: ids.manager, awayUntil: '2026-05-11T08:00:00.000Z' });
    const back = await call('PATCH', `/api/agents/${ids.agent}`, { token: tokens.agent, body: { availability: 'available' } });
    expect(back.json).toMatchObject({ availability: 'available', coverAgentId: null });
    const audit = await ctx.models.auditEvents.find({ action: 'agent.availability.changed', agentId: ids.agent }).lean();
    expect(audit).toHaveLength(3);
    expect(audit[1]!.actor).toMatchObject({ kind: 'agent', id: ids.manager });
  });
});

describe('bad input', () => {
  it('rejects a missing field with 400 and a message naming it', async () => {
    const res = await call('POST', '/api/auth/login', { body: { email: 'agent@mairie.test' } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid');
    expect(res.json.error.message).toBe('Requête invalide : le champ « password » est obligatoire');
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await call('POST', '/api/auth/login', { raw: '{"email": ' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid');
  });

  it('rejects query operators smuggled into fields', async () => {
    const res = await call('POST', '/api/auth/login', { body: { email: { $gt: '' }, password: { $gt: '' } } });
    expect(res.status).toBe(400);
  });

  it('rejects an unknown property and a malformed id', async () => {
    expect((await call('POST', '/api/agents', { token: tokens.admin, body: { ...{ name: 'a', email: 'a@b.fr', password: 'password-123', role: 'agent' }, isAdmin: true } })).status).toBe(400);
    expect((await call('PATCH', '/api/agents/not-an-id', { token: tokens.manager, body: { availability: 'away' } })).status).toBe(400);
    expect((await call('POST', '/api/agents', { token: tokens.admin, body: { name: 'a', email: 'a@b.fr', password: 'password-123', role: 'root' } })).status).toBe(400);
  });

  it('rejects an oversized body with 413', async () => {
    const res = await call('POST', '/api/auth/login', { raw: JSON.stringify({ email: 'a@b.fr', password: 'x'.repeat(70 * 1024) }) });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('too_large');
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await call('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('not_found');
  });

  it('never leaks internals on a 500', async () => {
    const res = await call('GET', '/test/boom');
    expect(res.status).toBe(500);
    expect(res.json.error.code).toBe('internal');
    expect(res.text).not.toMatch(/secret|mongodb|stack/);
    expect(res.json.error.message).toContain(res.headers.get('x-request-id')!);
  });
});

describe('OpenAPI', () => {
  it('documents the routes with their schemas at /docs', async () => {
    const doc = await call('GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/me', '/api/agents', '/api/agents/{id}', '/health', '/ready']));
    expect(doc.json.paths['/api/agents'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['name', 'email', 'password', 'role']),
    );
    const page = await call('GET', '/docs/');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/swagger/i);
  });
});
