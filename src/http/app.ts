// The fastify app factory: plugins, then routes, then one error handler. Listening is main.ts's job,
// so tests build the very same app and call it over real HTTP or inject().
import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../../config/index.js';
import type { Services } from '../services/index.js';
import { assetRoutes } from './assets.js';
import { registerAuth } from './auth.js';
import { clientErrorHandler, documentCommonErrors, frameworkErrors, registerErrorHandling } from './errors.js';
import { registerSecurity } from './security.js';
import { agentRoutes } from './routes/agents.js';
import { teamRoutes } from './routes/teams.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { pageRoutes } from './routes/pages.js';
import { managementRoutes } from './routes/management.js';
import { integrationRoutes } from './routes/integrations.js';
import { systemRoutes } from './routes/system.js';
import { portalRoutes } from './routes/portal.js';
import { citizenSpaceRoutes } from './routes/citizenSpace.js';
import { franceConnectRoutes } from './routes/franceConnect.js';
import { registerCitizenSession } from './citizenSession.js';
import { sandboxRoutes } from './routes/sandbox.js';
import type { SandboxBox } from '../../channels/sandbox/adapter.js';
import { ticketRoutes } from './routes/tickets.js';
import { citizenRoutes } from './routes/citizens.js';
import { citizenRightsRoutes } from './routes/citizenRights.js';
import { cannedAnswerRoutes } from './routes/cannedAnswers.js';
import { CHANNEL_MODULES } from '../../channels/modules.js';
import type { ChannelModule } from '../../channels/types.js';
import { Agent, CitizenView, ErrorBody } from './schemas.js';

export interface AppOptions {
  config: Config;
  services: Services;
  log: Logger;
  /** The demo's sandbox box, when it runs. */
  sandbox?: SandboxBox;
  /** The channels' inbound sides (channels/modules.ts): their webhook routes are mounted here. */
  channels?: readonly ChannelModule[];
}

export async function buildApp({ config, services, log, sandbox, channels: modules = CHANNEL_MODULES }: AppOptions) {
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: config.http.bodyLimitBytes,
    // A caller's x-request-id is kept only when short and plain (it lands in every log line).
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
    },
    trustProxy: false,
    // Registering the routes and their schemas took over the default 10 s on a loaded 2-core machine
    // (a full test run beside a benchmark): a slow start is waited for, not refused.
    pluginTimeout: 120_000,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  documentCommonErrors(app);

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'GRU contact center API', version: '0.1.0', description: 'Agents, managers, citizen portal and channel webhooks.' },
      servers: [{ url: config.publicBaseUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await registerSecurity(app, { corsOrigins: config.http.corsOrigins, https: config.publicBaseUrl.startsWith('https:') });
  // Its own page policy (hashes of its inline scripts), over plain http too; Swagger UI sets inline
  // styles from its script, which style hashes would block.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;/, '').replace(/style-src [^;]*;/, "style-src 'self' 'unsafe-inline';"),
  });
  // Twilio posts application/x-www-form-urlencoded.
  await app.register(formbody, { bodyLimit: config.http.bodyLimitBytes });

  app.addSchema(ErrorBody);
  app.addSchema(Agent);
  app.addSchema(CitizenView);
  registerErrorHandling(app);
  const auth = registerAuth(app, services);
  const citizenSession = await registerCitizenSession(app, services, { publicBaseUrl: config.publicBaseUrl });

  const channels = {
    email: config.email || config.sandbox.email ? 'on' : 'off',
    sms: config.twilio || config.sandbox.sms ? 'on' : 'off',
    voice: config.twilio || config.sandbox.voice ? 'on' : 'off',
    chat: 'on',
  } as const;
  await app.register(healthRoutes(services, channels));
  await app.register(authRoutes(services, auth));
  await app.register(agentRoutes(services, auth));
  await app.register(teamRoutes(services, auth));
  await app.register(ticketRoutes(services, auth, { maxAttachmentBytes: config.email?.maxAttachmentBytes ?? 10 * 1024 * 1024 }));
  await app.register(citizenRoutes(services, auth));
  await app.register(citizenRightsRoutes(services, auth, { serviceName: config.service.name, timeZone: config.rules.timeZone }));
  await app.register(cannedAnswerRoutes(services, auth));
  await app.register(portalRoutes(services, auth));
  await app.register(citizenSpaceRoutes(services, citizenSession, { timeZone: config.rules.timeZone, serviceName: config.service.name }));
  await app.register(franceConnectRoutes(services, citizenSession, { publicBaseUrl: config.publicBaseUrl }));
  await app.register(managementRoutes(services, auth));
  await app.register(integrationRoutes(services, auth));
  await app.register(systemRoutes(services));
  await app.register(pageRoutes({ serviceName: config.service.name, browserCalls: !!config.twilio?.voiceSdk }));
  await app.register(assetRoutes);
  if (sandbox) await app.register(sandboxRoutes(services, auth, sandbox, config.sandbox));
  for (const channel of modules) {
    const routes = channel.routes?.({ config, services, log });
    if (routes) await app.register(routes);
  }
  return app;
}
export type App = Awaited<ReturnType<typeof buildApp>>;
