// The citizen portal: a page and its API behind a secret link. A wrong or revoked link gets the same
// plain "not found", never another ticket.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fromCatalogue, sendPage } from './pages.js';
import type { Services } from '../../services/index.js';
import { principalOf, type AuthHooks } from '../auth.js';
import { errors, ObjectIdString, textAnswer } from '../schemas.js';

const PAGE = fromCatalogue(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../pages/portal.html'), 'utf8'));
const Token = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });

export const portalRoutes =
  (services: Services, auth: AuthHooks): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get('/portal/:token', { schema: { tags: ['portal'], summary: 'The citizen portal page (French)', params: Token, response: { 200: textAnswer('text/html', 'the page (the same for a wrong link: the page itself says "not found")') } } }, async (_request, reply) =>
      sendPage(reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer'), PAGE),
    );

    app.get('/api/portal/:token', {
      schema: {
        tags: ['portal'], summary: 'A ticket as its citizen sees it: public messages only', params: Token,
        response: {
          200: Type.Object({
            reference: Type.String(), status: Type.String(), agentFirstName: Type.Union([Type.String(), Type.Null()]),
            expectedBy: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
            messages: Type.Array(Type.Object({ id: Type.String(), direction: Type.String(), channel: Type.String(), text: Type.String(), createdAt: Type.String(), author: Type.Union([Type.String(), Type.Null()]) })),
            callback: Type.Union([Type.Object({ slot: Type.String(), label: Type.String() }), Type.Null()], { description: 'the call-back asked for, until a call reaches the citizen' }),
            callbackSlots: Type.Array(Type.Object({ slot: Type.String(), label: Type.String() }), { description: 'half-days that may be chosen for a call-back (empty when call-backs are off or the request is closed)' }),
            callbackPhone: Type.Union([Type.String(), Type.Null()], { description: 'the number we know, masked; null: the citizen must give one' }),
          }),
          ...errors(404),
        },
      },
    }, async (request, reply) => reply.header('cache-control', 'no-store').send(await services.portal.view(request.params.token)));

    app.post('/api/portal/:token/messages', {
      schema: {
        tags: ['portal'], summary: 'The citizen adds a message to the same thread', params: Token,
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 5000 }), clientId: Type.Optional(Type.String({ pattern: '^[\\w-]{1,64}$' })) }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Type.String(), reference: Type.String() }), ...errors(400, 404, 429) },
      },
    }, async (request, reply) => reply.status(201).send(await services.portal.post(request.params.token, request.body)));

    app.post('/api/portal/:token/callback', {
      schema: {
        tags: ['portal'], summary: 'The citizen asks to be called back in a half-day within opening hours', params: Token,
        body: Type.Object({
          slot: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}:(am|pm)$', description: '"YYYY-MM-DD:am" or "YYYY-MM-DD:pm", one of callbackSlots' }),
          phone: Type.Optional(Type.String({ maxLength: 40, description: 'the number to call, when not the one we know' })),
        }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Type.String(), reference: Type.String(), slot: Type.String(), label: Type.String() }), ...errors(400, 404, 429) },
      },
    }, async (request, reply) => {
      const ticket = await services.portal.forAction(request.params.token);
      return reply.status(201).send(await services.callbacks.requestFromPortal(ticket, request.body));
    });

    app.post('/api/tickets/:id/portal-links', {
      schema: { tags: ['portal'], summary: 'A new portal link for this ticket, to give the citizen', security: [{ bearer: [] }], params: Type.Object({ id: ObjectIdString }), response: { 201: Type.Object({ url: Type.String() }), ...errors(401, 404) } },
      preHandler: auth.authenticate,
    }, async (request, reply) => {
      const ticket = await services.tickets.loadVisible(principalOf(request), request.params.id);
      return reply.status(201).send({ url: await services.portal.createLink(ticket) });
    });

    app.post('/api/tickets/:id/portal-links/revoke', {
      schema: { tags: ['managers'], summary: "Revoke every portal link of a ticket (manager)", security: [{ bearer: [] }], params: Type.Object({ id: ObjectIdString }), response: { 200: Type.Object({ revoked: Type.Integer() }), ...errors(401, 403, 404) } },
      preHandler: auth.requireRole('manager', 'admin'),
    }, async (request) => services.portal.revokeAll({ kind: 'agent', id: principalOf(request).agentId }, request.params.id));
  };
