// The back-office's two doors. Admins register webhooks and API keys; systems call the system API with a
// key (`Authorization: Bearer gru_…`), never with an agent's token, and agents' routes never take keys.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Invalid, NotFound, Unauthorized } from '../../domain/errors.js';
import { API_SCOPES, WEBHOOK_EVENTS, type ApiScope } from '../../services/integrations/index.js';
import type { Services } from '../../services/index.js';
import { principalOf, type AuthHooks } from '../auth.js';
import { DocumentsChecklist, errors, ObjectIdString } from '../schemas.js';

const Webhook = Type.Object({
  id: Type.String(), url: Type.String(), events: Type.Array(Type.String()), active: Type.Boolean(), createdAt: Type.String({ format: 'date-time' }),
  lastDeliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()], { description: 'the last failed try (HTTP status or network error); retried with backoff' }),
  lastErrorAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  pending: Type.Integer({ description: 'deliveries not yet accepted by the endpoint' }),
});
const Reference = Type.Object({ reference: Type.String({ pattern: '^GRU-\\d{4}-\\d{6}$' }) });

export const integrationRoutes =
  (services: Services, auth: AuthHooks): FastifyPluginAsyncTypebox =>
  async (app) => {
    const security = [{ bearer: [] }];
    const admin = auth.requireRole('admin');
    const actorOf = (request: FastifyRequest) => ({ kind: 'agent' as const, id: principalOf(request).agentId });

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

    app.get('/api/integrations/keys', {
      schema: {
        tags: ['integrations'], summary: 'API keys of the back-office systems (never the keys themselves) (admin)', security,
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), scopes: Type.Array(Type.String()), createdAt: Type.String(), lastUsedAt: Type.Union([Type.String(), Type.Null()]) })) }), ...errors(401, 403) },
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

    // The system API.
    const system = (scope: ApiScope) => async (request: FastifyRequest) => {
      const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
      if (!match) throw new Unauthorized('integration.key_invalid');
      (request as FastifyRequest & { system?: { keyId: string; name: string } }).system = await services.integrations.authenticate(match[1]!, scope);
    };
    const systemOf = (request: FastifyRequest) => (request as FastifyRequest & { system: { keyId: string; name: string } }).system;
    const Update = Type.Object({ id: Type.String(), text: Type.String(), createdAt: Type.String(), channel: Type.String() });

    app.get('/api/system/tickets/:reference', {
      schema: {
        tags: ['system'], summary: 'A ticket by its reference, for a back-office system (API key with tickets:read): references, status, dates, category and back-office updates, never the citizen’s words', security, params: Reference,
        response: {
          200: Type.Object({
            reference: Type.String(), status: Type.String(), category: Type.Union([Type.String(), Type.Null()]), channel: Type.String(), openedAt: Type.String(), lastMessageAt: Type.String(),
            assignee: Type.Union([Type.Object({ name: Type.String() }), Type.Null()]),
            documents: DocumentsChecklist,
            satisfaction: Type.Union([Type.Integer(), Type.Null()]),
            updates: Type.Array(Update, { description: 'status updates sent by back-office systems' }),
          }),
          ...errors(401, 403, 404),
        },
      },
      preHandler: system('tickets:read'),
    }, async (request) => services.tickets.systemView(request.params.reference));

    app.post('/api/system/tickets/:reference/updates', {
      schema: {
        tags: ['system'], summary: 'A status update the citizen sees on the portal and receives on their channel; close: true resolves the request (API key with tickets:update)', security, params: Reference,
        body: Type.Object({
          text: Type.String({ minLength: 1, maxLength: 2000 }), close: Type.Optional(Type.Boolean()),
          attachments: Type.Optional(Type.Array(ObjectIdString, { maxItems: 5, description: 'ids from POST …/attachments (sent by email)' })),
        }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Type.String(), status: Type.String(), channel: Type.String() }), ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: system('tickets:update'),
    }, async (request, reply) => reply.status(201).send(await services.tickets.systemUpdate(systemOf(request), request.params.reference, request.body)));

    await app.register(async (files) => {
      await files.register(multipart, { limits: { files: 1, fileSize: services.documents.maxBytes, fields: 0, parts: 1 } });
      files.post('/api/system/tickets/:reference/attachments', {
        schema: {
          tags: ['system'], summary: 'A document for a coming status update (multipart/form-data, one PDF or image) (API key with tickets:update)', security,
          consumes: ['multipart/form-data'], params: Reference,
          response: { 201: Type.Object({ id: Type.String(), filename: Type.String(), contentType: Type.String(), size: Type.Integer() }), ...errors(400, 401, 403, 404, 413) },
        },
        preHandler: system('tickets:update'),
      }, async (request, reply) => {
        if (!request.isMultipart()) throw new Invalid('attachment.multipart_expected');
        const { reference } = request.params as { reference: string };
        const ticket = await services.models.tickets.findOne({ reference }, { _id: 1 }).lean();
        if (!ticket) throw new NotFound('ticket.not_found');
        // An unreadable part is no file: answered 400 below.
        const file = await request.file().catch(() => undefined);
        if (!file) throw new Invalid('attachment.no_file');
        const [stored] = await services.documents.store(ticket, [{ filename: file.filename, content: await file.toBuffer() }]);
        return reply.status(201).send({ id: stored!.ref.slice('attachment:'.length), filename: stored!.filename, contentType: stored!.contentType, size: stored!.size });
      });
    });
  };
