import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.js';
import { principalOf, type AuthHooks } from '../auth.js';
import { agentRef, errors } from '../schemas.js';
import { Me } from '../answers.js';


export const authRoutes =
  (services: Services, auth: AuthHooks): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post('/api/auth/login', {
      schema: {
        tags: ['auth'],
        summary: 'Exchange email and password for a bearer token',
        body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }), agent: agentRef }), ...errors(400, 401, 429) },
      },
    }, async (request) => {
      const { token, expiresAt, agent } = await services.agents.login(request.body.email, request.body.password, request.ip);
      return { token, expiresAt: expiresAt.toISOString(), agent };
    });

    app.get('/api/me', {
      schema: { tags: ['auth'], summary: 'The logged-in agent, and the workspace settings the console follows', security: [{ bearer: [] }], response: { 200: Me, ...errors(401) } },
      preHandler: auth.authenticate,
    }, async (request) => ({ ...(await services.agents.get(principalOf(request).agentId)), workspace: { teamVisibility: services.access.teamVisibility, browserCalls: !!services.voiceTokens } }));
  };
