// Wires the parts on a connected store: channel adapters, services, the HTTP app and the background
// jobs. Used by main.ts and by the tests, so both run the same assembly.
import type { Logger } from 'pino';
import { CHANNEL_MODULES } from '../channels/modules.js';
import type { ChannelModule, Listener } from '../channels/types.js';
import { buildChannelAdapters, buildDialer } from '../channels/adapters.js';
import { createSandboxBox } from '../channels/sandbox/adapter.js';
import type { Config } from '../config/index.js';
import { buildApp } from './http/app.js';
import { useRedisAdapter } from './realtime/redis.js';
import { attachRealtime } from './realtime/server.js';
import { createOutboxDispatcher, type DispatcherOptions } from './jobs/outboxDispatcher.js';
import { startAutomationJob } from './jobs/automation.js';
import { startRetentionJob } from './jobs/retention.js';
import { createIntegrationDispatcher, type IntegrationDispatcherOptions } from './jobs/integrationDispatcher.js';
import { startAvailabilityReturnJob } from './jobs/availabilityReturn.js';
import { startRecoveryJob } from './jobs/recoverInterrupted.js';
import { startSlaWatcher } from './jobs/slaWatcher.js';
import { createServices, type ServiceOptions } from './services/index.js';
import { connectRedisLimits, type Limits } from './services/limits.js';
import type { Store } from './store/index.js';

export async function compose(config: Config, store: Store, log: Logger, options: { jwtSecret: string; now?: () => Date; dispatcher?: DispatcherOptions; webhooks?: IntegrationDispatcherOptions; imap?: { pollMs?: number; leaseMs?: number }; channels?: readonly ChannelModule[] }) {
  const channels = options.channels ?? CHANNEL_MODULES;
  const sandbox = config.sandbox.sms || config.sandbox.email ? createSandboxBox() : undefined;
  const adapters = buildChannelAdapters(config, log, sandbox);
  // With REDIS_URL, every instance counts logins, chat and portal posts in the same buckets.
  const sharedLimits = config.redisUrl ? await connectRedisLimits(config.redisUrl, options.now ?? (() => new Date()), log) : null;
  const services = createServices(
    store,
    log,
    serviceOptionsOf(config, { ...options, limits: sharedLimits?.limits }),
    adapters,
    buildDialer(config),
  );
  if (sandbox) services.events.on('citizen.erased', (e) => sandbox.forget(e.addresses));
  const app = await buildApp({ config, services, log, sandbox, channels });
  const realtime = attachRealtime({ server: app.server, services, config, log, chatAdapter: adapters.get('chat'), channels });
  const closeRedis = config.redisUrl ? await useRedisAdapter(realtime.io, config.redisUrl, log) : async () => undefined;
  // Before the HTTP server closes: open WebSockets would otherwise keep it waiting.
  app.addHook('preClose', async () => {
    await realtime.close();
    await closeRedis();
    await sharedLimits?.close();
  });
  const dispatcher = createOutboxDispatcher({ models: store.models, outbox: services.outbox, now: services.now, log }, { leaseMs: config.outbox.leaseSeconds * 1000, ...options.dispatcher });
  const webhooks = createIntegrationDispatcher({ models: store.models, integrations: services.integrations, now: services.now, log }, options.webhooks);
  const running: { stop(): void }[] = [];
  const listeners = channels.map((channel) => channel.listener?.({ config, services, log, imap: options.imap }) ?? null).filter((l): l is Listener => !!l);
  return {
    services,
    app,
    realtime,
    dispatcher,
    /** The email channel's reader, when it runs (tests stop and start it). */
    listener: listeners[0] ?? null,
    /** Starts the background jobs (outbox delivery, recovery of interrupted messages, return from absence). */
    startJobs() {
      void services.tickets.backfillInboxOrder().catch((err: unknown) => log.error({ err }, 'inbox order backfill failed'));
      void services.tickets.backfillSatisfiedAt().catch((err: unknown) => log.error({ err }, 'satisfaction date backfill failed'));
      dispatcher.start();
      webhooks.start();
      for (const listener of listeners) listener.start();
      running.push(startRecoveryJob(services.ingestInbound, log), startAvailabilityReturnJob(services, log), startSlaWatcher(services, log), startAutomationJob(services, config.service.name, log), startRetentionJob(services, config.retentionDays, log));
    },
    async stopJobs() {
      for (const job of running.splice(0)) job.stop();
      for (const listener of listeners) await listener.stop();
      await dispatcher.stop();
      await webhooks.stop();
    },
  };
}
export type Composition = Awaited<ReturnType<typeof compose>>;

/** The services' settings, from the configuration. */
function serviceOptionsOf(config: Config, options: { jwtSecret: string; now?: () => Date; limits?: Limits }): ServiceOptions {
  return {
    jwtSecret: options.jwtSecret,
    tokenTtlMinutes: config.auth.tokenTtlMinutes,
    chatSessionIdleHours: config.chat.sessionIdleHours,
    loginAttemptsPerMinute: config.auth.loginAttemptsPerMinute,
    rules: config.rules,
    serviceName: config.service.name,
    teamVisibility: config.access.teamVisibility,
    sla: config.sla,
    publicBaseUrl: config.publicBaseUrl,
    mailDomain: config.email ? /@([^>\s]+)/.exec(config.email.from)?.[1] : undefined,
    openingHours: { hours: config.service.openingHours, timeZone: config.rules.timeZone },
    callbacks: config.sms.callbacks,
    voiceSdk: config.twilio?.voiceSdk ? { accountSid: config.twilio.accountSid, ...config.twilio.voiceSdk } : undefined,
    callbackRegions: config.sms.callbackRegions,
    webhookAllowedNetworks: config.webhookAllowedNetworks,
    satisfactionSurvey: config.satisfactionSurvey,
    portalMaxFileBytes: config.http.portalMaxFileBytes,
    franceConnect: config.franceConnect ?? null,
    spaceCodesPerHour: config.space.codesPerHour,
    limits: options.limits,
    now: options.now,
  };
}
