import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Forbidden } from '../../domain/errors.js';
import { MIN_PASSWORD_LENGTH } from '../../services/agents.js';
import type { Services } from '../../services/index.js';
import { principalOf, type AuthHooks } from '../auth.js';
import { agentRef, errors, ObjectIdString } from '../schemas.js';

const Role = Type.Union([Type.Literal('agent'), Type.Literal('manager'), Type.Literal('admin')]);

export const agentRoutes =
  (services: Services, auth: AuthHooks): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post('/api/agents', {
      schema: {
        tags: ['agents'],
        summary: 'Create an agent (admin)',
        security: [{ bearer: [] }],
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 120 }),
          email: Type.String({ minLength: 3, maxLength: 254 }),
          password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 }),
          role: Role,
          team: Type.Optional(ObjectIdString),
        }, { additionalProperties: false }),
        response: { 201: agentRef, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: auth.requireRole('admin'),
    }, async (request, reply) => {
      const { team, ...rest } = request.body;
      const agent = await services.agents.create({ kind: 'agent', id: principalOf(request).agentId }, { ...rest, teamId: team });
      return reply.status(201).send(agent);
    });

    app.get('/api/agents', {
      schema: {
        tags: ['agents'],
        summary: 'Agents with their availability and open load (manager, admin)',
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ items: Type.Array(Type.Intersect([agentRef, Type.Object({ openTickets: Type.Integer() })])) }), ...errors(401, 403) },
      },
      preHandler: auth.requireRole('manager', 'admin'),
    }, async () => ({ items: await services.agents.list() }));

    app.patch('/api/agents/:id', {
      schema: {
        tags: ['agents'],
        summary: 'Set availability and cover (manager, admin, or the agent for themselves)',
        security: [{ bearer: [] }],
        params: Type.Object({ id: ObjectIdString }),
        body: Type.Object({
          availability: Type.Optional(Type.Union([Type.Literal('available'), Type.Literal('away')])),
          coverAgentId: Type.Optional(Type.Union([ObjectIdString, Type.Null()])),
          until: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
        }, { additionalProperties: false }),
        response: { 200: agentRef, ...errors(400, 401, 403, 404) },
      },
      preHandler: auth.authenticate,
    }, async (request) => {
      const principal = principalOf(request);
      const isSelf = principal.agentId === request.params.id;
      if (!isSelf && principal.role === 'agent') throw new Forbidden('an agent may only change their own availability');
      const { availability, coverAgentId, until } = request.body;
      return services.agents.setAvailability({ kind: 'agent', id: principal.agentId }, request.params.id, {
        availability,
        coverAgentId,
        until: until ? new Date(until) : null,
      });
    });
  };
