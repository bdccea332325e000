// The one place where errors become HTTP answers: { error: { code, message } }, never internals on 5xx.
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { DomainError, RateLimited, type DomainErrorCode } from '../domain/errors.js';
import { localeOf, t, type Locale } from '../i18n/catalogue.js';
import { describeValidation, type ValidationIssue } from '../i18n/validation.js';
import { redactUrl } from '../logger.js';

const STATUS_OF: Record<DomainErrorCode, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

const CODE_OF_STATUS: Record<number, string> = {
  400: 'invalid', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  409: 'conflict', 413: 'too_large', 414: 'uri_too_long', 415: 'unsupported_media_type', 429: 'rate_limited', 431: 'headers_too_large',
};

/**
 * What any route may answer besides its own statuses, so the OpenAPI document tells the truth: 400 for
 * a bad URL or input, 414 for a path segment over the limit, 413/415 for bodies, 503 when the store is
 * out of reach. Added to every documented route as it is registered.
 */
export function documentCommonErrors(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as (RouteOptions['schema'] & { hide?: boolean; response?: Record<string | number, unknown> }) | undefined;
    if (!schema || schema.hide) return;
    const response = (schema.response ??= {});
    const add = (status: number) => {
      if (!(status in response)) response[status] = { $ref: 'Error#' };
    };
    add(400);
    if (route.url.includes(':')) add(414);
    const methods = ([] as string[]).concat(route.method);
    if (methods.some((m) => ['POST', 'PUT', 'PATCH'].includes(m))) {
      add(413);
      add(415);
    }
    add(503);
  });
}

/** fastify's and its plugins' own 4xx (body too large, wrong content type, bad JSON) in the catalogue's words. */
function frameworkMessage(status: number, error: FastifyError, locale: Locale): string {
  if (status === 413) return t('http.body_too_large', {}, locale);
  if (status === 415) return t('http.unsupported_media_type', {}, locale);
  if (status === 400) return t('http.invalid_input', { detail: locale === 'en' ? error.message : 'le contenu envoyé est illisible' }, locale);
  return error.message;
}

/** fastify's own refusals before routing (bad URL, path segment too long) in our error shape. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // The message never echoes the path: it may hold a portal token.
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  request.log.info({ code: error.code, url: redactUrl(request.url) }, 'request refused before routing');
  const locale = localeOf(request.headers['accept-language']);
  void reply
    .status(tooLong ? 414 : 400)
    .send({ error: tooLong ? { code: 'uri_too_long', message: t('http.uri_too_long', {}, locale) } : { code: 'invalid', message: t('http.url_invalid', {}, locale) } });
}

/** Errors Node's HTTP parser meets before fastify sees a request (headers too large, timeouts, garbage). */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'headers_too_large', t('http.headers_too_large')]
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'timeout', t('http.timeout')]
    : [400, 'Bad Request', 'invalid', t('http.unreadable')];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  socket.destroy(err);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | DomainError | Error, request, reply) => {
    const locale = localeOf(request.headers['accept-language']);
    if (error instanceof DomainError) {
      const status = STATUS_OF[error.code];
      request.log.info({ code: error.code, msg: error.messageIn('en') }, 'request refused');
      if (error instanceof RateLimited && error.retryAfterSeconds) reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.status(status).send({ error: { ...error.details, code: error.reason ?? error.code, message: error.messageIn(locale) } });
    }
    const fastifyError = error as FastifyError;
    // Input that passed the route's schema but not the store's (a blank trimmed name, a bad id): the caller's fault.
    if (error.name === 'ValidationError' || error.name === 'CastError') {
      request.log.info({ msg: error.message }, 'invalid input (store validation)');
      return reply.status(400).send({ error: { code: 'invalid', message: t('http.invalid_input', { detail: locale === 'en' ? 'a field is empty or malformed' : 'un champ est vide ou mal formé' }, locale) } });
    }
    if (fastifyError.validation) {
      const [issue] = fastifyError.validation as ValidationIssue[];
      const context = fastifyError.validationContext ?? 'body';
      const detail = issue ? describeValidation(issue, context, locale) : fastifyError.message;
      request.log.info({ msg: issue ? describeValidation(issue, context, 'en') : fastifyError.message }, 'invalid input');
      return reply.status(400).send({ error: { code: 'invalid', message: t('http.invalid_input', { detail }, locale) } });
    }
    if (isStoreUnavailable(error)) {
      request.log.error({ err: error }, 'the store does not answer');
      return reply.status(503).header('retry-after', '5').send({ error: { code: 'unavailable', message: t('http.unavailable', {}, locale) } });
    }
    const status = fastifyError.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      request.log.info({ code: fastifyError.code, msg: fastifyError.message }, 'request refused');
      return reply.status(status).send({ error: { code: CODE_OF_STATUS[status] ?? 'bad_request', message: frameworkMessage(status, fastifyError, locale) } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(status >= 500 ? status : 500).send({
      error: { code: status === 503 ? 'unavailable' : 'internal', message: status === 503 ? t('http.unavailable', {}, locale) : t('http.internal', { requestId: request.id }, locale) },
    });
  });

  app.setNotFoundHandler((request, reply) => {
    const locale = localeOf(request.headers['accept-language']);
    // A person who followed a wrong link gets a page in their language; programs get the usual JSON.
    if (request.method === 'GET' && !request.url.startsWith('/api/') && /text\/html/.test(request.headers.accept ?? '')) {
      return reply.status(404).type('text/html; charset=utf-8').send(notFoundPage(locale));
    }
    return reply.status(404).send({
      error: { code: 'not_found', message: t('http.route_not_found', { method: request.method, path: redactUrl(request.url.split('?')[0]) ?? '' }, locale) },
    });
  });
}

/** The page a browser shows for an unknown address: plain HTML (no script, no style to allow), in the reader's language. */
function notFoundPage(locale: Locale): string {
  const text = (key: Parameters<typeof t>[0]) => t(key, {}, locale).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${text('http.page_not_found_title')}</title></head>
<body>
<main>
<h1>${text('http.page_not_found_title')}</h1>
<p>${text('http.page_not_found_text')}</p>
<ul><li><a href="/">${text('http.page_not_found_home')}</a></li><li><a href="/console">${text('http.page_not_found_console')}</a></li></ul>
</main>
</body>
</html>
`;
}

const STORE_DOWN = new Set([
  'MongoServerSelectionError', 'MongooseServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError',
  'MongoNotConnectedError', 'MongoTopologyClosedError', 'MongoPoolClearedError', 'PoolClearedOnNetworkError',
  'MongoPoolClosedError', 'MongoWaitQueueTimeoutError', 'MongoServerClosedError', 'MongoClientClosedError',
  'MongoUnexpectedServerResponseError', // a reply cut short: the store died while answering
]);

// HostUnreachable, HostNotFound, NetworkTimeout, ShutdownInProgress, PrimarySteppedDown, SocketException,
// NotWritablePrimary, InterruptedAtShutdown, InterruptedDueToReplStateChange, NotPrimaryNoSecondaryOk,
// NotPrimaryOrSecondary.
const STORE_DOWN_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);

/** The store is out of reach: a retry later can succeed (Twilio retries on 5xx). */
export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (STORE_DOWN.has(err.name)) return true;
  // A server shutting down, stepping down or unreachable behind a proxy answers with these codes.
  const code = (err as Error & { code?: unknown }).code;
  if (err.name === 'MongoServerError' && typeof code === 'number' && STORE_DOWN_CODES.has(code)) return true;
  // The driver labels errors after which a retry on a fresh connection can succeed.
  const labelled = err as Error & { hasErrorLabel?: (label: string) => boolean };
  if (labelled.hasErrorLabel?.('ResetPool') || labelled.hasErrorLabel?.('RetryableWriteError')) return true;
  if (err.name === 'MongooseError' && /buffering timed out|Connection was force closed|client must be connected/i.test(err.message)) return true;
  return err.cause !== undefined && err.cause !== err && isStoreUnavailable(err.cause);
}
