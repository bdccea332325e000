// Citizens over HTTP: reading and renaming one (needs access to one of their tickets), and what
// managers do (recurring agent, merge, erasure, a leaving agent's hand-over; the export is in citizenRights.ts).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFound } from '../../domain/errors.js';
import type { Services } from '../../services/index.js';
import { principalOf, type AuthHooks } from '../auth.js';
import { errors, ObjectIdString } from '../schemas.js';
import { actorOf, IdParams, security } from './common.js';

export const citizenRoutes =
  (services: Services, auth: AuthHooks): FastifyPluginAsyncTypebox =>
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
