// The citizen's session cookie (gru_citizen) and the guard of the space's API: HttpOnly, SameSite=Lax,
// Secure when PUBLIC_BASE_URL is https, renewed at each use for 30 more minutes (never past 8 hours);
// a request that changes something must come from our own pages (Origin, or Sec-Fetch-Site).
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { Forbidden, Unauthorized } from '../domain/errors.js';
import type { Services } from '../services/index.js';
import type { SpaceSession } from '../services/citizenSpace/index.js';

export const SESSION_COOKIE = 'gru_citizen';
/** The FranceConnect `state` this browser started with (login CSRF). */
export const STATE_COOKIE = 'gru_fc_state';
const PATH = '/api/citizen';

declare module 'fastify' {
  interface FastifyRequest {
    citizenSession: SpaceSession | null;
  }
}

export async function registerCitizenSession(app: FastifyInstance, services: Services, settings: { publicBaseUrl: string }) {
  const https = settings.publicBaseUrl.startsWith('https:');
  const ownOrigin = new URL(settings.publicBaseUrl).origin;
  await app.register(cookie);
  app.decorateRequest('citizenSession', null);
  const flags = { httpOnly: true, sameSite: 'lax' as const, secure: https, path: PATH };

  /** The session's cookie, set (or renewed) until the session would end. */
  const setSession = (reply: FastifyReply, token: string, expiresAt: Date) =>
    reply.setCookie(SESSION_COOKIE, token, { ...flags, maxAge: Math.max(1, Math.round((expiresAt.getTime() - services.now().getTime()) / 1000)) });
  const clearSession = (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, flags);

  /** The session of the cookie, if it still lives (renewed); none is fine (the sign-in routes). */
  const readSession = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE];
    const session = await services.space.resume(token);
    request.citizenSession = session;
    if (session && token) setSession(reply, token, session.expiresAt);
    else if (token) clearSession(reply);
    return session;
  };
  const requireSession: preHandlerAsyncHookHandler = async (request, reply) => {
    if (!(await readSession(request, reply))) throw new Unauthorized('space.not_signed_in');
  };

  /** Cross-site requests are refused: browsers name the page's origin on every POST and DELETE. */
  const sameSite: preHandlerAsyncHookHandler = async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    if (origin !== undefined ? origin !== ownOrigin : site === 'cross-site' || site === 'same-site') throw new Forbidden('space.cross_site');
  };

  return { flags, setSession, clearSession, readSession, requireSession, sameSite, https };
}
export type CitizenSessionHooks = Awaited<ReturnType<typeof registerCitizenSession>>;

export function sessionOf(request: FastifyRequest): SpaceSession {
  if (!request.citizenSession) throw new Unauthorized('space.not_signed_in');
  return request.citizenSession;
}
