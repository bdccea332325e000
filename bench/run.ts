// `npm run bench`: each row a ratio measured side by side in this one run, on this machine, against the
// same store or the same transport used raw. Never part of the test suite.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { Server } from 'socket.io';
import { io as ioClient, type Socket } from 'socket.io-client';
import { WebSocketServer } from 'ws';
import { loadConfig } from '../config/index.js';
import { compose } from '../src/compose.js';
import { SYSTEM } from '../src/services/audit.js';
import { startEmbeddedStore } from '../src/store/embedded.js';
import { connectStore } from '../src/store/index.js';

const log = pino({ level: 'silent' });
const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const rows: { measure: string; ours: string; baseline: string; ratio: string }[] = [];

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;
const progress = (what: string) => process.stderr.write(`bench: ${what}\n`);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gru-bench-'));
  const embedded = await startEmbeddedStore({ dataDir: dir });
  const store = await connectStore(`${embedded.uri}?directConnection=true`, { dbName: 'bench' });
  // The settings of an external store (the bench connects to its own embedded one below); no demo data.
  const config = loadConfig({ JWT_SECRET: SECRET, MONGODB_URI: 'mongodb://127.0.0.1/bench', CHAT_MESSAGES_PER_MINUTE: '600', DEMO: '0' });
  const { services, app, startJobs, stopJobs } = await compose(config, store, log, { jwtSecret: SECRET });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  startJobs();
  const team = await store.models.teams.create({ name: 'Accueil', slug: 'accueil', isDefault: true });
  const agent = await services.agents.create(SYSTEM, { name: 'Bench Agent', email: 'bench@mairie.test', password: 'password-123', role: 'agent', teamId: String(team._id) });
  const { token } = await services.agents.login(agent.email, 'password-123');

  try {
    progress('ingest against raw insertOne');
    await ingestVersusInsert(services, store);
    progress('chat latency');
    await chatLatency(base, token);
    progress('sockets per process');
    await socketsPerProcess(base);
  } finally {
    await stopJobs();
    await app.close();
    await store.close();
    await embedded.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  process.stdout.write(`\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, store: embedded FerretDB (SQLite)\n\n`);
  process.stdout.write('| measure | ours | baseline (same run) | ratio |\n|---|---|---|---|\n');
  for (const r of rows) process.stdout.write(`| ${r.measure} | ${r.ours} | ${r.baseline} | ${r.ratio} |\n`);
}

/** ingestInbound (identity, routing, thread, audit, event) against one raw driver insertOne, 4 at a time. */
async function ingestVersusInsert(services: Awaited<ReturnType<typeof compose>>['services'], store: Awaited<ReturnType<typeof connectStore>>) {
  const total = 400;
  const run = async (one: (i: number) => Promise<unknown>) => {
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < total) await one(next++);
    }));
    return total / ((performance.now() - started) / 1000);
  };
  const raw = store.conn.db!.collection('bench_raw');
  const rawRate = await run((i) => raw.insertOne({ channel: 'sms', externalId: `RAW${i}`, text: 'Bonjour', receivedAt: new Date() }));
  const ourRate = await run((i) =>
    services.ingestInbound({
      channel: 'sms', externalId: `SMbench${i}`, from: { address: `+3361${String(i % 100).padStart(7, "0")}` },
      text: 'Bonjour, une question', threadHints: {}, attachments: [], receivedAt: new Date(),
    }),
  );
  rows.push({ measure: 'inbound messages stored per second (ingestInbound vs raw insertOne)', ours: `${ourRate.toFixed(0)}/s`, baseline: `${rawRate.toFixed(0)}/s`, ratio: `${(ourRate / rawRate).toFixed(3)}` });
}

/** A citizen's chat send to the agent's socket, at a fixed rate, against a raw Socket.IO relay on the same machine. */
async function chatLatency(base: string, token: string) {
  const rate = 5; // messages per second: below what the embedded store sustains, so latency is not queueing
  const count = 100;
  const agent = ioClient(`${base}/agents`, { auth: { token }, transports: ['websocket'] });
  await connected(agent);
  const citizens: Socket[] = [];
  for (let i = 0; i < 10; i++) {
    const c = ioClient(`${base}/chat`, { transports: ['websocket'], forceNew: true });
    await connected(c);
    await c.timeout(5000).emitWithAck('chat:start', {});
    citizens.push(c);
  }
  const sentAt = new Map<string, number>();
  const ours: number[] = [];
  agent.on('message:created', (m: { preview: string; direction: string }) => {
    const t = sentAt.get(m.preview);
    if (t !== undefined && m.direction === 'in') ours.push(performance.now() - t);
  });
  await fixedRate(rate, count, (i) => {
    const text = `latence ${i}`;
    sentAt.set(text, performance.now());
    citizens[i % citizens.length]!.emit('chat:message', { clientId: `b${i}`, text }, () => undefined);
  });
  await waitUntil(() => ours.length >= count, 60_000);

  // Baseline: a bare Socket.IO server relaying each message to one listening socket.
  const http = createServer();
  const relay = new Server(http);
  relay.on('connection', (s) => s.on('msg', (text: string) => relay.to('listener').emit('msg', text)));
  relay.on('connection', (s) => s.on('listen', () => s.join('listener')));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  const listener = ioClient(url, { transports: ['websocket'] });
  const sender = ioClient(url, { transports: ['websocket'], forceNew: true });
  await Promise.all([connected(listener), connected(sender)]);
  listener.emit('listen');
  await new Promise((r) => setTimeout(r, 100));
  const rawSent = new Map<string, number>();
  const raw: number[] = [];
  listener.on('msg', (text: string) => raw.push(performance.now() - rawSent.get(text)!));
  await fixedRate(rate, count, (i) => {
    rawSent.set(`r${i}`, performance.now());
    sender.emit('msg', `r${i}`);
  });
  await waitUntil(() => raw.length >= count, 10_000);
  for (const s of [agent, listener, sender, ...citizens]) s.disconnect();
  relay.close();

  for (const p of [50, 99]) {
    const a = percentile(ours, p);
    const b = percentile(raw, p);
    rows.push({ measure: `chat send → agent socket, p${p} at ${rate}/s (vs raw Socket.IO relay)`, ours: ms(a), baseline: ms(b), ratio: `${(a / b).toFixed(1)}` });
  }
}

/** Sockets one process holds and the memory each costs: our /chat namespace against a raw ws server. */
async function socketsPerProcess(base: string) {
  const count = 2000;
  const measure = async (kind: 'socketio' | 'ws', url: string) => {
    const before = heap();
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'socketLoad.ts'), kind, url, String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${kind}: sockets did not open in time`)), 60_000);
      createInterface({ input: child.stdout! }).on('line', (l) => l === 'open' && (clearTimeout(timer), resolve()));
    });
    await new Promise((r) => setTimeout(r, 500));
    const after = heap();
    child.stdin!.end();
    await new Promise((r) => child.once('exit', r));
    return (after - before) / count;
  };
  const ours = await measure('socketio', `${base}/chat`);
  const wsServer = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wsServer.once('listening', r));
  const raw = await measure('ws', `ws://127.0.0.1:${(wsServer.address() as { port: number }).port}`);
  wsServer.close();
  rows.push({
    measure: `memory per open chat socket, ${count} held by one process (vs raw ws)`,
    ours: `${(ours / 1024).toFixed(1)} KiB`,
    baseline: `${(raw / 1024).toFixed(1)} KiB`,
    ratio: `${(ours / raw).toFixed(1)}`,
  });
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket did not connect in 10 s')), 10_000);
    socket.once('connect', () => (clearTimeout(timer), resolve()));
    socket.once('connect_error', (err) => (clearTimeout(timer), reject(err)));
  });
}

function heap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}
async function fixedRate(perSecond: number, count: number, send: (i: number) => void) {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    send(i);
  }
}
async function waitUntil(check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
