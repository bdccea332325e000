// The store guarantees the pipeline relies on: single-document atomicity and unique indexes, checked
// on the real server (FerretDB through the project's serialising helper; MongoDB gives them natively).
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDuplicateKey, nextSequence } from '../../src/store/index.js';
import { testServices } from '../helpers/context.js';

let ctx: Awaited<ReturnType<typeof testServices>>;
beforeAll(async () => {
  ctx = await testServices();
});
afterAll(() => ctx.close());

describe('store', () => {
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
