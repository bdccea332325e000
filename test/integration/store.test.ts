// The store guarantees the pipeline relies on: single-document atomicity and unique indexes, checked
// on the real server (FerretDB through the project's serialising helper; MongoDB gives them natively).
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FERRETDB_PATCHES, patchedFerretDB } from '../../src/store/embedded.js';
import { isDuplicateKey, nextSequence } from '../../src/store/index.js';
import { onEmbeddedStore, testServices } from '../helpers/context.js';

let ctx: Awaited<ReturnType<typeof testServices>>;
beforeAll(async () => {
  ctx = await testServices();
});
afterAll(() => ctx.close());

describe('store', () => {
  // SQLite's query plans, as FerretDB reports them: on an operator's MongoDB (TEST_MONGODB_URI) these two skip.
  it.skipIf(!onEmbeddedStore)('finds a document by _id through its index on the embedded store (the project’s IDColumn patch to FerretDB)', async () => {
    const id = new Types.ObjectId();
    await ctx.models.citizens.create({ _id: id, name: 'Indexée' });
    const plan = await ctx.store.conn.db!.command({ explain: { find: 'citizens', filter: { _id: id } } });
    // SQLite's own plan, as FerretDB reports it: SEARCH … USING INDEX, never SCAN (the whole table).
    expect(JSON.stringify(plan.queryPlanner)).toMatch(/SEARCH \S+ USING INDEX \S+__id_/);
    for (const patch of FERRETDB_PATCHES) {
      const patched = readFileSync(join(patchedFerretDB(), patch.file), 'utf8');
      expect(patched).toContain(patch.to);
      expect(patched).not.toContain(patch.from);
    }
  });

  it.skipIf(!onEmbeddedStore)('answers an agent’s inbox, a citizen’s tickets and a period from the indexes, never reading the whole table (the project’s pushdown patch)', async () => {
    const plans = await Promise.all(
      [
        { find: 'tickets', filter: { assigneeId: { $in: [new Types.ObjectId()] }, status: { $in: ['new', 'open', 'pending'] } } },
        { find: 'tickets', filter: { citizenId: new Types.ObjectId() } },
        { find: 'messages', filter: { ticketId: new Types.ObjectId() } },
        { find: 'tickets', filter: { openedAt: { $gte: new Date('2026-11-01T00:00:00Z'), $lt: new Date('2026-12-01T00:00:00Z') } } },
        { find: 'tickets', filter: { inboxOrder: null } },
        { aggregate: 'tickets', pipeline: [{ $match: { status: { $in: ['new', 'open'] } } }, { $group: { _id: '$teamId', n: { $sum: 1 } } }], cursor: {} },
        // Statistics counted live: the period's closed tickets, the period's inbound messages.
        { find: 'tickets', filter: { status: { $in: ['resolved', 'closed'] }, openedAt: { $gte: new Date('2026-11-30T23:00:00Z'), $lt: new Date('2026-12-01T10:00:00Z') } } },
        { find: 'messages', filter: { direction: 'in', receivedAt: { $gte: new Date('2026-11-30T23:00:00Z'), $lt: new Date('2026-12-01T10:00:00Z') } } },
        // The outbox dispatcher's poll: queued messages due now (and now and then, expired leases).
        { find: 'messages', filter: { status: 'queued', nextAttemptAt: { $gte: new Date(1e12), $lte: new Date() } } },
        // A bounce: the messages its Message-IDs name, by _id.
        { find: 'messages', filter: { _id: { $in: [new Types.ObjectId()] }, direction: 'out', channel: 'email', 'threadKeys.messageId': { $in: ['<gru.x@y>'] } } },
      ].map(async (command) => JSON.stringify((await ctx.store.conn.db!.command({ explain: command })).queryPlanner)),
    );
    // The inbox from the compound index (assignee, status, order), its arrays apart: not one column's index.
    expect(plans[0]).toMatch(/SEARCH \S+ USING INDEX \S+_assigneeId_1_status_1_inboxOrder_1__id_1 \(<expr>=\? AND <expr>=\?\)/);
    // Both columns of each, not the status's or the direction's alone (which would walk every closed ticket or inbound message).
    expect(plans[6]).toMatch(/USING INDEX \S+_status_1_openedAt_1 \(<expr>=\? AND <expr>>\? AND <expr><\?\)/);
    expect(plans[7]).toMatch(/USING INDEX \S+_direction_1_receivedAt_1 \(<expr>=\? AND <expr>>\? AND <expr><\?\)/);
    expect(plans[8]).toMatch(/LEFT-MOST SUBQUERY.*USING INDEX \S+_status_1_nextAttemptAt_1 \(<expr>=\? AND <expr>>\? AND <expr><\?\)/);
    expect(plans[9]).toMatch(/LEFT-MOST SUBQUERY","id=\d+ parent=\d+ notused=0 detail=SEARCH \S+ USING INDEX \S+__id_ /);
    plans.forEach((plan, i) => {
      expect({ i, plan }).toEqual({ i, plan: expect.stringMatching(/USING INDEX/) });
      expect({ i, plan }).toEqual({ i, plan: expect.not.stringMatching(/detail=SCAN/) });
    });
  });

  it('finds with the pushdown exactly what MongoDB finds: arrays that contain the value, text it does not push down, dates, $or', async () => {
    // Raw driver on purpose: these are the filters' semantics, not a model's.
    const collection = ctx.store.conn.db!.collection('pushdown_semantics');
    await collection.createIndexes([{ key: { tag: 1 } }, { key: { at: 1 } }, { key: { flag: 1 } }, { key: { ref: 1 } }]);
    const ref = new Types.ObjectId();
    const day = (d: number) => new Date(Date.UTC(2026, 10, d));
    const docs = [
      { _id: 1, tag: 'ouvert', at: day(1), flag: true, ref },
      { _id: 2, tag: ['clos', 'ouvert'], at: [day(2), day(20)], flag: false },
      { _id: 3, tag: 'clôturé « spécial » "x" <y>', at: day(15), flag: [true], ref: [ref] },
      { _id: 4, tag: 'clos', at: new Date('1990-01-01T00:00:00Z'), ref: String(ref) },
      { _id: 5, tag: 3, at: '2026-11-10' },
      { _id: 6, at: new Date('2400-01-01T00:00:00Z'), tag: null },
    ];
    await collection.insertMany(docs as never[]);
    const cases: [Record<string, unknown>, number[]][] = [
      [{ tag: 'ouvert' }, [1, 2]],
      [{ tag: { $in: ['clos', 'clôturé « spécial » "x" <y>'] } }, [2, 3, 4]],
      [{ tag: 'clôturé « spécial » "x" <y>' }, [3]],
      [{ tag: { $eq: 'clos' } }, [2, 4]],
      [{ flag: true }, [1, 3]],
      [{ flag: false }, [2]],
      [{ ref }, [1, 3]],
      [{ ref: String(ref) }, [4]],
      [{ at: { $gte: day(10), $lt: day(16) } }, [2, 3]], // 2: one element ≥, another <, as in MongoDB
      [{ at: { $gte: day(10) } }, [2, 3, 6]],
      [{ at: { $gt: new Date('1980-01-01T00:00:00Z'), $lt: day(3) } }, [1, 2, 4]],
      [{ $or: [{ tag: 'clos' }, { flag: true }] }, [1, 2, 3, 4]],
      [{ $or: [{ tag: 'clos' }, { tag: { $type: 'number' } }] }, [2, 4, 5]],
      [{ $and: [{ tag: 'ouvert' }, { flag: false }] }, [2]],
      [{ tag: null }, [6]],
      [{ flag: null }, [4, 5, 6]],
      [{ ref: null }, [2, 5, 6]],
      [{ flag: null, tag: 'clos' }, [4]],
      [{ tag: 'ouvert', 'missing.path': null }, [1, 2]],
    ];
    for (const [filter, ids] of cases) {
      const found = (await collection.find(filter).toArray()).map((d) => d._id as unknown as number).sort();
      expect({ filter, found }).toEqual({ filter, found: ids });
      expect({ filter, count: await collection.countDocuments(filter) }).toEqual({ filter, count: ids.length });
    }
  });

  it('hands out 50 distinct sequence numbers to 50 concurrent callers', async () => {
    const values = await Promise.all(Array.from({ length: 50 }, () => nextSequence(ctx.models, 'test-sequence')));
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('lets exactly one of 20 concurrent compare-and-set updates win', async () => {
    const citizen = await ctx.models.citizens.create({ name: 'Test' });
    const attempts = await Promise.all(
      Array.from({ length: 20 }, () =>
        ctx.models.citizens.findOneAndUpdate({ _id: citizen._id, openTicketId: null }, { $set: { openTicketId: new Types.ObjectId() } }, { returnDocument: 'after' }),
      ),
    );
    expect(attempts.filter(Boolean)).toHaveLength(1);
  });

  it('answers compare-and-set updates by _id with conditions as MongoDB does (decided by the proxy with an _id lookup)', async () => {
    // Raw driver on purpose: these are the filters' semantics, not a model's.
    const collection = ctx.store.conn.db!.collection('cas_semantics');
    const _id = new Types.ObjectId();
    const due = new Date('2026-03-02T10:00:00Z');
    await collection.insertOne({ _id, status: 'queued', n: 3, lease: null, sla: { dueAt: due, pausedAt: null }, tags: ['a', 'b'] });
    const cases: [Record<string, unknown>, boolean][] = [
      [{ status: 'queued' }, true],
      [{ status: 'sent' }, false],
      [{ missing: null }, true],
      [{ lease: null }, true],
      [{ status: null }, false],
      [{ status: { $ne: null } }, true],
      [{ missing: { $ne: null } }, false],
      [{ status: { $in: ['sent', 'queued'] } }, true],
      [{ status: { $nin: ['sent', 'queued'] } }, false],
      [{ missing: { $in: [null] } }, true],
      [{ n: { $lt: 3 } }, false],
      [{ n: { $lte: 3 } }, true],
      [{ n: { $gt: 2.5 } }, true],
      [{ n: '3' }, false],
      [{ 'sla.dueAt': { $lt: new Date('2026-03-03T00:00:00Z') } }, true],
      [{ 'sla.dueAt': { $gte: new Date('2026-03-03T00:00:00Z') } }, false],
      [{ 'sla.pausedAt': null, 'sla.dueAt': due }, true],
      [{ 'sla.missing.deeper': null }, true],
      [{ $or: [{ status: 'sent' }, { n: 3 }] }, true],
      [{ $or: [{ status: 'sent' }, { n: 4 }] }, false],
      [{ $and: [{ status: 'queued' }, { n: { $gte: 3 } }] }, true],
      [{ status: 'queued', n: { $exists: true }, gone: { $exists: false } }, true],
      [{ tags: 'a' }, true], // an array: decided by FerretDB itself
      [{ tags: 'z' }, false],
      [{ sla: { dueAt: due, pausedAt: null } }, true], // a whole document: decided by FerretDB itself
      [{ status: /^que/ }, true], // a regex too
    ];
    for (const [conditions, matches] of cases) {
      const result = await collection.findOneAndUpdate({ _id, ...conditions }, { $inc: { n: 0 } }, { includeResultMetadata: true });
      expect({ conditions, matched: result.value !== null }).toEqual({ conditions, matched: matches });
      const updated = await collection.updateOne({ _id, ...conditions }, { $set: { touched: true } });
      expect({ conditions, matched: updated.matchedCount === 1 }).toEqual({ conditions, matched: matches });
    }
    // An unknown _id matches nothing, whatever the conditions.
    expect((await collection.updateOne({ _id: new Types.ObjectId(), status: 'queued' }, { $set: { x: 1 } })).matchedCount).toBe(0);
  });

  it('refuses a second message with the same channel and externalId (code 11000)', async () => {
    const base = { ticketId: new Types.ObjectId(), citizenId: new Types.ObjectId(), direction: 'in' as const, channel: 'sms' as const, externalId: 'SMdup', receivedAt: new Date() };
    await ctx.models.messages.create(base);
    const second = ctx.models.messages.create(base);
    await expect(second).rejects.toSatisfy(isDuplicateKey);
    // The same externalId on another channel is another message.
    await expect(ctx.models.messages.create({ ...base, channel: 'email' })).resolves.toBeTruthy();
  });

  it('keeps ticket references and agent emails unique', async () => {
    const ticket = { citizenId: new Types.ObjectId(), channel: 'sms' as const, lastInboundChannel: 'sms' as const, lastMessageAt: new Date(), lastInboundAt: new Date() };
    await ctx.models.tickets.create({ ...ticket, reference: 'GRU-2026-999999' });
    await expect(ctx.models.tickets.create({ ...ticket, reference: 'GRU-2026-999999' })).rejects.toSatisfy(isDuplicateKey);
    await ctx.models.agents.create({ name: 'A', email: 'same@m.test', passwordHash: 'x' });
    await expect(ctx.models.agents.create({ name: 'B', email: 'SAME@m.test', passwordHash: 'x' })).rejects.toSatisfy(isDuplicateKey);
  });
});
