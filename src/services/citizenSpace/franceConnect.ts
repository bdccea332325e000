// FranceConnect, the State's identity federation, with openid-client: the authorization code flow with
// PKCE, `state` (bound to the browser by a cookie and kept hashed with the flow) and `nonce`, asking
// `acr_values=eidas1`. The provider is discovered on first use, not at start: the server starts without
// it and the space says FranceConnect is unavailable until it answers. A FranceConnect identity opens
// the citizen's space when it is linked to them, or when its email is an address we know for them;
// otherwise the space is empty and a code sent to an address we know links it (signIn.ts).
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { identityKey } from '../../domain/identity.js';
import { citizensStore } from '../../store/repositories/citizens.js';
import type { CitizenSpaceContext } from './context.js';
import { openFranceConnectSession } from './session.js';

export interface FranceConnectSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  /** Our callback and where the provider sends the citizen back after logging out. */
  redirectUri: string;
  postLogoutRedirectUri: string;
}

const FLOW_TTL_MS = 10 * 60_000;
/** After a failed discovery, the provider is asked again no sooner than this. */
const RETRY_MS = 30_000;
const hashOf = (state: string) => createHash('sha256').update(state).digest('hex');
/** Plain http only for a provider on this machine (a local test provider). */
export const isLoopback = (url: URL) => ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);

/** The provider's configuration, discovered once it answers (asked again no sooner than RETRY_MS after a failure). */
function discoverer(ctx: CitizenSpaceContext, settings: FranceConnectSettings): () => Promise<oidc.Configuration> {
  let found: Promise<oidc.Configuration> | null = null;
  let failedAt = 0;
  const issuer = new URL(settings.issuer);

  async function configuration(): Promise<oidc.Configuration> {
    if (!found) {
      if (ctx.now().getTime() - failedAt < RETRY_MS) throw new Error('FranceConnect unreachable a moment ago');
      found = oidc.discovery(issuer, settings.clientId, settings.clientSecret, oidc.ClientSecretPost(settings.clientSecret), {
        timeout: 5,
        ...(isLoopback(issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
      found.catch((err: unknown) => {
        ctx.log.warn({ err: (err as Error).message, issuer: settings.issuer }, 'FranceConnect provider unreachable');
        failedAt = ctx.now().getTime();
        found = null;
      });
    }
    return found;
  }

  return configuration;
}

export function createFranceConnect(ctx: CitizenSpaceContext, settings: FranceConnectSettings) {
  const configuration = discoverer(ctx, settings);

  return {
    /** Whether the button can work now (the provider answers). */
    async available(): Promise<boolean> {
      return configuration().then(() => true, () => false);
    },

    /** Where the citizen's browser goes to sign in, and the `state` its cookie keeps. */
    async login(): Promise<{ url: string; state: string }> {
      const config = await configuration();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const verifier = oidc.randomPKCECodeVerifier();
      await ctx.store.startFlow(hashOf(state), { nonce, verifier, expiresAt: new Date(ctx.now().getTime() + FLOW_TTL_MS) });
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes,
        response_type: 'code',
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        acr_values: 'eidas1',
      });
      return { url: url.href, state };
    },

    /** The provider's answer: checked (state, nonce, PKCE, ID token), then a session opened. Answers its cookie's token. */
    async callback(currentUrl: URL, stateOfBrowser: string | undefined): Promise<string> {
      const state = currentUrl.searchParams.get('state') ?? '';
      // The state must be this browser's (login CSRF) and a flow we started, used once.
      if (!state || state !== stateOfBrowser) throw new Error('FranceConnect state does not match this browser');
      const flow = await ctx.store.takeFlow(hashOf(state));
      if (!flow || flow.expiresAt.getTime() < ctx.now().getTime()) throw new Error('FranceConnect flow unknown or expired');
      const config = await configuration();
      const tokens = await oidc.authorizationCodeGrant(config, currentUrl, { pkceCodeVerifier: flow.verifier, expectedState: state, expectedNonce: flow.nonce, idTokenExpected: true });
      const claims = tokens.claims()!;
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      const email = typeof info.email === 'string' ? info.email.trim().toLowerCase() : null;
      const citizenId = await citizenOf(ctx, claims.sub, email);
      return openFranceConnectSession(ctx, { sub: claims.sub, email, idToken: tokens.id_token ?? '' }, citizenId);
    },

    /** Where the browser goes to end the FranceConnect session too (null when the provider is out of reach). */
    async logoutUrl(idToken: string): Promise<string | null> {
      try {
        const config = await configuration();
        if (!config.serverMetadata().end_session_endpoint) return null;
        return oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: settings.postLogoutRedirectUri, state: oidc.randomState() }).href;
      } catch {
        return null;
      }
    },
  };

}
export type FranceConnect = ReturnType<typeof createFranceConnect>;

/** The citizen of a FranceConnect identity: linked before, or by an email we know for one citizen. */
async function citizenOf(ctx: CitizenSpaceContext, sub: string, email: string | null): Promise<string | null> {
  const linked = await ctx.store.linkOf(sub);
  if (linked) return String(linked.citizenId);
  const known = email ? await citizensStore(ctx.models).identity(identityKey({ kind: 'email', value: email })) : null;
  if (!known) return null;
  await ctx.store.link(sub, known.citizenId, 'email', ctx.now());
  await ctx.audit({ kind: 'citizen', id: String(known.citizenId) }, 'space.franceconnect_linked', { citizenId: known.citizenId }, { via: 'email' });
  return String(known.citizenId);
}

