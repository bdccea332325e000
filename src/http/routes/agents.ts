// Agents over HTTP: created by admins, listed (emails and phones to managers and admins only), their
// availability, account and password changed. Teams have their own file.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Conflict, Forbidden } from '../../domain/errors.js';
import { MIN_PASSWORD_LENGTH } from '../../services/agents/index.js';
import type { Services } from '../../services/index.js';
import { principalOf, type AuthHooks } from '../auth.js';
import { agentRef, errors, ObjectIdString } from '../schemas.js';
import { AgentListItem } from '../answers.js';
import type { Routes } from './common.js';

const Role = Type.Union([Type.Literal('agent'), Type.Literal('manager'), Type.Literal('admin')]);

export const agentRoutes =
  (services: Services, auth: AuthHooks): FastifyPluginAsyncTypebox =>
  async (app) => {
    accountRoutes(app, services, auth);
    changeRoutes(app, services, auth);
  };

/** Creating an agent (admin) and listing them. */
function accountRoutes(app: Routes, services: Services, auth: AuthHooks) {
  app.post('/api/agents', {
    schema: {
      tags: ['agents'],
      summary: 'Create an agent (admin)',
      security: [{ bearer: [] }],
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 120 }),
        email: Type.String({ minLength: 3, maxLength: 254 }),
        password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 }),
        role: Role,
        team: Type.Optional(ObjectIdString),
      }, { additionalProperties: false }),
      response: { 201: agentRef, ...errors(400, 401, 403, 404, 409) },
    },
    preHandler: auth.requireRole('admin'),
  }, async (request, reply) => {
    const { team, ...rest } = request.body;
    const agent = await services.agents.create({ kind: 'agent', id: principalOf(request).agentId }, { ...rest, teamId: team });
    return reply.status(201).send(agent);
  });

  app.get('/api/agents', {
    schema: {
      tags: ['agents'],
      summary: 'Agents with their availability and open load (any agent: to choose a cover; emails and phones to managers and admins only)',
      security: [{ bearer: [] }],
      querystring: Type.Object({ inactive: Type.Optional(Type.Boolean({ description: 'also the deactivated agents' })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(AgentListItem) }), ...errors(400, 401, 403) },
    },
    preHandler: auth.authenticate,
  }, async (request) => {
    const colleague = principalOf(request).role === 'agent';
    const items = await services.agents.list({ includeInactive: request.query.inactive && !colleague });
    // An agent sees colleagues' names, teams and availability; how to reach them is for managers.
    return { items: colleague ? items.map(({ email: _email, phone: _phone, ...rest }) => rest) : items };
  });
}

/** Availability, cover and account changes; passwords. */
function changeRoutes(app: Routes, services: Services, auth: AuthHooks) {
  app.patch('/api/agents/:id', {
    schema: {
      tags: ['agents'],
      summary: 'Availability and cover (manager, admin, or the agent for themselves); name, role, team, phone, active (admin)',
      description: 'Deactivating an agent or changing their role or team closes their open sockets at once.',
      security: [{ bearer: [] }],
      params: Type.Object({ id: ObjectIdString }),
      body: Type.Object({
        availability: Type.Optional(Type.Union([Type.Literal('available'), Type.Literal('away')])),
        coverAgentId: Type.Optional(Type.Union([ObjectIdString, Type.Null()])),
        until: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
        role: Type.Optional(Role),
        teamId: Type.Optional(Type.Union([ObjectIdString, Type.Null()])),
        active: Type.Optional(Type.Boolean()),
        voiceDevice: Type.Optional(Type.Union([Type.Literal('phone'), Type.Literal('browser')], { description: 'where live calls ring: the agent\'s phone, or the console (Twilio Voice SDK); the agent or an admin' })),
        handoverTo: Type.Optional(Type.Union([ObjectIdString, Type.Literal('team')], { description: 'with active: false, who takes over the open requests and citizens: an agent, or "team" for the least loaded colleague of their team; required when there are some (409 handover_required, with their counts)' })),
        phone: Type.Optional(Type.Union([Type.String({ maxLength: 40, description: 'the phone rung first for a call-back; "06 12 34 56 78" or E.164, stored as E.164' }), Type.Null()])),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: agentRef, ...errors(400, 401, 403, 404, 409) },
    },
    preHandler: auth.authenticate,
  }, async (request) => {
    const principal = principalOf(request);
    const isSelf = principal.agentId === request.params.id;
    const { availability, coverAgentId, until, ...account } = request.body;
    const { phone, voiceDevice, ...adminOnly } = account;
    if (Object.keys(adminOnly).length && principal.role !== 'admin') throw new Forbidden('agent.admin_only_account');
    if ((phone !== undefined || voiceDevice !== undefined) && !isSelf && principal.role !== 'admin') throw new Forbidden('agent.admin_only_phone');
    if (!isSelf && principal.role === 'agent') throw new Forbidden('agent.own_availability_only');
    let agent = Object.keys(account).length ? await services.agents.update(actorOf(request), request.params.id, account) : null;
    if (availability !== undefined || coverAgentId !== undefined || until !== undefined) {
      agent = await services.agents.setAvailability(actorOf(request), request.params.id, { availability, coverAgentId, until: until ? new Date(until) : null });
    }
    return agent ?? services.agents.get(request.params.id);
  });

  app.post('/api/voice/token', {
    schema: {
      tags: ['agents'], summary: 'An access token for the console\'s softphone (Twilio Voice SDK): identity agent-<agentId>, incoming calls, one hour', security: [{ bearer: [] }],
      response: { 200: Type.Object({ token: Type.String(), identity: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }), ...errors(401, 409) },
    },
    preHandler: auth.authenticate,
  }, async (request) => {
    // Without TWILIO_API_KEY_SID, TWILIO_API_KEY_SECRET and TWILIO_TWIML_APP_SID: no browser device.
    if (!services.voiceTokens) throw new Conflict('voice.browser_off').with({}, 'browser_phone_off');
    return services.voiceTokens.issue(principalOf(request).agentId);
  });

  app.post('/api/calls/:callSid/answer', {
    schema: {
      tags: ['agents'], summary: 'Take a call waiting in the team\'s queue: it rings the agent\'s phone or browser', security: [{ bearer: [] }],
      params: Type.Object({ callSid: Type.String({ pattern: '^CA[0-9a-fA-F]{32}$' }) }),
      response: { 200: Type.Object({ callSid: Type.String(), state: Type.Literal('ringing') }), ...errors(400, 401, 409, 503) },
    },
    preHandler: auth.authenticate,
  }, async (request) => services.liveCalls.take(principalOf(request).agentId, request.params.callSid));

  app.post('/api/agents/:id/password', {
    schema: {
      tags: ['agents'], summary: 'Reset a password (admin) or change your own (with the current one)', security: [{ bearer: [] }],
      params: Type.Object({ id: ObjectIdString }),
      body: Type.Object({
        password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 }),
        currentPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
      }, { additionalProperties: false }),
      response: { 204: Type.Null({ description: 'changed: every session of that agent ends (tokens refused, sockets closed); log in again' }), ...errors(400, 401, 403, 404, 429) },
    },
    preHandler: auth.authenticate,
  }, async (request, reply) => {
    const principal = principalOf(request);
    if (principal.agentId !== request.params.id && principal.role !== 'admin') throw new Forbidden('agent.admin_only_password');
    await services.agents.setPassword(actorOf(request), request.params.id, request.body, request.ip);
    return reply.status(204).send(null);
  });
}

const actorOf = (request: FastifyRequest) => ({ kind: 'agent' as const, id: principalOf(request).agentId });
