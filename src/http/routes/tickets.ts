// The agents' and managers' API on tickets: reading (inbox, thread, history), writing in the thread
// (replies, files, notes, call-backs, pieces to provide) and changing a ticket (status, assignment).
// Schemas, then one service call. Citizens and canned answers have their own files.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { REPLY_CHANNELS } from '../../../channels/registry.js';
import { DomainError, Invalid } from '../../domain/errors.js';
import { TICKET_STATUSES } from '../../domain/ticket.js';
import type { Services } from '../../services/index.js';
import { principalOf, type AuthHooks } from '../auth.js';
import { DocumentsChecklist, errors, fileAnswer, ObjectIdString } from '../schemas.js';
import { actorOf, IdParams, security, type Routes } from './common.js';
import { HistoryItem, Message, Priority, ReplyChannel, Status, TicketDetailFields, TicketSummary } from '../answers.js';

const toMessage = (m: { _id: unknown; ticketId: unknown; direction: string; channel: string; kind?: string | null; text: string; attachments: { filename?: string | null; contentType: string; size: number; ref: string }[]; createdAt?: Date; receivedAt: Date; status?: string | null; authorId?: unknown }) => ({
  id: String(m._id), ticketId: String(m.ticketId), direction: m.direction as 'out', channel: m.channel, kind: m.kind ?? undefined, text: m.text,
  attachments: m.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size, ref: a.ref })),
  createdAt: (m.createdAt ?? m.receivedAt).toISOString(), status: m.status ?? undefined,
});

export const ticketRoutes =
  (services: Services, auth: AuthHooks, options: { maxAttachmentBytes: number }): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Files come as multipart/form-data, one per request, never larger than the attachment limit.
    await app.register(multipart, { limits: { files: 1, fileSize: options.maxAttachmentBytes, fields: 0, parts: 1 } });
    app.addSchema(TicketSummary);
    app.addSchema(Message);
    readingRoutes(app, services, auth);
    threadRoutes(app, services, auth);
    changeRoutes(app, services, auth);
  };

/** The inbox, a ticket's thread and its history. */
function readingRoutes(app: Routes, services: Services, auth: AuthHooks) {
  app.get('/api/tickets', {
    schema: {
      tags: ['tickets'], summary: 'The inbox, sorted by due time', security,
      querystring: Type.Object({
        scope: Type.Union([Type.Literal('mine'), Type.Literal('team'), Type.Literal('unassigned'), Type.Literal('all')], { default: 'mine' }),
        status: Type.Optional(Type.String({ pattern: `^(${TICKET_STATUSES.join('|')})(,(${TICKET_STATUSES.join('|')}))*$`, description: 'one or more, comma-separated' })),
        channel: Type.Optional(Type.Union(REPLY_CHANNELS.map((c) => Type.Literal(c)))),
        category: Type.Optional(Type.String({ maxLength: 80 })),
        atRisk: Type.Optional(Type.Boolean()),
        q: Type.Optional(Type.String({ maxLength: 100, description: 'text in the subject, the reference or the citizen name' })),
        cursor: Type.Optional(Type.String({ maxLength: 200 })),
        limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Ref('TicketSummary')), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401, 403) },
    },
    preHandler: auth.authenticate,
  }, async (request) => {
    const { status, ...query } = request.query;
    return services.tickets.inbox(principalOf(request), { ...query, status: status?.split(',') as never });
  });

  app.get('/api/tickets/:id', {
    schema: {
      tags: ['tickets'], summary: 'A ticket with its citizen and its thread (paged backwards with before)', security,
      params: IdParams,
      querystring: Type.Object({ before: Type.Optional(ObjectIdString), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }, { additionalProperties: false }),
      response: { 200: Type.Intersect([Type.Ref('TicketSummary'), Type.Object({ ...TicketDetailFields.properties, citizen: Type.Ref('Citizen'), messages: Type.Array(Type.Ref('Message')) })]), ...errors(400, 401, 404) },
    },
    preHandler: auth.authenticate,
  }, async (request) => services.tickets.detail(principalOf(request), request.params.id, request.query));

  app.get('/api/tickets/:id/history', {
    schema: {
      tags: ['tickets'], summary: 'What happened to the ticket: assignments with who and why, status changes, SLA events', security, params: IdParams,
      response: {
        200: Type.Object({
          items: Type.Array(HistoryItem),
        }),
        ...errors(401, 404),
      },
    },
    preHandler: auth.authenticate,
  }, async (request) => ({ items: await services.tickets.history(principalOf(request), request.params.id) }));

}

/** What agents write in a thread: replies, files, notes, a call-back, pieces to provide. */
function threadRoutes(app: Routes, services: Services, auth: AuthHooks) {
  app.post('/api/tickets/:id/replies', {
    schema: {
      tags: ['tickets'], summary: "Reply on the citizen's last channel, or one of theirs; queued in the outbox", security,
      params: IdParams,
      body: Type.Object({
        text: Type.Optional(Type.String({ maxLength: 10_000 })), channel: Type.Optional(ReplyChannel), cannedAnswerId: Type.Optional(ObjectIdString),
        attachments: Type.Optional(Type.Array(ObjectIdString, { maxItems: 10, description: 'ids given by POST /api/tickets/:id/attachments (email only)' })),
      }, { additionalProperties: false }),
      response: { 201: Type.Ref('Message'), ...errors(400, 401, 404, 409, 503) },
    },
    preHandler: auth.authenticate,
  }, async (request, reply) => reply.status(201).send(toMessage(await services.tickets.reply(principalOf(request), request.params.id, request.body))));

  app.post('/api/tickets/:id/attachments', {
    schema: {
      tags: ['tickets'], summary: 'Adds a file for a coming email reply (multipart/form-data, one file under the attachment limit)', security,
      consumes: ['multipart/form-data'], params: IdParams,
      response: { 201: Type.Object({ id: Type.String(), ref: Type.String(), filename: Type.String(), contentType: Type.String(), size: Type.Integer() }), ...errors(400, 401, 404, 413) },
    },
    preHandler: auth.authenticate,
  }, async (request, reply) => {
    if (!request.isMultipart()) throw new Invalid('attachment.multipart_expected');
    const file = await readOneFile(request);
    return reply.status(201).send(await services.tickets.addAttachment(principalOf(request), request.params.id, file));
  });

  app.get('/api/tickets/:id/attachments/:attachmentId', {
    schema: {
      tags: ['tickets'], summary: "Downloads a file of the ticket (always as a download, never rendered in the console's origin)", security,
      params: Type.Object({ id: ObjectIdString, attachmentId: ObjectIdString }),
      response: { 200: fileAnswer('the file, with its own content type, as an attachment'), ...errors(401, 404) },
    },
    preHandler: auth.authenticate,
  }, async (request, reply) => {
    const file = await services.tickets.attachment(principalOf(request), request.params.id, request.params.attachmentId);
    const ascii = file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
    return reply
      .header('content-type', file.contentType.replace(/[\r\n]/g, ''))
      .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(file.content);
  });

  app.post('/api/tickets/:id/notes', {
    schema: {
      tags: ['tickets'], summary: 'An internal note: never sent, never on the portal', security,
      params: IdParams, body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 10_000 }) }, { additionalProperties: false }),
      response: { 201: Type.Ref('Message'), ...errors(400, 401, 404) },
    },
    preHandler: auth.authenticate,
  }, async (request, reply) => reply.status(201).send(toMessage(await services.tickets.note(principalOf(request), request.params.id, request.body.text))));

  app.post('/api/tickets/:id/call', {
    schema: {
      tags: ['tickets'], summary: "Call the citizen back: Twilio rings the agent's own phone, then bridges to the citizen showing the service's number", security,
      params: IdParams,
      response: { 201: Type.Object({ id: Type.String({ description: "the thread entry (kind 'call') that follows the call" }), state: Type.String() }), ...errors(400, 401, 404) },
    },
    preHandler: auth.authenticate,
  }, async (request, reply) => {
    const principal = principalOf(request);
    const ticket = await services.tickets.loadVisible(principal, request.params.id);
    return reply.status(201).send(await services.callbacks.call(principal, ticket));
  });

  app.post('/api/tickets/:id/documents', {
    schema: {
      tags: ['tickets'], summary: '"Pièces à fournir": adds pieces to the checklist the portal shows, and tells the citizen which (with their link) on their channel', security,
      params: IdParams,
      body: Type.Object({ items: Type.Array(Type.String({ minLength: 1, maxLength: 120 }), { minItems: 1, maxItems: 20 }), channel: Type.Optional(ReplyChannel) }, { additionalProperties: false }),
      response: { 200: Type.Object({ documents: DocumentsChecklist }), ...errors(400, 401, 404, 409) },
    },
    preHandler: auth.authenticate,
  }, async (request) => services.tickets.requestDocuments(principalOf(request), request.params.id, request.body.items, request.body.channel));
}

/** Status, category and priority; a manager's reassignment. */
function changeRoutes(app: Routes, services: Services, auth: AuthHooks) {
  app.patch('/api/tickets/:id', {
    schema: {
      tags: ['tickets'], summary: 'Status (pending pauses the clock), category, priority: only the fields sent change', security,
      params: IdParams,
      body: Type.Object({
        status: Type.Optional(Status), category: Type.Optional(Type.Union([Type.String({ maxLength: 80 }), Type.Null()])), priority: Type.Optional(Priority),
        version: Type.Optional(Type.Integer({ minimum: 0, description: 'the version the change started from (GET gives it): 409 conflict, with the current values, when the ticket changed since' })),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: Type.Ref('TicketSummary'), ...errors(400, 401, 404, 409) },
    },
    preHandler: auth.authenticate,
  }, async (request) => services.tickets.update(principalOf(request), request.params.id, request.body));

  app.post('/api/tickets/:id/assign', {
    schema: {
      tags: ['managers'], summary: 'Give one ticket to another agent (manager)', security,
      params: IdParams, body: Type.Object({ agentId: ObjectIdString, reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
      response: { 200: Type.Ref('TicketSummary'), ...errors(400, 401, 403, 404) },
    },
    preHandler: auth.requireRole('manager', 'admin'),
  }, async (request) => services.tickets.assign(actorOf(request), request.params.id, request.body.agentId, request.body.reason));
}

/**
 * The one file of a multipart form. A body the parser cannot read (no boundary, cut short) or a form
 * with other parts is the client's fault: 400, never 500; past the size limit: 413.
 */
async function readOneFile(request: FastifyRequest): Promise<{ filename: string; contentType: string; content: Buffer }> {
  try {
    const file = await request.file();
    if (!file) throw new Invalid('attachment.no_file');
    return { filename: file.filename, contentType: file.mimetype, content: await file.toBuffer() };
  } catch (err) {
    if (err instanceof DomainError || (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw err;
    if (['FST_FIELDS_LIMIT', 'FST_PARTS_LIMIT', 'FST_FILES_LIMIT'].includes((err as { code?: string }).code ?? '')) throw new Invalid('attachment.one_file_only');
    throw new Invalid('attachment.unreadable');
  }
}

