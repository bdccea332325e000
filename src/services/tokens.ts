// Signed agent tokens (HS256 JWT with an expiry), shared by the HTTP API and the Socket.IO handshake.
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { Unauthorized } from '../domain/errors.js';
import type { AgentRole } from '../store/models/agent.js';

export interface Principal {
  agentId: string;
  role: AgentRole;
}
export interface VerifiedToken extends Principal {
  expiresAt: Date;
  /** The agent's session version when it was signed (see the agent model). */
  sessionVersion: number;
}

const ISSUER = 'gru-contact-center';

export function createTokens(options: { secret: string; ttlMinutes: number; now: () => Date }) {
  const key = new TextEncoder().encode(options.secret);
  return {
    async sign(principal: Principal, sessionVersion = 0): Promise<{ token: string; expiresAt: Date }> {
      const issuedAt = Math.floor(options.now().getTime() / 1000);
      const expiresAt = new Date((issuedAt + options.ttlMinutes * 60) * 1000);
      const token = await new SignJWT({ role: principal.role, sv: sessionVersion })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(principal.agentId)
        .setIssuer(ISSUER)
        .setIssuedAt(issuedAt)
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, expiresAt };
    },
    async verify(token: string): Promise<VerifiedToken> {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          algorithms: ['HS256'],
          // A token without an expiry would be valid forever: refused.
          requiredClaims: ['exp', 'sub'],
          currentDate: options.now(),
        });
        if (typeof payload.sub !== 'string' || typeof payload.role !== 'string') throw new Unauthorized('auth.token_invalid');
        const sessionVersion = typeof payload.sv === 'number' ? payload.sv : 0;
        return { agentId: payload.sub, role: payload.role as AgentRole, expiresAt: new Date(payload.exp! * 1000), sessionVersion };
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) throw new Unauthorized('auth.token_expired');
        if (err instanceof Unauthorized) throw err;
        throw new Unauthorized('auth.token_invalid');
      }
    },
  };
}
export type Tokens = ReturnType<typeof createTokens>;
