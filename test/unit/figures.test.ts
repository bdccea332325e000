// The managers' figures as pure rules.
import { describe, expect, it } from 'vitest';
import { backlogAge, countBy, median, satisfactionOf, volumeRows } from '../../src/domain/figures.js';

describe('figures', () => {
  it('counts per key, null for none, and takes the median', () => {
    expect(countBy([{ a: 'x' }, { a: 'x' }, { a: null }], (i) => i.a)).toEqual([{ _id: 'x', open: 2 }, { _id: null, open: 1 }]);
    expect([median([]), median([3, 1, 2]), median([4, 1, 3, 2])]).toEqual([null, 2, 2.5]);
  });
  it('ages the backlog in four buckets', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    expect(backlogAge([daysAgo(0.5), daysAgo(1.5), daysAgo(3), daysAgo(10), daysAgo(30)], now).map((b) => b.count)).toEqual([1, 1, 1, 2]);
  });
  it('averages satisfaction per team, agent and channel, and orders the volume', () => {
    const rated = [{ teamId: 't', assigneeId: 'a', channel: 'sms', n: 2, sum: 9 }, { teamId: 't', assigneeId: null, channel: 'email', n: 1, sum: 3 }];
    const s = satisfactionOf(rated, (k) => k ?? 'no team', (k) => k ?? 'unassigned');
    expect(s).toMatchObject({ count: 3, average: 4, perTeam: [{ key: 't', count: 3, average: 4 }], perAgent: [{ key: 'a', average: 4.5 }, { key: null, name: 'unassigned', average: 3 }] });
    expect(volumeRows(new Map([['2026-12-02|sms', 3], ['2026-12-01|sms', 1], ['2026-12-01|email', 2]]))).toEqual([
      { day: '2026-12-01', channel: 'email', count: 2 }, { day: '2026-12-01', channel: 'sms', count: 1 }, { day: '2026-12-02', channel: 'sms', count: 3 },
    ]);
  });
});
