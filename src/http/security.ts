// Security headers (helmet) and CORS for the whole app. API answers may not be framed, sniffed or read
// by other sites' pages (CORS only for CORS_ORIGINS). Our own pages get a Content-Security-Policy that
// lets only their own inline script run (by hash), so a citizen's text can never run as a script even
// if a rendering bug let markup through. /widget.js is the one resource other sites load.
import { createHash } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export async function registerSecurity(app: FastifyInstance, settings: { corsOrigins: readonly string[]; https: boolean }): Promise<void> {
  await app.register(helmet, {
    global: true,
    // JSON and files: nothing to run, nothing to frame. Pages set their own policy (pageCsp).
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only when the public address is https (a plain-http demo must stay reachable).
    strictTransportSecurity: settings.https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
  const allowed = new Set(settings.corsOrigins);
  await app.register(cors, {
    // An origin not listed gets no Access-Control-Allow-Origin: its pages cannot read the answers.
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
  });
}

/** The Content-Security-Policy of one of our HTML pages: its inline scripts by hash, nothing else inline. */
export function pageCsp(html: string, extra: { twilioVoice?: boolean } = {}): string {
  // The console's softphone (Twilio Voice SDK) signals and fetches its sounds at Twilio.
  const twilioOrigins = extra.twilioVoice ? ' wss://*.twilio.com https://*.twilio.com' : '';
  const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self'${twilioOrigins}`,
    ...(twilioOrigins ? [`media-src 'self'${twilioOrigins}`] : []),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}
