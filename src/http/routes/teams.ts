// Teams over HTTP: listed with their members (any agent), created and renamed, one made the default (admin).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.js';
import type { AuthHooks } from '../auth.js';
import { Team } from '../answers.js';
import { errors, ObjectIdString } from '../schemas.js';
import { actorOf } from './common.js';


export const teamRoutes =
  (services: Services, auth: AuthHooks): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get('/api/teams', {
      schema: {
        tags: ['teams'], summary: 'Teams with their number of active members (any agent)', security: [{ bearer: [] }],
        response: { 200: Type.Object({ items: Type.Array(Team) }), ...errors(401) },
      },
      preHandler: auth.authenticate,
    }, async () => ({ items: await services.teams.list() }));

    app.post('/api/teams', {
      schema: {
        tags: ['teams'], summary: 'Create a team (admin)', security: [{ bearer: [] }],
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 80 }), isDefault: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 201: Team, ...errors(400, 401, 403, 409) },
      },
      preHandler: auth.requireRole('admin'),
    }, async (request, reply) => reply.status(201).send(await services.teams.create(actorOf(request), request.body)));

    app.patch('/api/teams/:id', {
      schema: {
        tags: ['teams'], summary: 'Rename a team, or make it the default one (admin)', security: [{ bearer: [] }],
        params: Type.Object({ id: ObjectIdString }),
        body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })), isDefault: Type.Optional(Type.Literal(true)) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: Team, ...errors(400, 401, 403, 404, 409) },
      },
      preHandler: auth.requireRole('admin'),
    }, async (request) => services.teams.update(actorOf(request), request.params.id, request.body));
  };
