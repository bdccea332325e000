// The citizen portal: a page and its API behind a secret link. A wrong or revoked link gets the same
// plain "not found", never another ticket.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import { MessageBody, messageOf, registerUploads } from '../citizenMessages.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fromCatalogue, sendPage } from './pages.js';
import type { Services } from '../../services/index.js';
import { principalOf, type AuthHooks } from '../auth.js';
import { PortalView } from '../answers.js';
import { errors, ObjectIdString, textAnswer } from '../schemas.js';
import type { Routes } from './common.js';

const PAGE = fromCatalogue(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../pages/portal.html'), 'utf8'));
const Token = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });
export const portalRoutes =
  (services: Services, auth: AuthHooks): FastifyPluginAsyncTypebox =>
  async (app) => {
    readingRoutes(app, services);
    await writingRoutes(app, services);
    linkRoutes(app, services, auth);
  };

/** The page, and the request as its citizen sees it. */
function readingRoutes(app: Routes, services: Services) {
  app.get('/portal/:token', { schema: { tags: ['portal'], summary: 'The citizen portal page (French)', params: Token, response: { 200: textAnswer('text/html', 'the page (the same for a wrong link: the page itself says "not found")') } } }, async (_request, reply) =>
    sendPage(reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer'), PAGE),
  );

  app.get('/api/portal/:token', {
    schema: {
      tags: ['portal'], summary: 'A ticket as its citizen sees it: public messages only', params: Token,
      response: {
        200: PortalView,
        ...errors(404),
      },
    },
  }, async (request, reply) => reply.header('cache-control', 'no-store').send(await services.portal.view(request.params.token)));
}

/** What the citizen does from the portal: a message (with documents), a call-back, a rating. */
async function writingRoutes(app: Routes, services: Services) {
  await registerUploads(app, services.documents.maxBytes);
  app.post('/api/portal/:token/messages', {
    schema: {
      tags: ['portal'],
      summary: 'The citizen adds a message to the same thread: JSON { text }, or multipart/form-data with fields text, clientId, item (a checklist piece) and up to five files (PDF, JPEG, PNG, HEIC)',
      params: Token,
      consumes: ['application/json', 'multipart/form-data'],
      body: MessageBody,
      response: { 201: Type.Object({ id: Type.String(), reference: Type.String() }), ...errors(400, 404, 413, 429) },
    },
  }, async (request, reply) => {
    // The link and its rate limit first: a wrong link is answered before any byte of the files is read.
    const ticket = await services.portal.forAction(request.params.token);
    const input = await messageOf(request, services.documents.maxBytes);
    return reply.status(201).send(await services.portal.post(request.params.token, input, ticket));
  });

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

  app.post('/api/portal/:token/satisfaction', {
    schema: {
      tags: ['portal'], summary: 'The citizen’s answer to the satisfaction question, once the request is resolved (the first answer is kept)', params: Token,
      body: Type.Object({ score: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false }),
      response: { 201: Type.Object({ score: Type.Integer(), comment: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 404, 409, 429) },
    },
  }, async (request, reply) => {
    const ticket = await services.portal.forAction(request.params.token);
    const answer = await services.satisfaction.answer(ticket._id, { ...request.body, channel: 'portal' }, { kind: 'citizen', id: String(ticket.citizenId) });
    return reply.status(201).send({ score: answer.score, comment: answer.comment ?? null });
  });
}

/** Portal links, from the agents' side: a new one to give, all revoked (manager). */
function linkRoutes(app: Routes, services: Services, auth: AuthHooks) {
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
}
