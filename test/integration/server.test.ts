// The server as a user starts it: the embedded store, demo data, Ctrl-C, restart with the data kept,
// the first admin, a wrong setting, an external MONGODB_URI, and /ready when the store is gone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { testApp } from '../helpers/context.js';
import { killAll, startServer, stopServer } from '../helpers/processes.js';

const ROOT = join(import.meta.dirname, '../..');
const dirs: string[] = [];

afterAll(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const storeProcesses = (dataDir: string) =>
  spawnSync('pgrep', ['-f', `ferretdb-embedded.*${dataDir}`], { encoding: 'utf8' }).stdout.trim();

async function login(base: string, email: string, password: string) {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return { status: res.status, json: (await res.json()) as { token: string } };
}

describe('npm start', () => {
  it('starts the embedded store with demo data, stops cleanly on Ctrl-C and keeps the data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gru-start-'));
    dirs.push(dataDir);

    const first = await startServer({ DATA_DIR: dataDir });
    expect(first.output()).toContain('Demo logins (password gru-demo-2026)');
    expect(first.output()).toContain('nadia.lefevre@mairie.example');
    expect((await fetch(`${first.base}/ready`)).status).toBe(200);
    const manager = await login(first.base, 'nadia.lefevre@mairie.example', 'gru-demo-2026');
    // The demo has an admin too: every screen can be tried without wiping it.
    expect(first.output()).toContain('admin@mairie.example');
    expect((await login(first.base, 'admin@mairie.example', 'gru-demo-2026')).status).toBe(200);
    expect(manager.status).toBe(200);
    const agents = (await (await fetch(`${first.base}/api/agents`, { headers: { authorization: `Bearer ${manager.json.token}` } })).json()) as { items: { openTickets: number }[] };
    expect(agents.items).toHaveLength(5);
    expect(agents.items.reduce((n, a) => n + a.openTickets, 0)).toBe(12);
    expect(storeProcesses(dataDir)).not.toBe('');

    expect(await stopServer(first.child)).toBe(0);
    expect(storeProcesses(dataDir)).toBe('');

    const second = await startServer({ DATA_DIR: dataDir });
    // Same data and same persisted token secret: the first run's token still works; no second seeding.
    const me = await fetch(`${second.base}/api/me`, { headers: { authorization: `Bearer ${manager.json.token}` } });
    expect(me.status).toBe(200);
    const again = (await (await fetch(`${second.base}/api/agents`, { headers: { authorization: `Bearer ${manager.json.token}` } })).json()) as { items: unknown[] };
    expect(again.items).toHaveLength(5);
    expect(await stopServer(second.child, 'SIGTERM')).toBe(0);
    expect(storeProcesses(dataDir)).toBe('');
    // Two starts of a real process with its store: budgets for a loaded 2-core machine, not a timing goal.
  }, 300_000);

  it('creates the first admin from ADMIN_EMAIL and ADMIN_PASSWORD on an empty store', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gru-admin-'));
    dirs.push(dataDir);
    const server = await startServer({ DATA_DIR: dataDir, DEMO: '0', ADMIN_EMAIL: 'Admin@Mairie.example', ADMIN_PASSWORD: 'un-mot-de-passe-solide' });
    expect(server.output()).toContain('Admin created: admin@mairie.example');
    expect(server.output()).not.toContain('Demo logins');
    const admin = await login(server.base, 'admin@mairie.example', 'un-mot-de-passe-solide');
    expect(admin.status).toBe(200);
    expect(await stopServer(server.child)).toBe(0);
  }, 240_000);

  it('uses MONGODB_URI when set', async () => {
    const uri = inject('mongoUri').replace('/?', `/start_${Date.now()}?`);
    const server = await startServer({ MONGODB_URI: uri, JWT_SECRET: 'a-test-secret-long-enough-for-the-check', DEMO: '1' });
    expect(server.output()).toContain('Store: MONGODB_URI');
    expect((await login(server.base, 'camille.martin@mairie.example', 'gru-demo-2026')).status).toBe(200);
    expect(await stopServer(server.child)).toBe(0);
  });

  it('refuses to start on a wrong setting, naming the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH!, PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 90_000, // a budget, not a speed goal: tsx on a loaded 2-core machine
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/configuration: PORT /);
  });
});

describe('/ready', () => {
  it('answers 503 when the store does not answer', async () => {
    const ctx = await testApp();
    try {
      const base = await ctx.listen();
      expect((await fetch(`${base}/ready`)).status).toBe(200);
      await ctx.store.conn.close();
      const res = await fetch(`${base}/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'unavailable' });
      expect((await fetch(`${base}/health`)).status).toBe(200);
    } finally {
      await ctx.app.close();
    }
  });
});
