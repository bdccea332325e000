// The whole matrix of roles and routes: who may do what, and what everyone else gets.
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/services/audit.js';
import { testApp } from '../helpers/context.js';

type Who = 'none' | 'owner' | 'otherAgent' | 'manager' | 'admin';
const WHO: Who[] = ['none', 'owner', 'otherAgent', 'manager', 'admin'];

let ctx: Awaited<ReturnType<typeof testApp>>;
let base: string;
const tokens: Partial<Record<Who, string>> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  ctx = await testApp();
  base = await ctx.listen();
  const team = await ctx.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
  const other = await ctx.models.teams.create({ name: 'Urbanisme', slug: 'urbanisme' });
  const make = async (who: Who, role: 'agent' | 'manager' | 'admin', teamId: string) => {
    const agent = await ctx.services.agents.create(SYSTEM, { name: `Agent ${who}`, email: `${who.toLowerCase()}@mairie.test`, password: 'password-123', role, teamId });
    ids[who] = agent.id;
    tokens[who] = (await ctx.services.agents.login(agent.email, 'password-123')).token;
  };
  ids.team = String(team._id);
  ids.otherTeam = String(other._id);
  await make('owner', 'agent', String(team._id));
  await make('otherAgent', 'agent', String(other._id));
  await make('manager', 'manager', String(team._id));
  await make('admin', 'admin', String(team._id));
  const { session } = await ctx.services.chat.start({ name: 'Citoyen' });
  const result = await ctx.services.chat.send(session, { clientId: 'c1', text: 'Bonjour' });
  ids.ticket = result.ticketId;
  ids.citizen = result.citizenId;
  ids.nobody = String(new Types.ObjectId());
});
afterAll(() => ctx.close());

// [method, path, body, expected status for none, owner, other agent, manager, admin]
const matrix = (): [string, string, unknown, number[]][] => [
  ['GET', '/api/me', undefined, [401, 200, 200, 200, 200]],
  ['GET', '/api/agents', undefined, [401, 200, 200, 200, 200]],
  ['POST', '/api/agents', { name: 'N', email: `n${Math.random()}@m.test`.replace('0.', ''), password: 'password-123', role: 'agent' }, [401, 403, 403, 403, 201]],
  ['PATCH', `/api/agents/${ids.owner}`, { availability: 'available' }, [401, 200, 403, 200, 200]],
  ['POST', `/api/agents/${ids.nobody}/handover`, { toAgentId: ids.owner }, [401, 403, 403, 200, 200]],
  ['GET', '/api/tickets?scope=mine', undefined, [401, 200, 200, 200, 200]],
  ['GET', '/api/tickets?scope=all', undefined, [401, 403, 403, 200, 200]],
  ['GET', `/api/tickets/${ids.ticket}`, undefined, [401, 200, 404, 200, 200]],
  ['POST', `/api/tickets/${ids.ticket}/replies`, { text: 'Réponse' }, [401, 201, 404, 201, 201]],
  ['POST', `/api/tickets/${ids.ticket}/notes`, { text: 'Note' }, [401, 201, 404, 201, 201]],
  ['PATCH', `/api/tickets/${ids.ticket}`, { priority: 'normal' }, [401, 200, 404, 200, 200]],
  ['POST', `/api/tickets/${ids.ticket}/assign`, { agentId: ids.owner }, [401, 403, 403, 200, 200]],
  ['GET', `/api/citizens/${ids.citizen}`, undefined, [401, 200, 404, 200, 200]],
  ['PUT', `/api/citizens/${ids.citizen}/recurring-agent`, { agentId: ids.owner }, [401, 403, 403, 200, 200]],
  ['POST', `/api/citizens/${ids.citizen}/merge`, { otherId: ids.nobody }, [401, 403, 403, 404, 404]],
  ['GET', `/api/citizens/${ids.citizen}/export`, undefined, [401, 403, 403, 200, 200]],
  ['DELETE', `/api/citizens/${ids.nobody}`, undefined, [401, 403, 403, 404, 404]],
  ['GET', '/api/canned-answers', undefined, [401, 200, 200, 200, 200]],
  ['POST', '/api/canned-answers', { title: 'T', body: 'B' }, [401, 403, 403, 201, 201]],
  ['POST', '/api/canned-answers', { title: 'Perso', body: 'B', personal: true }, [401, 201, 201, 201, 201]],
  ['GET', '/api/teams', undefined, [401, 200, 200, 200, 200]],
  ['POST', '/api/teams', { name: 'Équipe' }, [401, 403, 403, 403, 201]],
  ['PATCH', `/api/teams/${ids.team}`, { name: 'Accueil' }, [401, 403, 403, 403, 200]],
  ['PATCH', `/api/agents/${ids.owner}`, { phone: '+33612345678' }, [401, 200, 403, 403, 200]],
  ['PATCH', `/api/agents/${ids.otherAgent}`, { role: 'agent', teamId: ids.otherTeam }, [401, 403, 403, 403, 200]],
  ['GET', `/api/tickets/${ids.ticket}/canned-answers/${ids.nobody}`, undefined, [401, 404, 404, 404, 404]],
  ['GET', `/api/tickets/${ids.ticket}/history`, undefined, [401, 200, 404, 200, 200]],
  ['PATCH', `/api/citizens/${ids.citizen}`, { name: 'Citoyen' }, [401, 200, 404, 200, 200]],
  ['GET', '/api/tickets?scope=unassigned', undefined, [401, 403, 403, 200, 200]],
  ['GET', `/api/stats?teamId=${ids.team}`, undefined, [401, 403, 403, 200, 200]],
  ['POST', `/api/tickets/${ids.ticket}/portal-links`, undefined, [401, 201, 404, 201, 201]],
  ['POST', `/api/tickets/${ids.ticket}/portal-links/revoke`, undefined, [401, 403, 403, 200, 200]],
  // No Twilio here: whoever may see the ticket is told calls are off (400), others that it does not exist.
  ['POST', `/api/tickets/${ids.ticket}/call`, undefined, [401, 400, 404, 400, 400]],
  ['POST', `/api/tickets/${ids.ticket}/documents`, { items: ['Justificatif de domicile'] }, [401, 200, 404, 200, 200]],
  ['GET', '/api/integrations/webhooks', undefined, [401, 403, 403, 403, 200]],
  ['POST', '/api/integrations/webhooks', { url: 'http://127.0.0.1:9/x', events: ['ticket.created'] }, [401, 403, 403, 403, 201]],
  ['DELETE', `/api/integrations/webhooks/${ids.nobody}`, undefined, [401, 403, 403, 403, 404]],
  ['GET', `/api/integrations/webhooks/${ids.nobody}/deliveries`, undefined, [401, 403, 403, 403, 404]],
  ['GET', '/api/integrations/keys', undefined, [401, 403, 403, 403, 200]],
  ['POST', '/api/integrations/keys', { name: 'ESB', scopes: ['tickets:read'] }, [401, 403, 403, 403, 201]],
  ['DELETE', `/api/integrations/keys/${ids.nobody}`, undefined, [401, 403, 403, 403, 404]],
  // The system API takes API keys only: every agent's token is refused.
  ['GET', '/api/system/tickets/GRU-2026-000001', undefined, [401, 401, 401, 401, 401]],
  ['POST', '/api/system/tickets/GRU-2026-000001/updates', { text: 'x' }, [401, 401, 401, 401, 401]],
  // Last: a password change ends the owner's sessions, so their token is refused after it.
  ['POST', `/api/agents/${ids.owner}/password`, { password: 'password-123', currentPassword: 'password-123' }, [401, 204, 403, 403, 204]],
];

describe('authorization matrix', () => {
  it('gives every role on every route the expected answer', async () => {
    const failures: string[] = [];
    for (const [method, path, body, expected] of matrix()) {
      for (const [i, who] of WHO.entries()) {
        const headers: Record<string, string> = {};
        if (tokens[who]) headers.authorization = `Bearer ${tokens[who]}`;
        if (body !== undefined) headers['content-type'] = 'application/json';
        const payload = body && typeof body === 'object' && 'email' in body ? { ...body, email: `${who}.${Date.now()}@m.test` } : body;
        const res = await fetch(`${base}${path}`, { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
        if (res.status !== expected[i]) failures.push(`${method} ${path} as ${who}: ${res.status}, expected ${expected[i]} (${await res.text()})`);
      }
    }
    expect(failures).toEqual([]);
  });
});
