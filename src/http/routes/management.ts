// Managers' figures and the automation settings.
import { EXPORT_MAX_ROWS } from '../../services/requestsExport.js';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Invalid } from '../../domain/errors.js';
import type { Services } from '../../services/index.js';
import { principalOf, type AuthHooks } from '../auth.js';
import { errors, ObjectIdString } from '../schemas.js';

/** The longest period the statistics cover in one request. */
const STATS_MAX_DAYS = 366;
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Automation = Type.Object(
  {
    acknowledgements: Type.Object({ sms: Nullable(Type.String({ maxLength: 1000 })), email: Nullable(Type.String({ maxLength: 5000 })), chat: Nullable(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
    categoryRules: Type.Array(
      Type.Object({ keywords: Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { minItems: 1, maxItems: 50 }), category: Type.String({ minLength: 1, maxLength: 80 }), teamId: Nullable(ObjectIdString) }, { additionalProperties: false }),
      { maxItems: 200 },
    ),
    voiceMenu: Type.Optional(Type.Array(
      Type.Object({ key: Type.String({ pattern: '^[0-9]$', description: 'the key pressed' }), label: Type.String({ minLength: 1, maxLength: 80, description: 'what the caller hears: « Tapez 1 pour <label> »' }), teamId: ObjectIdString }, { additionalProperties: false }),
      { maxItems: 9, description: 'the phone menu a first-time caller hears within opening hours, a key per team; empty: straight to the default team' },
    )),
    retentionByCategory: Type.Optional(Type.Array(
      Type.Object({ category: Type.String({ minLength: 1, maxLength: 80 }), days: Type.Integer({ minimum: 30, maximum: 3650 }) }, { additionalProperties: false }),
      { maxItems: 100, description: 'how long the requests of a category are kept after closing (the others: RETENTION_DAYS)' },
    )),
    autoCloseAfterDays: Nullable(Type.Integer({ minimum: 1, maximum: 365 })),
    closingMessage: Nullable(Type.String({ maxLength: 2000 })),
    reminderAfterDays: Nullable(Type.Integer({ minimum: 1, maximum: 365 })),
    reminderMessage: Nullable(Type.String({ maxLength: 2000 })),
  },
  { $id: 'Automation' },
);

/** The settings as read: with the texts sent when one is left empty. */
const AutomationAnswer = Type.Object({
  ...Automation.properties,
  defaults: Type.Object({
    acknowledgements: Type.Object({ sms: Type.String(), email: Type.String(), chat: Type.String() }),
    reminderMessage: Type.String(),
    closingMessage: Type.String(),
  }, { description: 'the texts sent when one is left empty, with their variables' }),
});

const StatsQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  teamId: Type.Optional(ObjectIdString),
  agentId: Type.Optional(ObjectIdString),
}, { additionalProperties: false });

/** from–to, by default the 30 days before now; a year at most (each day of the range is read once: src/services/dailyFigures.ts). */
function periodOf(query: { from?: string; to?: string }, now: Date) {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 86_400_000);
  if (from >= to) throw new Invalid('stats.range_invalid');
  if (to.getTime() - from.getTime() > STATS_MAX_DAYS * 86_400_000) throw new Invalid('stats.range_too_long', { max: STATS_MAX_DAYS });
  return { from, to };
}

export const managementRoutes =
  (services: Services, auth: AuthHooks): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addSchema(Automation);
    const security = [{ bearer: [] }];

    app.get('/api/stats', {
      schema: {
        tags: ['managers'], summary: 'Load, the 48 h promise, first-response times, volume per channel, backlog age (manager)', security,
        description: `Over from–to (default: the 30 days before now), at most ${STATS_MAX_DAYS} days; a longer or reversed range is 400.`,
        querystring: StatsQuery,
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errors(400, 401, 403) },
      },
      preHandler: auth.requireRole('manager', 'admin'),
    }, async (request) => {
      return services.stats.compute(periodOf(request.query, services.now()), { teamId: request.query.teamId, agentId: request.query.agentId });
    });

    app.get('/api/stats/requests.csv', {
      schema: {
        tags: ['managers'], summary: 'The period’s requests, one line each (reference, channel, opened, first answer, on time, agent, team, status, satisfaction), as CSV (manager)', security,
        description: `Same range as /api/stats. French headers, semicolons, UTF-8 with a byte-order mark; at most ${EXPORT_MAX_ROWS} lines.`,
        querystring: StatsQuery,
        response: { 200: { description: 'one line per request, French headers', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors(400, 401, 403) },
      },
      preHandler: auth.requireRole('manager', 'admin'),
    }, async (request, reply) => {
      const csv = await services.requestsExport.csv(periodOf(request.query, services.now()), { teamId: request.query.teamId, agentId: request.query.agentId });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="demandes.csv"').send(csv);
    });

    app.get('/api/settings/automation', {
      schema: { tags: ['automation'], summary: 'Acknowledgement templates, keyword rules, closing and reminders (manager), with the texts sent when one is left empty', security, response: { 200: AutomationAnswer, ...errors(401, 403) } },
      preHandler: auth.requireRole('manager', 'admin'),
    }, async () => ({ ...(await services.automation.get()), defaults: services.automation.defaults() }));

    app.put('/api/settings/automation', {
      schema: { tags: ['automation'], summary: 'Change the automation (admin)', security, body: Type.Partial(Automation, { additionalProperties: false }), response: { 200: Type.Ref('Automation'), ...errors(400, 401, 403, 404) } },
      preHandler: auth.requireRole('admin'),
    }, async (request) => services.automation.update({ kind: 'agent', id: principalOf(request).agentId }, request.body));
  };
