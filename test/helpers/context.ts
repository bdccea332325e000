// Builds the real store, services and app on a database of this test file's own.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { createLogger } from '../../src/logger.js';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import type { ChannelModule, InboundMessage } from '../../channels/types.js';
import { loadConfig } from '../../config/index.js';
import { compose } from '../../src/compose.js';
import { createServices, type ServiceOptions } from '../../src/services/index.js';
import { connectStore } from '../../src/store/index.js';
import { SYSTEM } from '../../src/services/audit.js';
import { freePort } from './processes.js';

/** False when the suite runs on an operator's MongoDB (TEST_MONGODB_URI): the embedded store's own checks skip. */
export const onEmbeddedStore = !process.env.TEST_MONGODB_URI;

export const TEST_SECRET = 'test-secret-that-is-long-enough-0123456789';
export const silentLog = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

export async function testStore() {
  const dbName = `t_${randomBytes(6).toString('hex')}`;
  return connectStore(inject('mongoUri'), { dbName });
}

/** Services only (no HTTP), on a fresh database. */
export async function testServices(options: Partial<ServiceOptions> = {}, adapters?: Parameters<typeof createServices>[3]) {
  const store = await testStore();
  const services = createServices(store, silentLog, {
    jwtSecret: TEST_SECRET,
    tokenTtlMinutes: 60,
    rules: { defaultPhoneRegion: 'FR', reopenWindowDays: 7, slaFirstResponseHours: 48 },
    ...options,
  }, adapters);
  return {
    store,
    services,
    models: store.models,
    async close() {
      await store.conn.dropDatabase().catch(() => undefined);
      await store.close();
    },
  };
}

/**
 * The whole assembly of main.ts (adapters from the settings, services, app, jobs) with settings given
 * as environment variables, on a fresh database. Jobs are not started: call startJobs() or drain().
 */
export async function testApp(options: { env?: Record<string, string>; now?: () => Date; log?: Logger; imap?: { pollMs?: number; leaseMs?: number }; channels?: readonly ChannelModule[] } = {}) {
  const store = await testStore();
  // The port is chosen first, so that PUBLIC_BASE_URL is this server's own origin (the chat's origin check
  // trusts it, never the Host header). Tests open many chats from one loopback address; the limit itself is
  // tested with its own setting. Webhook receivers of the tests are on loopback, which is otherwise refused.
  const port = await freePort();
  const config = loadConfig({
    BODY_LIMIT_BYTES: String(64 * 1024), PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, JWT_TTL_MINUTES: '60', CHAT_SESSIONS_PER_HOUR: '6000', SPACE_CODES_PER_HOUR: '6000', SANDBOX: 'false',
    WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8', ...options.env,
  });
  const composition = await compose(config, store, options.log ?? silentLog, { jwtSecret: TEST_SECRET, now: options.now, dispatcher: { pollMs: 50 }, webhooks: { pollMs: 50, retryDelaysMs: [100, 200, 400], timeoutMs: 3_000 }, imap: options.imap, channels: options.channels });
  const { app } = composition;
  return {
    ...composition,
    config,
    store,
    models: store.models,
    /** Listens on a free loopback port and returns the base URL for real HTTP calls. */
    async listen(): Promise<string> {
      await app.listen({ host: '127.0.0.1', port });
      const address = app.server.address();
      return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    },
    async close() {
      await composition.stopJobs();
      await app.close();
      await store.conn.dropDatabase().catch(() => undefined);
      await store.close();
    },
  };
}

export const inbound = (overrides: Partial<InboundMessage> & { from: { address: string; name?: string } }): InboundMessage => ({
  channel: 'sms',
  externalId: `SM${randomBytes(16).toString('hex')}`,
  text: 'Bonjour',
  threadHints: {},
  attachments: [],
  receivedAt: new Date(),
  ...overrides,
});

/** A logger whose lines the test can read (parsed JSON), to assert what operators would see. */
export function capturingLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger('info', stream), lines };
}

export const AGENT_PASSWORD = 'password-123';

/**
 * The default team "Accueil" and these agents in it (password AGENT_PASSWORD), as most tests start.
 * Returns the agents' ids, in order.
 */
export async function addTeam(
  app: { models: Awaited<ReturnType<typeof testApp>>['models']; services: Awaited<ReturnType<typeof testApp>>['services'] },
  agents: { name: string; email: string; role: 'agent' | 'manager' | 'admin' }[],
): Promise<string[]> {
  const team = await app.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
  const ids: string[] = [];
  for (const agent of agents) ids.push((await app.services.agents.create(SYSTEM, { ...agent, password: AGENT_PASSWORD, teamId: String(team._id) })).id);
  return ids;
}
