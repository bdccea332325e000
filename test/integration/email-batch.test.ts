// The IMAP listener stopped in the middle of a batch of 100 deliveries and started again: every message
// stored exactly once, and each moved to the processed folder once stored. Its own Dovecot, relay and
// database, so the batch is not slowed by other tests.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTeam, testApp } from '../helpers/context.js';
import { emailEnv, startDovecot } from '../helpers/dovecot.js';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtpPeer.js';
import { until } from '../helpers/sockets.js';

let dovecot: Awaited<ReturnType<typeof startDovecot>>;
let ctx: Awaited<ReturnType<typeof testApp>>;
let smtp: SmtpPeer;

beforeAll(async () => {
  dovecot = await startDovecot();
  smtp = await startSmtpPeer();
  ctx = await testApp({
    env: { ...emailEnv(dovecot, smtp.port), IMAP_PROCESSED_FOLDER: 'Traités' },
    imap: { pollMs: 200, leaseMs: 3_000 },
  });
  await addTeam(ctx, [{ name: 'Camille Martin', email: 'camille@mairie.test', role: 'agent' }]);
  ctx.startJobs();
}, 60_000);
afterAll(async () => {
  await ctx?.close();
  await smtp?.stop();
  await dovecot?.stop();
});

describe('IMAP listener interrupted mid-batch', () => {
  it('stores every one of 100 deliveries exactly once when the listener stops mid-batch and starts again', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `<batch.${i}@citoyens.example>`);
    // Progress from the domain events (cheap), the exact count from the store at the end.
    const seen = new Set<string>();
    const off = ctx.services.events.on('message.created', (e) => {
      if (e.direction === 'in' && /^Message numero \d+$/.test(e.preview)) seen.add(e.preview);
    });
    await ctx.listener!.stop();
    for (const [i, id] of ids.entries()) {
      await dovecot.deliver(`From: Citoyen ${i} <citoyen${i}@citoyens.example>\r\nTo: contact@mairie.example\r\nSubject: Demande ${i}\r\nMessage-ID: ${id}\r\nDate: Mon, 9 Mar 2026 10:00:00 +0100\r\n\r\nMessage numero ${i}\r\n`);
    }
    ctx.listener!.start();
    await until(() => seen.size >= 20, 90_000, 'part of the batch');
    await ctx.listener!.stop();
    expect(seen.size).toBeLessThan(100);
    ctx.listener!.start();
    await until(() => seen.size === 100, 150_000, 'the whole batch');
    off();
    const perId = await ctx.models.messages.aggregate<{ _id: string; n: number }>([
      { $match: { externalId: { $in: ids } } },
      { $group: { _id: '$externalId', n: { $sum: 1 } } },
    ]);
    expect(perId).toHaveLength(100);
    expect(perId.every((r) => r.n === 1)).toBe(true);

    // Moved out of the inbox only once stored: the inbox empties, the processed folder holds them all.
    const imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await imap.connect();
    try {
      const count = async (folder: string) => ((await imap.status(folder, { messages: true })) || { messages: -1 }).messages;
      await until(async () => (await count('INBOX')) === 0, 30_000, 'inbox emptied');
      expect(await count('Traités')).toBe(100);
    } finally {
      await imap.logout();
    }
  }, 260_000);
});
