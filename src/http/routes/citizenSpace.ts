// « Mon espace »: the page and its API. Sign-in by a code sent to an address we know (the same answer for
// any address), then the citizen's requests, what they do in them, their data and its erasure. Every
// route that changes something refuses cross-site requests; the session lives in the gru_citizen cookie.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { type CitizenRecord, renderCitizenRecord } from '../../domain/citizenRecord.js';
import type { SpaceSession } from '../../services/citizenSpace/index.js';
import { t } from '../../i18n/catalogue.js';
import type { Services } from '../../services/index.js';
import { PortalView } from '../answers.js';
import { MessageBody, messageOf, registerUploads } from '../citizenMessages.js';
import { type CitizenSessionHooks, sessionOf } from '../citizenSession.js';
import { errors, textAnswer } from '../schemas.js';
import type { Routes } from './common.js';
import { escapeHtml, fromCatalogue, sendPage } from './pages.js';

const PAGE = fromCatalogue(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../pages/espace.html'), 'utf8'));
const Reference = Type.Object({ reference: Type.String({ minLength: 1, maxLength: 40 }) });
const Address = Type.String({ minLength: 3, maxLength: 254, description: 'an email address or a phone number, in any usual writing' });
const RequestLine = Type.Object({
  reference: Type.String(), status: Type.String(), subject: Type.String(), category: Type.Union([Type.String(), Type.Null()]), channel: Type.String(),
  openedAt: Type.String(), lastMessageAt: Type.String(), dueAt: Type.Union([Type.String(), Type.Null()]), agentFirstName: Type.Union([Type.String(), Type.Null()]),
});
/** Where the browser reads who the space belongs to. */
const SessionView = Type.Object({
  method: Type.String(), linked: Type.Boolean(), name: Type.Union([Type.String(), Type.Null()]), expiresAt: Type.String(), categories: Type.Array(Type.String()),
});

export const citizenSpaceRoutes =
  (services: Services, hooks: CitizenSessionHooks, settings: { timeZone: string; serviceName: string }): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addHook('preHandler', hooks.sameSite);
    // The page names the service, as the portal does.
    const service = settings.serviceName.charAt(0).toLocaleUpperCase('fr-FR') + settings.serviceName.slice(1);
    const page = PAGE.replace('<p id="service" class="service"></p>', `<p id="service" class="service">${escapeHtml(t('ui.portal.service_name', { service }))}</p>`);
    app.get('/espace', { schema: { tags: ['citizen space'], summary: 'The citizen space page (French, phone first)', response: { 200: textAnswer('text/html', 'the page') } } }, async (_request, reply) =>
      sendPage(reply.header('cache-control', 'no-store'), page),
    );
    sessionRoutes(app, services, hooks);
    await requestRoutes(app, services, hooks);
    dataRoutes(app, services, hooks, settings);
  };

/** Entering and leaving the space. */
function sessionRoutes(app: Routes, services: Services, hooks: CitizenSessionHooks) {
  const space = services.space;
  app.post('/api/citizen/session/code', {
    schema: {
      tags: ['citizen space'], summary: 'A 6-digit code to this address if it is one we know (email or SMS, 10 minutes): the same 202 for any address',
      body: Type.Object({ address: Address }, { additionalProperties: false }),
      response: { 202: Type.Object({ message: Type.String() }), ...errors(400, 403, 429) },
    },
  }, async (request, reply) => {
    await space.sendCode(request.body.address, request.ip);
    return reply.status(202).send({ message: t('space.code_sent') });
  });

  app.post('/api/citizen/session', {
    schema: {
      tags: ['citizen space'], summary: 'The code typed back: opens a session (cookie gru_citizen), or links a FranceConnect identity to the citizen of that address',
      body: Type.Object({ address: Address, code: Type.String({ minLength: 1, maxLength: 12 }) }, { additionalProperties: false }),
      response: { 200: SessionView, ...errors(400, 403, 429) },
    },
  }, async (request, reply) => {
    const current = await hooks.readSession(request, reply);
    const { token } = await space.signIn(request.body.address, request.body.code, request.ip, current);
    // A new session replaces the one this browser had (a FranceConnect one it linked stays).
    if (token && current) await space.end(current);
    const session = token ? await space.resume(token) : await space.resume(request.cookies.gru_citizen);
    if (token && session) hooks.setSession(reply, token, session.expiresAt);
    return sessionView(services, session!);
  });

  app.get('/api/citizen/session', {
    schema: { tags: ['citizen space'], summary: 'Whose space this is, and until when (401 without a live session)', response: { 200: SessionView, ...errors(401) } },
    preHandler: hooks.requireSession,
  }, async (request) => sessionView(services, sessionOf(request)));

  app.delete('/api/citizen/session', {
    schema: { tags: ['citizen space'], summary: 'Signs out (the FranceConnect session too: follow logoutUrl)', response: { 200: Type.Object({ logoutUrl: Type.Union([Type.String(), Type.Null()]) }), ...errors(403) } },
  }, async (request, reply) => {
    const session = await hooks.readSession(request, reply);
    hooks.clearSession(reply);
    if (!session) return { logoutUrl: null };
    const { franceConnectIdToken } = await space.end(session);
    return { logoutUrl: franceConnectIdToken && space.franceConnect ? await space.franceConnect.logoutUrl(franceConnectIdToken) : null };
  });
}

async function sessionView(services: Services, session: SpaceSession) {
  const name = session.citizenId ? await services.lookups.citizenName(session.citizenId) : null;
  return { method: session.method, linked: !!session.citizenId, name, expiresAt: session.expiresAt.toISOString(), categories: await services.space.categories() };
}

/** The citizen's requests, and what they do in them. */
async function requestRoutes(app: Routes, services: Services, hooks: CitizenSessionHooks) {
  const space = services.space;
  const preHandler = hooks.requireSession;
  app.get('/api/citizen/requests', {
    schema: { tags: ['citizen space'], summary: 'The citizen’s requests, open and past, newest first', response: { 200: Type.Object({ requests: Type.Array(RequestLine) }), ...errors(401) } },
    preHandler,
  }, async (request) => ({ requests: await space.list(sessionOf(request)) }));

  app.post('/api/citizen/requests', {
    schema: {
      tags: ['citizen space'], summary: 'A new request, routed like any first message (in the category chosen, if it is one of the service’s)',
      body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 5000 }), category: Type.Optional(Type.String({ maxLength: 100 })), clientId: Type.Optional(Type.String({ pattern: '^[\\w-]{1,64}$' })) }, { additionalProperties: false }),
      response: { 201: Type.Object({ reference: Type.String(), status: Type.String() }), ...errors(400, 401, 403, 429) },
    },
    preHandler,
  }, async (request, reply) => reply.status(201).send(await space.open(sessionOf(request), request.body)));

  app.get('/api/citizen/requests/:reference', {
    schema: { tags: ['citizen space'], summary: 'One of the citizen’s requests, as the portal shows it (another citizen’s: 404)', params: Reference, response: { 200: PortalView, ...errors(401, 404) } },
    preHandler,
  }, async (request, reply) => reply.header('cache-control', 'no-store').send(await space.detail(sessionOf(request), request.params.reference)));

  await registerUploads(app, services.documents.maxBytes);
  app.post('/api/citizen/requests/:reference/messages', {
    schema: {
      tags: ['citizen space'], summary: 'The citizen writes in one of their requests: JSON { text }, or multipart/form-data with documents (as on the portal)', params: Reference,
      consumes: ['application/json', 'multipart/form-data'], body: MessageBody,
      response: { 201: Type.Object({ id: Type.String(), reference: Type.String() }), ...errors(400, 401, 403, 404, 413, 429) },
    },
    preHandler,
  }, async (request, reply) => {
    const session = sessionOf(request);
    const ticket = await space.forAction(session, request.params.reference);
    return reply.status(201).send(await space.write(session, ticket, await messageOf(request, services.documents.maxBytes)));
  });

  app.post('/api/citizen/requests/:reference/callback', {
    schema: {
      tags: ['citizen space'], summary: 'A call-back in a half-day within opening hours (as on the portal)', params: Reference,
      body: Type.Object({ slot: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}:(am|pm)$' }), phone: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), reference: Type.String(), slot: Type.String(), label: Type.String() }), ...errors(400, 401, 403, 404, 429) },
    },
    preHandler,
  }, async (request, reply) => {
    const ticket = await space.forAction(sessionOf(request), request.params.reference);
    return reply.status(201).send(await services.callbacks.requestFromPortal(ticket, request.body));
  });

  app.post('/api/citizen/requests/:reference/satisfaction', {
    schema: {
      tags: ['citizen space'], summary: 'The citizen rates a resolved request, 1 to 5 (the first answer is kept)', params: Reference,
      body: Type.Object({ score: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false }),
      response: { 201: Type.Object({ score: Type.Integer(), comment: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401, 403, 404, 409, 429) },
    },
    preHandler,
  }, async (request, reply) => {
    const ticket = await space.forAction(sessionOf(request), request.params.reference);
    const answer = await services.satisfaction.answer(ticket._id, { ...request.body, channel: 'portal' }, { kind: 'citizen', id: String(ticket.citizenId) });
    return reply.status(201).send({ score: answer.score, comment: answer.comment ?? null });
  });
}

/** The citizen's own data: the record of what is held, and erasure. */
function dataRoutes(app: Routes, services: Services, hooks: CitizenSessionHooks, settings: { timeZone: string }) {
  app.get('/api/citizen/export', {
    schema: {
      tags: ['citizen space'], summary: 'Everything the service holds about the citizen: a readable French document, or ?format=json',
      querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('json')])) }),
      response: { 200: textAnswer('text/html', 'the document (JSON with ?format=json)'), ...errors(401, 403) },
    },
    preHandler: hooks.requireSession,
  }, async (request, reply) => {
    const record = await services.space.exportData(sessionOf(request));
    return sendRecord(reply, record, request.query.format, settings.timeZone);
  });

  app.post('/api/citizen/erasure-request', {
    schema: {
      tags: ['citizen space'], summary: 'The citizen asks for their data to be erased: managers have a month (they see it at once); the citizen is told on their channel',
      response: { 201: Type.Object({ at: Type.String(), dueBy: Type.String() }), ...errors(401, 403, 409) },
    },
    preHandler: hooks.requireSession,
  }, async (request, reply) => reply.status(201).send(await services.space.requestErasure(sessionOf(request))));
}

/** The record as a readable page (nothing to run, inline style only) or as JSON, to keep. */
export function sendRecord(reply: FastifyReply, record: CitizenRecord, format: 'html' | 'json' | undefined, timeZone: string) {
  const day = record.exportedAt.slice(0, 10);
  reply.header('cache-control', 'no-store');
  if (format === 'json') return reply.header('content-disposition', `attachment; filename="donnees-${day}.json"`).type('application/json; charset=utf-8').send(JSON.stringify(record));
  return reply
    .header('content-disposition', `inline; filename="donnees-${day}.html"`)
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
    .type('text/html; charset=utf-8')
    .send(renderCitizenRecord(record, timeZone));
}
