// Statistics at volume: a day that is over is counted from its messages once and kept; the day in
// progress is counted live; a team's or an agent's figures come from the same counts.
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
    const kept = (await ctx.models.statsDays.find({}).lean()).map((d) => d._id).sort();
    expect(kept).toEqual(['inbound:2026-11-17', 'inbound:2026-11-18', 'inbound:2026-11-19']);
    // Read back from what was kept: a message stored meanwhile with a date of the 18th is not counted
    // again (a day over does not change), one received today is.
    await ctx.models.messages.create({ ...(await ctx.models.messages.findOne({ channel: 'sms' }).lean())!, _id: undefined, externalId: 'SMlate', receivedAt: new Date('2026-11-18T10:00:00Z') });
    clock = new Date('2026-11-20T11:00:00Z');
    await ctx.services.ingestInbound(inbound({ from: from(5), receivedAt: new Date('2026-11-20T10:30:00Z') }));
    expect((await volume()).filter((v) => v.channel === 'sms')).toEqual([
      { day: '2026-11-18', channel: 'sms', count: 2 },
      { day: '2026-11-20', channel: 'sms', count: 2 },
    ]);
    // One agent's tickets (all of them here), another agent's: none.
    const total = async (scope: object) => (await volume(scope)).reduce((n, v) => n + v.count, 0);
    expect(await total({ agentId: String(agent._id) })).toBe(5);
    expect(await total({ agentId: String(new Types.ObjectId()) })).toBe(0);
  });
});
