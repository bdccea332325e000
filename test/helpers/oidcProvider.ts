// A real OpenID provider on the loopback address (oidc-provider from npm), standing in for FranceConnect:
// authorization code with PKCE, ID tokens signed RS256, userinfo, end_session; its development login
// and consent pages are filled in as a citizen would (any password).
import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './processes.js';

export interface Person { sub: string; email: string; given_name: string; family_name: string }

export async function startOidcProvider() {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const people = new Map<string, Person>();
  let server: Server | null = null;
  return {
    issuer,
    clientId: 'gru-espace',
    clientSecret: 'secret-of-the-gru-espace-client-0123456789',
    people,
    /** Starts answering (the app may have started before, without it). */
    async start(appBase: string) {
      const provider = new Provider(issuer, {
        clients: [{
          client_id: 'gru-espace', client_secret: 'secret-of-the-gru-espace-client-0123456789', token_endpoint_auth_method: 'client_secret_post',
          redirect_uris: [`${appBase}/api/citizen/franceconnect/callback`], post_logout_redirect_uris: [`${appBase}/espace`],
        }],
        acrValues: ['eidas1'],
        claims: { openid: ['sub'], email: ['email'], given_name: ['given_name'], family_name: ['family_name'] },
        scopes: ['openid', 'email', 'given_name', 'family_name'],
        cookies: { keys: ['test-cookie-key-0123456789'] },
        async findAccount(_ctx, sub) {
          const person = people.get(sub);
          return person ? { accountId: sub, claims: async () => ({ ...person }) } : undefined;
        },
      });
      provider.on('server_error', (_ctx: unknown, err: Error) => console.error('oidc-provider server_error', err));
      server = createServer(provider.callback());
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    },
    async close() {
      server?.closeAllConnections();
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
    },
  };
}

/**
 * A browser going through the provider's pages: follows redirects with its own cookies per host, and
 * fills the login (as `sub`) and consent forms. Stops at the first URL outside the provider and answers it.
 */
export async function signInAtProvider(start: string, issuer: string, sub: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, value] = pair!.split('=');
      if (/expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name!);
      else jar.set(name!, value ?? '');
    }
  };
  const cookie = () => [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
  let url = start;
  let body: URLSearchParams | null = null;
  for (let step = 0; step < 20; step++) {
    if (!url.startsWith(issuer)) return url;
    const res = await fetch(url, { method: body ? 'POST' : 'GET', redirect: 'manual', headers: { cookie: cookie(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, body: body ?? undefined });
    keep(res);
    body = null;
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url).href;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`the provider answered ${res.status} without a form: ${html.slice(0, 300)}`);
    const fields = new URLSearchParams();
    for (const [tag] of html.matchAll(/<input[^>]*>/g)) {
      const name = /name="([^"]+)"/.exec(tag)?.[1];
      if (name) fields.set(name, /value="([^"]*)"/.exec(tag)?.[1] ?? '');
    }
    if (fields.has('login')) fields.set('login', sub);
    if (fields.has('password')) fields.set('password', 'any');
    url = new URL(action.replace(/&amp;/g, '&'), url).href;
    body = fields;
  }
  throw new Error('too many steps at the provider');
}
