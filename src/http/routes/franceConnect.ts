// FranceConnect for the citizens' space: the button's state, the way out to the provider and back.
// Whatever goes wrong on the way back (a forged or replayed state, a refused code, a provider out of
// reach) ends on the space's page with a French message, never on a raw error.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.js';
import { type CitizenSessionHooks, STATE_COOKIE } from '../citizenSession.js';
import { errors } from '../schemas.js';

export const franceConnectRoutes =
  (services: Services, hooks: CitizenSessionHooks, settings: { publicBaseUrl: string }): FastifyPluginAsyncTypebox =>
  async (app) => {
    const fc = services.space.franceConnect;
    const stateFlags = { ...hooks.flags, path: '/api/citizen/franceconnect', maxAge: 600 };
    const back = (outcome?: string) => `${settings.publicBaseUrl}/espace${outcome ? `?franceconnect=${outcome}` : ''}`;

    app.get('/api/citizen/franceconnect', {
      schema: { tags: ['citizen space'], summary: 'Whether the space offers FranceConnect, and whether the provider answers now', response: { 200: Type.Object({ offered: Type.Boolean(), available: Type.Boolean() }) } },
    }, async () => ({ offered: !!fc, available: fc ? await fc.available() : false }));

    app.get('/api/citizen/franceconnect/login', {
      schema: { tags: ['citizen space'], summary: 'Goes to FranceConnect (authorization code with PKCE, state, nonce, acr_values=eidas1)', response: { 302: Type.Null(), ...errors(404) } },
    }, async (_request, reply) => {
      if (!fc) return reply.redirect(back('off'));
      try {
        const { url, state } = await fc.login();
        return reply.setCookie(STATE_COOKIE, state, stateFlags).redirect(url);
      } catch (err) {
        reply.log.warn({ err: (err as Error).message }, 'FranceConnect login unavailable');
        return reply.redirect(back('unavailable'));
      }
    });

    app.get('/api/citizen/franceconnect/callback', {
      schema: { tags: ['citizen space'], summary: 'FranceConnect sends the citizen back here: the session opens, then the space', querystring: Type.Object({}, { additionalProperties: true }), response: { 302: Type.Null() } },
    }, async (request, reply) => {
      const browserState = request.cookies[STATE_COOKIE];
      reply.clearCookie(STATE_COOKIE, stateFlags);
      if (!fc) return reply.redirect(back('off'));
      try {
        const token = await fc.callback(new URL(request.url, settings.publicBaseUrl), browserState);
        const session = await services.space.resume(token);
        hooks.setSession(reply, token, session!.expiresAt);
        return reply.redirect(back());
      } catch (err) {
        reply.log.warn({ err: (err as Error).message }, 'FranceConnect sign-in failed');
        return reply.redirect(back('failed'));
      }
    });
  };
