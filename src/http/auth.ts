// Bearer-token authentication and role checks for the agents' API.
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { Forbidden, Unauthorized } from '../domain/errors.js';
import type { Services } from '../services/index.js';
import type { Principal } from '../services/tokens.js';
import type { AgentRole } from '../store/models/agent.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function registerAuth(app: FastifyInstance, services: Services) {
  app.decorateRequest('principal', null);

  /** Any logged-in agent whose account is still active. */
  const authenticate: preHandlerAsyncHookHandler = async (request) => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new Unauthorized('auth.missing_token');
    const principal = await services.tokens.verify(match[1]!);
    // A deactivated agent, a changed role or password takes effect at once, not at token expiry.
    const agent = await services.lookups.agentForSession(principal.agentId);
    if (!agent || !agent.active) throw new Unauthorized('auth.account_inactive');
    if ((agent.sessionVersion ?? 0) !== principal.sessionVersion) throw new Unauthorized('auth.session_revoked');
    request.principal = { agentId: principal.agentId, role: agent.role };
  };

  const requireRole = (...roles: AgentRole[]): preHandlerAsyncHookHandler[] => [
    authenticate,
    async (request) => {
      if (!roles.includes(principalOf(request).role)) throw new Forbidden('auth.role_needed', { roles: roles.join(' / ') });
    },
  ];
  return { authenticate, requireRole };
}
export type AuthHooks = ReturnType<typeof registerAuth>;

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Unauthorized('auth.not_authenticated');
  return request.principal;
}
