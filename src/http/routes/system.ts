// The system API: back-office systems call it with a key (`Authorization: Bearer gru_…`), never with an
// agent's token; they read a ticket's state and send status updates and documents to the citizen.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Invalid, NotFound, Unauthorized } from '../../domain/errors.js';
import type { ApiScope } from '../../services/integrations/index.js';
import type { Services } from '../../services/index.js';
import { DocumentsChecklist, errors, ObjectIdString } from '../schemas.js';
import { security } from './common.js';

const Reference = Type.Object({ reference: Type.String({ pattern: '^GRU-\\d{4}-\\d{6}$' }) });
const Update = Type.Object({ id: Type.String(), text: Type.String(), createdAt: Type.String(), channel: Type.String() });
type SystemRequest = FastifyRequest & { system?: { keyId: string; name: string } };
const systemOf = (request: FastifyRequest) => (request as SystemRequest).system!;

export const systemRoutes =
  (services: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    /** The key's system, with the scope asked; 401 or 403 otherwise. */
    const system = (scope: ApiScope) => async (request: FastifyRequest) => {
      const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
      if (!match) throw new Unauthorized('integration.key_invalid');
      (request as SystemRequest).system = await services.integrations.authenticate(match[1]!, scope);
    };
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
        const ticket = await services.lookups.ticketIdByReference(reference);
        if (!ticket) throw new NotFound('ticket.not_found');
        // An unreadable part is no file: answered 400 below.
        const file = await request.file().catch(() => undefined);
        if (!file) throw new Invalid('attachment.no_file');
        const [stored] = await services.documents.store(ticket, [{ filename: file.filename, content: await file.toBuffer() }]);
        return reply.status(201).send({ id: stored!.ref.slice('attachment:'.length), filename: stored!.filename, contentType: stored!.contentType, size: stored!.size });
      });
    });
  };
