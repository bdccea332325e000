// The bench's « Mon espace » row (issue 26): a citizen with 20 requests opens their space —
// GET /api/citizen/requests with their cookie (the session found by its hash and renewed, the requests
// read, their agents named) — against a bare fastify route that reads the same tickets with a raw find
// on the same store. One request at a time.
import { createHash, randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { Types } from 'mongoose';
import type { compose } from '../src/compose.js';
import type { Store } from '../src/store/index.js';
import { citizenSpaceStore } from '../src/store/repositories/citizenSpace.js';

type Services = Awaited<ReturnType<typeof compose>>['services'];
type Row = { measure: string; ours: string; baseline: string; ratio: string };
const ms = (n: number) => `${n.toFixed(1)} ms`;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1))]!;

async function timed(count: number, run: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times;
}

export async function spaceLatency(input: { services: Services; store: Store; base: string }): Promise<Row[]> {
  const { services, store, base } = input;
  const phone = '+33650000026';
  const first = await services.ingestInbound({ channel: 'sms', externalId: `SM${'e'.repeat(32)}`, from: { address: phone }, text: 'Bonjour', threadHints: {}, attachments: [], receivedAt: new Date() });
  for (let i = 1; i < 20; i++) {
    await services.ingestInbound({ channel: 'portal', externalId: `bench-space:${i}`, from: { address: 'portal' }, citizenId: first.citizenId, text: `Demande ${i}`, threadHints: { newRequest: {} }, attachments: [], receivedAt: new Date() });
  }
  // A session as a sign-in by code opens it (the code's way is measured by the tests, not here).
  const token = randomBytes(32).toString('base64url');
  await citizenSpaceStore(store.models).openSession({ tokenHash: createHash('sha256').update(token).digest('hex'), citizenId: first.citizenId, method: 'code', at: new Date() });
  const count = 200;
  const ours = await timed(count, async () => {
    const res = await fetch(`${base}/api/citizen/requests`, { headers: { cookie: `gru_citizen=${token}` } });
    const body = (await res.json()) as { requests: unknown[] };
    if (body.requests.length !== 20) throw new Error(`the space listed ${body.requests.length} requests, not 20`);
  });

  const bare = Fastify();
  bare.get('/requests', async () => ({ requests: await store.models.tickets.find({ citizenId: new Types.ObjectId(first.citizenId) }).lean() }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;
  const raw = await timed(count, async () => {
    await (await fetch(`${url}/requests`)).json();
  });
  await bare.close();
  return [50, 99].map((p) => {
    const [x, y] = [percentile(ours, p), percentile(raw, p)];
    return { measure: `space: a citizen's 20 requests (GET /api/citizen/requests), p${p} (vs bare route with a raw find)`, ours: ms(x), baseline: ms(y), ratio: (x / y).toFixed(1) };
  });
}
