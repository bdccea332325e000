// The back-office's two doors. Admins register webhooks and API keys; systems call the system API with a
// key (`Authorization: Bearer gru_…`), never with an agent's token, and agents' routes never take keys.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { API_SCOPES, WEBHOOK_EVENTS } from '../../services/integrations/index.js';
import type { Services } from '../../services/index.js';
import type { AuthHooks } from '../auth.js';
import { ApiKey, Webhook } from '../answers.js';
import { errors, ObjectIdString } from '../schemas.js';
import { actorOf, security, type Routes } from './common.js';

export const integrationRoutes =
  (services: Services, auth: AuthHooks): FastifyPluginAsyncTypebox =>
  async (app) => {
    webhookRoutes(app, services, auth);
    keyRoutes(app, services, auth);
  };

/** Webhooks to the back-office: listed with their last error, registered, removed, their deliveries (admin). */
function webhookRoutes(app: Routes, services: Services, auth: AuthHooks) {
  const admin = auth.requireRole('admin');
  app.get('/api/integrations/webhooks', {
    schema: { tags: ['integrations'], summary: 'Webhooks to the back-office, with their last error (admin)', security, response: { 200: Type.Object({ items: Type.Array(Webhook) }), ...errors(401, 403) } },
    preHandler: admin,
  }, async () => ({ items: await services.integrations.listWebhooks() }));

  app.post('/api/integrations/webhooks', {
    schema: {
      tags: ['integrations'],
      summary: 'Register a URL for events; each delivery is signed X-GRU-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body"> with the secret shown once (admin)',
      security,
      body: Type.Object({
        url: Type.String({ minLength: 8, maxLength: 2000 }),
        events: Type.Array(Type.Union([...WEBHOOK_EVENTS.map((e) => Type.Literal(e)), Type.Literal('*')]), { minItems: 1, maxItems: WEBHOOK_EVENTS.length + 1 }),
      }, { additionalProperties: false }),
      response: { 201: Type.Intersect([Webhook, Type.Object({ secret: Type.String({ description: 'shown once' }) })]), ...errors(400, 401, 403) },
    },
    preHandler: admin,
  }, async (request, reply) => reply.status(201).send(await services.integrations.createWebhook(actorOf(request), request.body)));

  app.delete('/api/integrations/webhooks/:id', {
    schema: { tags: ['integrations'], summary: 'Remove a webhook: its pending deliveries are cancelled (admin)', security, params: Type.Object({ id: ObjectIdString }), response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    preHandler: admin,
  }, async (request, reply) => {
    await services.integrations.deleteWebhook(actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/integrations/webhooks/:id/deliveries', {
    schema: {
      tags: ['integrations'], summary: 'The last 50 deliveries of a webhook, with tries and errors (admin)', security, params: Type.Object({ id: ObjectIdString }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            id: Type.String(), event: Type.String(), status: Type.String(), attempts: Type.Integer(), lastError: Type.Union([Type.String(), Type.Null()]),
            lastStatusCode: Type.Union([Type.Integer(), Type.Null()]), createdAt: Type.String(), deliveredAt: Type.Union([Type.String(), Type.Null()]), nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
          })),
        }),
        ...errors(401, 403, 404),
      },
    },
    preHandler: admin,
  }, async (request) => ({ items: await services.integrations.deliveries(request.params.id) }));
}

/** The system API's keys: listed (never the keys themselves), created (shown once), revoked (admin). */
function keyRoutes(app: Routes, services: Services, auth: AuthHooks) {
  const admin = auth.requireRole('admin');
  app.get('/api/integrations/keys', {
    schema: {
      tags: ['integrations'], summary: 'API keys of the back-office systems (never the keys themselves) (admin)', security,
      response: { 200: Type.Object({ items: Type.Array(ApiKey) }), ...errors(401, 403) },
    },
    preHandler: admin,
  }, async () => ({ items: await services.integrations.listKeys() }));

  app.post('/api/integrations/keys', {
    schema: {
      tags: ['integrations'], summary: 'A key for one system, with its scopes; shown once (admin)', security,
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 120 }), scopes: Type.Array(Type.Union(API_SCOPES.map((s) => Type.Literal(s))), { minItems: 1, maxItems: API_SCOPES.length }) }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), name: Type.String(), scopes: Type.Array(Type.String()), key: Type.String({ description: 'gru_<id>_<secret>: shown once' }) }), ...errors(400, 401, 403) },
    },
    preHandler: admin,
  }, async (request, reply) => reply.status(201).send(await services.integrations.createKey(actorOf(request), request.body)));

  app.delete('/api/integrations/keys/:id', {
    schema: { tags: ['integrations'], summary: 'Revoke an API key at once (admin)', security, params: Type.Object({ id: ObjectIdString }), response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    preHandler: admin,
  }, async (request, reply) => {
    await services.integrations.revokeKey(actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });
}
