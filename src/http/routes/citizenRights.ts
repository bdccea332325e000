// The citizen's RGPD rights, from the managers' side: the record of everything held (the same readable
// document the citizen gets from their space, or JSON) and the erasure requests waiting, each due within
// a month. Erasure itself is DELETE /api/citizens/:id (citizens.ts).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.js';
import type { AuthHooks } from '../auth.js';
import { errors, textAnswer } from '../schemas.js';
import { sendRecord } from './citizenSpace.js';
import { actorOf, IdParams, security } from './common.js';

export const citizenRightsRoutes =
  (services: Services, auth: AuthHooks, settings: { serviceName: string; timeZone: string }): FastifyPluginAsyncTypebox =>
  async (app) => {
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
        response: { 200: Type.Object({ requests: Type.Array(Type.Object({ citizenId: Type.String(), name: Type.Union([Type.String(), Type.Null()]), at: Type.String(), dueBy: Type.String(), reference: Type.Union([Type.String(), Type.Null()], { description: 'their latest request, where the erasure is done from' }) })) }), ...errors(401, 403) },
      },
      preHandler: auth.requireRole('manager', 'admin'),
    }, async () => ({ requests: await services.space.erasureRequests() }));
  };
