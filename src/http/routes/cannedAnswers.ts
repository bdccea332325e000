// Canned answers: shared ones (the service's or a team's, managers') and personal ones (any agent), and
// one filled in for a ticket.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.js';
import { principalOf, type AuthHooks } from '../auth.js';
import { errors, ObjectIdString } from '../schemas.js';
import { IdParams, security } from './common.js';
import { CannedAnswer } from '../answers.js';


export const cannedAnswerRoutes =
  (services: Services, auth: AuthHooks): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addSchema(CannedAnswer);
    // Canned answers.
    const CannedFields = {
      title: Type.String({ minLength: 1, maxLength: 120 }), body: Type.String({ minLength: 1, maxLength: 10_000 }), teamId: Type.Optional(Type.Union([ObjectIdString, Type.Null()])),
      documents: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 120 }), { maxItems: 20, description: '"pièces à fournir": sending this answer adds them to the ticket\'s checklist on the portal' })),
    };
    const CannedBody = Type.Object({ ...CannedFields, personal: Type.Optional(Type.Boolean({ description: "only for its author (any agent); shared ones are the managers'" })) }, { additionalProperties: false });
    const CannedChange = Type.Partial(Type.Object(CannedFields), { additionalProperties: false, minProperties: 1 });
    app.get('/api/canned-answers', {
      schema: { tags: ['canned answers'], summary: "Shared answers and the agent's team's", security, response: { 200: Type.Object({ items: Type.Array(Type.Ref('CannedAnswer')) }), ...errors(401) } },
      preHandler: auth.authenticate,
    }, async (request) => ({ items: await services.cannedAnswers.list(principalOf(request)) }));
    app.get('/api/tickets/:id/canned-answers/:answerId', {
      schema: { tags: ['canned answers'], summary: 'A canned answer with its variables filled for this ticket', security, params: Type.Object({ id: ObjectIdString, answerId: ObjectIdString }), response: { 200: Type.Object({ text: Type.String() }), ...errors(401, 404) } },
      preHandler: auth.authenticate,
    }, async (request) => {
      const principal = principalOf(request);
      const ticket = await services.tickets.loadVisible(principal, request.params.id);
      return { text: await services.tickets.renderCannedFor(principal, request.params.answerId, ticket) };
    });
    app.post('/api/canned-answers', {
      schema: { tags: ['canned answers'], summary: 'Create: personal (any agent), for the service or a team (manager)', security, body: CannedBody, response: { 201: Type.Ref('CannedAnswer'), ...errors(400, 401, 403, 404) } },
      preHandler: auth.authenticate,
    }, async (request, reply) => reply.status(201).send(await services.cannedAnswers.create(principalOf(request), request.body)));
    app.patch('/api/canned-answers/:id', {
      schema: { tags: ['canned answers'], summary: 'Change: your personal one, or a shared one (manager)', security, params: IdParams, body: CannedChange, response: { 200: Type.Ref('CannedAnswer'), ...errors(400, 401, 403, 404) } },
      preHandler: auth.authenticate,
    }, async (request) => services.cannedAnswers.update(principalOf(request), request.params.id, request.body));
    app.delete('/api/canned-answers/:id', {
      schema: { tags: ['canned answers'], summary: 'Delete: your personal one, or a shared one (manager)', security, params: IdParams, response: { 204: Type.Null(), ...errors(401, 403, 404) } },
      preHandler: auth.authenticate,
    }, async (request, reply) => {
      await services.cannedAnswers.remove(principalOf(request), request.params.id);
      return reply.status(204).send(null);
    });
  };
