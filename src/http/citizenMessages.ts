// A citizen's message with documents, as the portal and the space take it: JSON { text, clientId }, or
// multipart/form-data whose parts are read (and checked) one by one as they stream in.
import multipart from '@fastify/multipart';
import { Type, type Static } from '@sinclair/typebox';
import { errorCodes as fastifyErrors, type FastifyInstance, type FastifyRequest } from 'fastify';
import { sizeLabel } from '../domain/documents.js';
import { Invalid, TooLarge } from '../domain/errors.js';

const MAX_FILES = 5;

/** Documents: up to five files a message, each under PORTAL_MAX_FILE_BYTES, checked by their content. */
export function registerUploads(app: FastifyInstance, maxBytes: number) {
  return app.register(multipart, { limits: { files: MAX_FILES, fileSize: maxBytes, fields: 5, parts: MAX_FILES + 5, fieldSize: 20_000 }, throwFileSizeLimit: true });
}


/** The fields and files of a portal message sent as multipart/form-data. */
export async function readMessageParts(request: FastifyRequest, maxBytes: number) {
  const input: { text: string; clientId?: string; item?: string; files: { filename: string; content: Buffer }[] } = { text: '', files: [] };
  let current = '';
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        current = part.filename || 'document';
        input.files.push({ filename: part.filename || 'document', content: await part.toBuffer() });
      } else if (typeof part.value === 'string') {
        if (part.fieldname === 'text') input.text = part.value.slice(0, 5000);
        else if (part.fieldname === 'clientId' && /^[\w-]{1,64}$/.test(part.value)) input.clientId = part.value;
        else if (part.fieldname === 'item' && /^[\w-]{1,60}$/.test(part.value)) input.item = part.value;
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new TooLarge('document.too_large', { name: current.slice(0, 150), max: sizeLabel(maxBytes) });
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') throw new Invalid('document.too_many', { max: MAX_FILES });
    throw new Invalid('document.unreadable');
  }
  return input;
}

export const JsonMessage = Type.Object({ text: Type.String({ minLength: 1, maxLength: 5000 }), clientId: Type.Optional(Type.String({ pattern: '^[\\w-]{1,64}$' })) }, { additionalProperties: false });
/** A JSON message as validated by its schema; any other body (none, text/plain) is not one. */
export function jsonMessage(body: unknown): Static<typeof JsonMessage> {
  if (typeof body === 'string') throw new fastifyErrors.FST_ERR_CTP_INVALID_MEDIA_TYPE();
  if (typeof body !== 'object' || body === null || typeof (body as { text?: unknown }).text !== 'string') throw new Invalid('message.empty');
  return body as Static<typeof JsonMessage>;
}


/** The body's schema for both forms. */
export const MessageBody = {
  content: {
    'application/json': { schema: JsonMessage },
    // Not validated here: the parts are read (and checked) one by one as they stream in.
    'multipart/form-data': {
      schema: { description: 'fields: text (≤ 5000 characters), clientId, item (the id of the checklist piece these files provide) and files (up to five PDFs or photos)' },
    },
  },
};

/** The message of a request, whichever form it came in. */
export const messageOf = (request: FastifyRequest, maxBytes: number) => (request.isMultipart() ? readMessageParts(request, maxBytes) : Promise.resolve(jsonMessage(request.body)));
