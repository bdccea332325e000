// Composition root: config -> store -> adapters, services, http, jobs (compose.ts) -> listen.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { compose } from './compose.js';
import { createLogger } from './logger.js';
import { bootstrap, DEMO_PASSWORD } from './services/bootstrap.js';
import { startEmbeddedStore } from './store/embedded.js';
import { connectStore } from './store/index.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);

  const embedded = config.store.uri ? null : await startEmbeddedStore({ dataDir: config.store.dataDir, log });
  const store = await connectStore(config.store.uri ?? `${embedded!.uri}?directConnection=true`, { dbName: config.store.uri ? undefined : 'gru' });
  const { services, app, startJobs, stopJobs } = await compose(config, store, log, {
    jwtSecret: config.auth.jwtSecret ?? persistedSecret(config.store.dataDir),
  });
  const report = await bootstrap({
    models: store.models,
    agents: services.agents,
    ingestInbound: services.ingestInbound,
    log,
    now: services.now,
    admin: config.bootstrap.adminEmail ? { email: config.bootstrap.adminEmail, password: config.bootstrap.adminPassword! } : undefined,
    demo: config.bootstrap.demo,
  });
  startJobs();
  await app.listen({ port: config.port, host: config.host });

  const lines = [
    '',
    `  GRU contact center is running: http://localhost:${config.port}`,
    `  Agent console: http://localhost:${config.port}/console   dashboard: http://localhost:${config.port}/dashboard`,
    `  API documentation: http://localhost:${config.port}/docs`,
    `  Store: ${config.store.uri ? 'MONGODB_URI' : `embedded FerretDB in ${join(config.store.dataDir, 'ferretdb')}`}`,
  ];
  const sandboxed = (['sms', 'voice', 'email'] as const).filter((c) => config.sandbox[c]);
  if (sandboxed.length) lines.push(`  Demo sandbox (${sandboxed.join(', ')}: nothing leaves this machine): http://localhost:${config.port}/sandbox`);
  if (report.adminCreated) lines.push(`  Admin created: ${report.adminCreated}`);
  if (report.demoLogins.length > 0) {
    lines.push(`  Demo logins (password ${DEMO_PASSWORD}):`);
    for (const login of report.demoLogins) lines.push(`    ${login.role.padEnd(8)} ${login.email}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await app.close();
      await stopJobs();
      await store.close();
      await embedded?.stop();
    } finally {
      clearTimeout(force);
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** With the embedded store and no JWT_SECRET, a random secret kept beside the data survives restarts. */
function persistedSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

main().catch((err: unknown) => {
  process.stderr.write(`start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
