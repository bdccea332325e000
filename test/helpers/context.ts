// Builds the real store, services and app on a database of this test file's own.
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { inject } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { createServices, type ServiceOptions } from '../../src/services/index.js';
import { connectStore } from '../../src/store/index.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-0123456789';
export const silentLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export async function testServices(options: Partial<ServiceOptions> = {}) {
  const dbName = `t_${randomBytes(6).toString('hex')}`;
  const store = await connectStore(inject('mongoUri'), { dbName });
  const services = createServices(store, silentLog, {
    jwtSecret: TEST_SECRET,
    tokenTtlMinutes: 60,
    rules: { defaultPhoneRegion: 'FR', reopenWindowDays: 7, slaFirstResponseHours: 48 },
    ...options,
  });
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

export async function testApp(options: Partial<ServiceOptions> = {}, configOverrides: Partial<Parameters<typeof buildApp>[0]['config']> = {}) {
  const ctx = await testServices(options);
  const app = await buildApp({
    config: { http: { bodyLimitBytes: 64 * 1024 }, publicBaseUrl: 'http://127.0.0.1', ...configOverrides },
    services: ctx.services,
    log: silentLog,
  });
  return {
    ...ctx,
    app,
    /** Listens on a free loopback port and returns the base URL for real HTTP calls. */
    async listen(): Promise<string> {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    },
    async close() {
      await app.close();
      await ctx.close();
    },
  };
}

export const inbound = (overrides: Partial<import('../../channels/types.js').InboundMessage> & { from: { address: string; name?: string } }) => ({
  channel: 'sms' as const,
  externalId: `SM${randomBytes(16).toString('hex')}`,
  text: 'Bonjour',
  threadHints: {},
  attachments: [],
  receivedAt: new Date(),
  ...overrides,
});
