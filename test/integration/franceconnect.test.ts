// FranceConnect end to end against a real OpenID provider started on the loopback address
// (oidc-provider): the server starts before the provider answers (the button says unavailable); a
// known email links the identity and opens the citizen's space; an unknown one opens an empty space,
// linked later with a code sent to an address we know; a forged state, a replayed callback and a code
// of another flow are refused; logging out ends the provider's session too.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addTeam, inbound, testApp } from '../helpers/context.js';
import { signInAtProvider, startOidcProvider } from '../helpers/oidcProvider.js';
import { until } from '../helpers/sockets.js';
import { startTwilioPeer, twilioEnv } from '../helpers/twilioPeer.js';

vi.setConfig({ testTimeout: 90_000 });
let provider: Awaited<ReturnType<typeof startOidcProvider>>;
let peer: Awaited<ReturnType<typeof startTwilioPeer>>;
let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
let offset = 0;

beforeAll(async () => {
  provider = await startOidcProvider();
  peer = await startTwilioPeer();
  ctx = await testApp({
    now: () => new Date(Date.now() + offset),
    env: {
      ...twilioEnv({ accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'twilio-test-auth-token-0123456789abcdef', number: '+33159000000' }, peer.url),
      FRANCECONNECT_ISSUER: provider.issuer, FRANCECONNECT_CLIENT_ID: provider.clientId, FRANCECONNECT_CLIENT_SECRET: provider.clientSecret,
    },
  });
  base = await ctx.listen();
  ctx.startJobs();
  await addTeam(ctx, [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }]);
});
afterAll(async () => {
  await ctx?.close();
  await provider?.close();
  await peer?.close();
});

/** A browser with its cookies for our server (the space's and FranceConnect's state). */
function browser() {
  const jar = new Map<string, string>();
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(url.startsWith('http') ? url : `${base}${url}`, {
      method, redirect: 'manual',
      headers: { origin: base, cookie: [...jar].map(([n, v]) => `${n}=${v}`).join('; '), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [name, value] = c.split(';')[0]!.split('=');
      if (/Max-Age=0|Expires=Thu, 01 Jan 1970/.test(c)) jar.delete(name!);
      else jar.set(name!, value ?? '');
    }
    const text = await res.text();
    return { status: res.status, location: res.headers.get('location'), json: (() => { try { return JSON.parse(text); } catch { return null; } })() };
  };
  return {
    call,
    jar,
    /** Through the button, the provider's pages (as `sub`) and back: where our server sends the browser at last. */
    async franceConnect(sub: string) {
      const login = await call('GET', '/api/citizen/franceconnect/login');
      expect(login.status).toBe(302);
      const back = await signInAtProvider(login.location!, provider.issuer, sub);
      const callback = await call('GET', back);
      return { login: login.location!, back, landing: callback.location };
    },
  };
}

describe('FranceConnect', () => {
  it('starts without the provider, then offers the button once it answers', async () => {
    const before = await browser().call('GET', '/api/citizen/franceconnect');
    expect(before.json).toEqual({ offered: true, available: false });
    const login = await browser().call('GET', '/api/citizen/franceconnect/login');
    expect(login.location).toBe(`${base}/espace?franceconnect=unavailable`);
    await provider.start(base);
    offset += 60_000; // past the pause after a failed discovery
    expect((await browser().call('GET', '/api/citizen/franceconnect')).json).toEqual({ offered: true, available: true });
  });

  it('links a known email and opens that citizen’s space; checks state, nonce and PKCE', async () => {
    const known = await ctx.services.ingestInbound(inbound({ channel: 'email', externalId: '<fc1@example.fr>', from: { address: 'claire.dubois@example.fr', name: 'Claire Dubois' }, text: 'Demande d’acte de naissance' }));
    provider.people.set('fc-sub-claire', { sub: 'fc-sub-claire', email: 'Claire.Dubois@example.fr', given_name: 'Claire', family_name: 'Dubois' });
    const citizen = browser();
    const { login, landing } = await citizen.franceConnect('fc-sub-claire');
    const asked = new URL(login);
    expect(asked.origin).toBe(provider.issuer);
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({ response_type: 'code', client_id: provider.clientId, acr_values: 'eidas1', code_challenge_method: 'S256', scope: 'openid given_name family_name email' });
    expect(asked.searchParams.get('state')).toBeTruthy();
    expect(asked.searchParams.get('nonce')).toBeTruthy();
    expect(landing).toBe(`${base}/espace`);
    const session = await citizen.call('GET', '/api/citizen/session');
    expect(session.json).toMatchObject({ method: 'franceconnect', linked: true, name: 'Claire Dubois' });
    expect((await citizen.call('GET', '/api/citizen/requests')).json.requests.map((r: { reference: string }) => r.reference)).toEqual([known.reference]);
    expect(await ctx.models.franceConnectLinks.findById('fc-sub-claire').lean()).toMatchObject({ via: 'email' });

    // A forged state (not this browser's), and the same callback replayed: refused, no session.
    const other = browser();
    const started = await other.call('GET', '/api/citizen/franceconnect/login');
    const back = await signInAtProvider(started.location!, provider.issuer, 'fc-sub-claire');
    const forged = new URL(back);
    forged.searchParams.set('state', 'not-the-state-this-browser-started-with');
    expect((await other.call('GET', forged.href)).location).toBe(`${base}/espace?franceconnect=failed`);
    const attacker = browser();
    expect((await attacker.call('GET', back)).location).toBe(`${base}/espace?franceconnect=failed`); // no state cookie
    expect((await attacker.call('GET', '/api/citizen/session')).status).toBe(401);

    // A code issued for another flow (its nonce and PKCE verifier) is refused under this flow's state.
    const mixed = browser();
    const first = await mixed.call('GET', '/api/citizen/franceconnect/login');
    const stateOfFirst = new URL(first.location!).searchParams.get('state')!;
    const second = await browser().call('GET', '/api/citizen/franceconnect/login');
    const backOfSecond = new URL(await signInAtProvider(second.location!, provider.issuer, 'fc-sub-claire'));
    backOfSecond.searchParams.set('state', stateOfFirst);
    expect((await mixed.call('GET', backOfSecond.href)).location).toBe(`${base}/espace?franceconnect=failed`);
    expect((await mixed.call('GET', '/api/citizen/session')).status).toBe(401);

    // Signing out ends FranceConnect's session too.
    const out = await citizen.call('DELETE', '/api/citizen/session');
    const logout = new URL(out.json.logoutUrl);
    expect(logout.origin).toBe(provider.issuer);
    expect(logout.searchParams.get('id_token_hint')).toBeTruthy();
    expect(logout.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/espace`);
    expect((await citizen.call('GET', '/api/citizen/session')).status).toBe(401);
    expect((await ctx.models.citizenSessions.findOne({ method: 'franceconnect', endedAt: { $ne: null } }).lean())!.franceConnect!.idToken).toBeNull();
  });

  it('opens an empty space for an unknown email, linked by a code sent to an address we know', async () => {
    const known = await ctx.services.ingestInbound(inbound({ from: { address: '+33620000501', name: 'Marc Lambert' }, text: 'Permis de construire' }));
    provider.people.set('fc-sub-marc', { sub: 'fc-sub-marc', email: 'marc.autre@example.fr', given_name: 'Marc', family_name: 'Lambert' });
    const citizen = browser();
    expect((await citizen.franceConnect('fc-sub-marc')).landing).toBe(`${base}/espace`);
    expect((await citizen.call('GET', '/api/citizen/session')).json).toMatchObject({ method: 'franceconnect', linked: false, name: null });
    expect((await citizen.call('GET', '/api/citizen/requests')).json.requests).toEqual([]);
    expect((await citizen.call('GET', '/api/citizen/export')).status).toBe(403);

    expect((await citizen.call('POST', '/api/citizen/session/code', { address: '06 20 00 05 01' })).status).toBe(202);
    let code = '';
    await until(() => {
      code = /(\d{6})/.exec(peer.messages.filter((m) => m.to === '+33620000501' && /votre espace/.test(m.body)).at(-1)?.body ?? '')?.[1] ?? '';
      return !!code;
    }, 30_000, 'the code SMS');
    const linked = await citizen.call('POST', '/api/citizen/session', { address: '+33620000501', code });
    expect(linked.json).toMatchObject({ method: 'franceconnect', linked: true, name: 'Marc Lambert' });
    expect((await citizen.call('GET', '/api/citizen/requests')).json.requests.map((r: { reference: string }) => r.reference)).toEqual([known.reference]);
    expect(await ctx.models.franceConnectLinks.findById('fc-sub-marc').lean()).toMatchObject({ via: 'code', citizenId: expect.anything() });

    // Next time FranceConnect alone opens their space.
    const again = browser();
    await again.franceConnect('fc-sub-marc');
    expect((await again.call('GET', '/api/citizen/session')).json).toMatchObject({ linked: true, name: 'Marc Lambert' });
  });
});
