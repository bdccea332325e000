// Statistics at volume: a day that is over is counted from its messages and tickets once and kept; the
// day in progress is counted live, and so are the kept days' tickets still waiting for their first
// answer; a message stored late reopens its day; a team's or an agent's figures come from the same counts.
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbound, testServices } from '../helpers/context.js';

let clock = new Date('2026-11-20T10:00:00Z');
let ctx: Awaited<ReturnType<typeof testServices>>;
beforeAll(async () => {
  ctx = await testServices({ now: () => clock });
});
afterAll(() => ctx.close());

describe('inbound volume per day', () => {
  it('counts a past day once from its messages and keeps it, today live, and per agent', async () => {
    const agent = await ctx.models.agents.create({ name: 'Camille Martin', email: 'camille@mairie.test', passwordHash: 'x', role: 'agent' });
    const from = (n: number) => ({ address: `+3361234${String(n).padStart(4, '0')}` });
    // Two SMS and an email on 18 November (Paris), one SMS on the 20th.
    for (const [n, channel, at] of [[1, 'sms', '2026-11-18T08:00:00Z'], [2, 'sms', '2026-11-18T22:30:00Z'], [3, 'email', '2026-11-18T12:00:00Z'], [4, 'sms', '2026-11-20T09:00:00Z']] as const) {
      await ctx.services.ingestInbound(inbound({ channel, from: channel === 'email' ? { address: `usager${n}@exemple.fr` } : from(n), receivedAt: new Date(at) }));
    }
    const volume = async (scope = {}) => (await ctx.services.stats.compute({ from: new Date('2026-11-16T23:00:00Z'), to: clock }, scope)).volumePerChannelPerDay;
    // 22:30Z on the 18th is 23:30 in Paris: still the 18th.
    expect(await volume()).toEqual([
      { day: '2026-11-18', channel: 'email', count: 1 },
      { day: '2026-11-18', channel: 'sms', count: 2 },
      { day: '2026-11-20', channel: 'sms', count: 1 },
    ]);
    // The days over were kept (the 17th with nothing, the 18th, the 19th); today was not.
    const kept = (await ctx.models.statsDays.find({ _id: /^inbound:[\d-]+$/ }).lean()).map((d) => d._id).sort();
    expect(kept).toEqual(['inbound:2026-11-17', 'inbound:2026-11-18', 'inbound:2026-11-19']);
    // Today's hours over by an hour are kept one by one (midnight in Paris is 23:00Z): 23Z to 08Z; 09Z is live.
    const hours = (await ctx.models.statsDays.find({ _id: /^inbound:2026-11-20@/ }).lean()).map((d) => d._id);
    expect(hours).toHaveLength(10);
    expect(hours).toContain('inbound:2026-11-20@23Z');
    expect(hours).not.toContain('inbound:2026-11-20@09Z');
    // Read back from what was kept: a message stored meanwhile with a date of the 18th is not counted
    // again (a day over does not change), one received today is.
    await ctx.models.messages.create({ ...(await ctx.models.messages.findOne({ channel: 'sms' }).lean())!, _id: undefined, externalId: 'SMlate', receivedAt: new Date('2026-11-18T10:00:00Z') });
    clock = new Date('2026-11-20T11:00:00Z');
    await ctx.services.ingestInbound(inbound({ from: from(5), receivedAt: new Date('2026-11-20T10:30:00Z') }));
    expect((await volume()).filter((v) => v.channel === 'sms')).toEqual([
      { day: '2026-11-18', channel: 'sms', count: 2 },
      { day: '2026-11-20', channel: 'sms', count: 2 },
    ]);
    // The next day, the 20th is kept whole and its hours are dropped.
    clock = new Date('2026-11-21T10:00:00Z');
    await volume();
    expect(await ctx.models.statsDays.countDocuments({ _id: /^inbound:2026-11-20/ })).toBe(1);
    clock = new Date('2026-11-20T11:00:00Z');
    // One agent's tickets (all of them here), another agent's: none.
    const total = async (scope: object) => (await volume(scope)).reduce((n, v) => n + v.count, 0);
    expect(await total({ agentId: String(agent._id) })).toBe(5);
    expect(await total({ agentId: String(new Types.ObjectId()) })).toBe(0);
  });

  it("keeps a day's promise and ratings, reads its unanswered tickets live, and counts a late message again", async () => {
    const period = { from: new Date('2026-11-09T23:00:00Z'), to: new Date('2026-11-11T23:00:00Z') }; // the 10th and 11th in Paris
    const figures = () => ctx.services.stats.compute(period);
    const answered = await ctx.services.ingestInbound(inbound({ from: { address: '+33612349001' }, receivedAt: new Date('2026-11-11T09:00:00Z') }));
    const waiting = await ctx.services.ingestInbound(inbound({ from: { address: '+33612349002' }, receivedAt: new Date('2026-11-11T10:00:00Z') }));
    await ctx.models.tickets.updateOne({ _id: answered.ticketId }, { $set: { firstRespondedAt: new Date('2026-11-11T10:00:00Z'), satisfiedAt: new Date('2026-11-11T15:00:00Z'), satisfaction: { score: 4, comment: null, at: new Date('2026-11-11T15:00:00Z'), channel: 'sms' } } });
    // Both promises are settled (the second's deadline, the 13th, is past), one on time; one answer after 60 minutes.
    let stats = await figures();
    expect(stats.promise).toEqual({ settled: 2, onTime: 1, share: 0.5 });
    expect(stats.medianFirstResponseMinutes).toBe(60);
    expect(stats.satisfaction).toMatchObject({ count: 1, average: 4, perChannel: [{ key: 'sms', count: 1, average: 4 }] });
    const kept = await ctx.models.statsDays.findById('tickets:2026-11-11').lean();
    expect(kept!.pending.map(String)).toEqual([waiting.ticketId]);
    expect(await ctx.models.statsDays.findById('ratings:2026-11-11').lean()).toMatchObject({ counts: [{ channel: 'sms', n: 1, sum: 4 }] });

    // The waiting ticket is answered today: read live, its minutes count; the kept day is not counted again.
    await ctx.models.tickets.updateOne({ _id: waiting.ticketId }, { $set: { firstRespondedAt: new Date('2026-11-11T12:00:00Z') } });
    await ctx.models.tickets.updateOne({ _id: answered.ticketId }, { $set: { 'satisfaction.score': 1 } }); // not read again: the day is kept
    stats = await figures();
    expect(stats.promise).toEqual({ settled: 2, onTime: 2, share: 1 });
    expect(stats.medianFirstResponseMinutes).toBe((60 + 120) / 2);
    expect(stats.satisfaction.average).toBe(4);

    // A message of the 11th stored only now (read after an outage): the 11th is counted again.
    const before = (await figures()).volumePerChannelPerDay.find((v) => v.day === '2026-11-11')!.count;
    await ctx.services.ingestInbound(inbound({ from: { address: '+33612349003' }, receivedAt: new Date('2026-11-11T16:00:00Z') }));
    expect(await ctx.models.statsDays.findById('tickets:2026-11-11').lean()).toBeNull();
    stats = await figures();
    expect(stats.volumePerChannelPerDay.find((v) => v.day === '2026-11-11')!.count).toBe(before + 1);
    expect(stats.promise.settled).toBe(3);
  });
});
