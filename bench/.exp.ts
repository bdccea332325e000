import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { startEmbeddedStore } from '../src/store/embedded.js';
import { connectStore } from '../src/store/index.js';
const embedded = await startEmbeddedStore({ dataDir: process.env.EXP_DIR ?? mkdtempSync(join(tmpdir(), 'exp-')) });
const store = await connectStore(`${embedded.uri}?directConnection=true`, { dbName: 'exp' });
const tickets = store.conn.db!.collection('tickets');
const agents = Array.from({ length: 21 }, (_, i) => new Types.ObjectId(String(i).padStart(24, '0')));
const me = agents[0]!;
const N = Number(process.env.N ?? 100000);
const now = Date.UTC(2026, 11, 1);
const span = 3 * 365 * 86_400_000;
const at = (i: number) => new Date(now - span + Math.floor((i * span) / N));
if ((await tickets.estimatedDocumentCount()) < N) {
  for (let from = 0; from < N; from += 2000) {
    await tickets.insertMany(Array.from({ length: 2000 }, (_, k) => { const i = from + k; const d = at(i); const status = now - d.getTime() > 14 * 86_400_000 ? 'closed' : ['new', 'open', 'pending', 'resolved'][i % 4];
      return { reference: `R${i}`, citizenId: new Types.ObjectId(), status, assigneeId: agents[i % 21], inboxOrder: d, openedAt: d, createdAt: d, subject: 'x'.repeat(300), channels: ['sms'], sla: { dueAt: d, warnAt: d, pausedAt: null } }; }));
  }
}
const open = ['new', 'open', 'pending'];
const q = { assigneeId: { $in: [me] }, status: { $in: open } };
const time = async (name: string, f: () => Promise<unknown>) => { await f(); const s = performance.now(); let r; for (let i = 0; i < 3; i++) r = await f(); console.log(name, ((performance.now() - s) / 3).toFixed(1), 'ms', Array.isArray(r) ? r.length : r); };
const plan = async (filter: object) => console.log(JSON.stringify((await store.conn.db!.command({ explain: { find: 'tickets', filter } })).queryPlanner.Plan));
await plan(q);
await time('inbox', () => tickets.find(q).sort({ inboxOrder: 1, _id: 1 }).limit(51).toArray());
await time('inbox no sort', () => tickets.find(q).toArray());
await time('by assignee only', () => tickets.find({ assigneeId: me }, { projection: { _id: 1 } }).toArray());
const period = { $gte: new Date(now - 30 * 86_400_000), $lt: new Date(now) };
await plan({ openedAt: period });
await time('period find', () => tickets.find({ openedAt: period }, { projection: { openedAt: 1 } }).toArray());
await time('period count', () => tickets.countDocuments({ openedAt: period }));
await time('open by status', () => tickets.find({ status: { $in: open } }, { projection: { assigneeId: 1 } }).toArray());
await store.close(); await embedded.stop();
