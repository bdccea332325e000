// Citizens over HTTP: reading and renaming one (needs access to one of their tickets), and what
// managers do (recurring agent, merge, RGPD export and erasure, a leaving agent's hand-over).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFound } from '../../domain/errors.js';
import type { Services } from '../../services/index.js';
import { principalOf, type AuthHooks } from '../auth.js';
import { errors, ObjectIdString, textAnswer } from '../schemas.js';
import { sendRecord } from './citizenSpace.js';
import { actorOf, IdParams, security } from './common.js';

export const citizenRoutes =
  (services: Services, auth: AuthHooks, settings: { serviceName: string; timeZone: string }): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Citizens. Reading one needs access to one of their tickets; the rest is for managers.
    app.get('/api/citizens/:id', {
      schema: { tags: ['citizens'], summary: 'A citizen with identities, recurring agent and tickets', security, params: IdParams, response: { 200: Type.Ref('Citizen'), ...errors(401, 404) } },
      preHandler: auth.authenticate,
    }, async (request) => {
      const principal = principalOf(request);
      const citizen = await services.citizens.get(request.params.id);
      if (principal.role === 'agent') {
        const visible = await Promise.all(citizen.tickets.map((t) => services.access.canSeeTicket(principal, t.id)));
        if (!visible.some(Boolean)) throw new NotFound('citizen.not_found');
      }
      return citizen;
    });

    app.patch('/api/citizens/:id', {
      schema: {
        tags: ['citizens'], summary: "Correct a citizen's name (any agent who may see one of their tickets)", security,
        params: IdParams, body: Type.Object({ name: Type.Union([Type.String({ maxLength: 120 }), Type.Null()]) }, { additionalProperties: false }),
        response: { 200: Type.Ref('Citizen'), ...errors(400, 401, 404) },
      },
      preHandler: auth.authenticate,
    }, async (request) => {
      const principal = principalOf(request);
      if (principal.role === 'agent') {
        const citizen = await services.citizens.get(request.params.id);
        const visible = await Promise.all(citizen.tickets.map((t) => services.access.canSeeTicket(principal, t.id)));
        if (!visible.some(Boolean)) throw new NotFound('citizen.not_found');
      }
      return services.citizens.rename(actorOf(request), request.params.id, request.body.name);
    });

    app.put('/api/citizens/:id/recurring-agent', {
      schema: {
        tags: ['managers'], summary: "Change a citizen's recurring agent: open tickets follow (manager)", security,
        params: IdParams, body: Type.Object({ agentId: ObjectIdString, reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: { 200: Type.Ref('Citizen'), ...errors(400, 401, 403, 404) },
      },
      preHandler: auth.requireRole('manager', 'admin'),
    }, async (request) => services.citizens.setRecurringAgent(actorOf(request), request.params.id, request.body.agentId, request.body.reason));

    app.post('/api/citizens/:id/merge', {
      schema: {
        tags: ['managers'], summary: 'Merge another record of the same person into this one (manager)', security,
        params: IdParams, body: Type.Object({ otherId: ObjectIdString }, { additionalProperties: false }),
        response: { 200: Type.Ref('Citizen'), ...errors(400, 401, 403, 404) },
      },
      preHandler: auth.requireRole('manager', 'admin'),
    }, async (request) => services.citizens.merge(actorOf(request), request.params.id, request.body.otherId));

    app.get('/api/citizens/:id/export', {
      schema: {
        tags: ['managers'], summary: 'Everything held about the citizen (RGPD access; manager): the readable French document the citizen gets from their space, or ?format=json',
        security, params: IdParams, querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('json')])) }),
        response: { 200: textAnswer('text/html', 'the document (JSON with ?format=json)'), ...errors(401, 403, 404) },
      },
      preHandler: auth.requireRole('manager', 'admin'),
    }, async (request, reply) => sendRecord(reply, await services.citizens.exportAll(actorOf(request), request.params.id, settings.serviceName), request.query.format, settings.timeZone));

    app.get('/api/citizens/erasure-requests', {
      schema: {
        tags: ['managers'], summary: 'Citizens who asked for erasure from their space, the oldest first, with the date it is due (a month) (manager)', security,
        response: { 200: Type.Object({ requests: Type.Array(Type.Object({ citizenId: Type.String(), name: Type.Union([Type.String(), Type.Null()]), at: Type.String(), dueBy: Type.String() })) }), ...errors(401, 403) },
      },
      preHandler: auth.requireRole('manager', 'admin'),
    }, async () => ({ requests: await services.space.erasureRequests() }));

    app.delete('/api/citizens/:id', {
      schema: { tags: ['managers'], summary: 'Anonymise the citizen (RGPD erasure); statistics are kept (manager)', security, params: IdParams, response: { 200: Type.Object({ id: Type.String(), anonymisedAt: Type.String() }), ...errors(401, 403, 404) } },
      preHandler: auth.requireRole('manager', 'admin'),
    }, async (request) => services.citizens.anonymise(actorOf(request), request.params.id));

    app.post('/api/agents/:id/handover', {
      schema: {
        tags: ['managers'], summary: "Move all of a leaving agent's citizens to another agent (manager)", security,
        params: IdParams, body: Type.Object({ toAgentId: ObjectIdString, reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ citizens: Type.Integer(), tickets: Type.Integer({ description: 'open requests that were theirs directly (a manager had given them)' }) }), ...errors(400, 401, 403, 404) },
      },
      preHandler: auth.requireRole('manager', 'admin'),
    }, async (request) => services.citizens.handOver(actorOf(request), request.params.id, request.body.toAgentId, request.body.reason));
  };
