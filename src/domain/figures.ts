// The managers' figures as pure rules: counts per key, a median, the backlog's age, satisfaction averaged
// per team, agent and channel, volume rows in order. src/services/stats.ts feeds them what the store holds.

/** Open tickets per key (agent, team); null for none. */
export function countBy<T>(items: readonly T[], key: (item: T) => { toString(): string } | null | undefined): { _id: string | null; open: number }[] {
  const counts = new Map<string | null, number>();
  for (const item of items) {
    const k = key(item) ? String(key(item)) : null;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts.entries()].map(([id, n]) => ({ _id: id, open: n }));
}

/** The median of the values (null for none). */
export function median(values: readonly number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return null;
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const BACKLOG_BUCKETS = [
  { key: 'lt1d', label: 'under 1 day', maxDays: 1 },
  { key: '1to2d', label: '1 to 2 days', maxDays: 2 },
  { key: '2to7d', label: '2 to 7 days', maxDays: 7 },
  { key: 'gt7d', label: 'over 7 days', maxDays: Infinity },
];

/** How long the open tickets (by when they opened) have waited, in four buckets. */
export function backlogAge(openedAt: readonly Date[], now: Date): { key: string; label: string; count: number }[] {
  const counts = BACKLOG_BUCKETS.map((b) => ({ key: b.key, label: b.label, count: 0 }));
  for (const at of openedAt) {
    const days = (now.getTime() - at.getTime()) / 86_400_000;
    counts[BACKLOG_BUCKETS.findIndex((b) => days < b.maxDays)]!.count++;
  }
  return counts;
}

export interface RatingTotals { teamId: string | null; assigneeId: string | null; channel: string | null; n: number; sum: number }
const average = (n: number, sum: number) => (n ? Math.round((sum / n) * 100) / 100 : null);

/** Satisfaction answered within the period, per team, agent and the channel the request came by. */
export function satisfactionOf(rated: readonly RatingTotals[], teamName: (id: string | null) => string, agentName: (id: string | null) => string) {
  const groupBy = (key: (row: RatingTotals) => string | null, name: (k: string | null) => string) => {
    const groups = new Map<string | null, { n: number; sum: number }>();
    for (const row of rated) {
      const group = groups.get(key(row)) ?? { n: 0, sum: 0 };
      groups.set(key(row), { n: group.n + row.n, sum: group.sum + row.sum });
    }
    return [...groups.entries()].map(([k, g]) => ({ key: k, name: name(k), count: g.n, average: average(g.n, g.sum)! })).sort((a, b) => b.count - a.count);
  };
  const count = rated.reduce((n, row) => n + row.n, 0);
  return {
    count,
    average: average(count, rated.reduce((sum, row) => sum + row.sum, 0)),
    perTeam: groupBy((row) => row.teamId, teamName),
    perAgent: groupBy((row) => row.assigneeId, agentName),
    perChannel: groupBy((row) => row.channel, (k) => k ?? ''),
  };
}

/** "day|channel" counts as rows, by day then channel. */
export function volumeRows(volume: ReadonlyMap<string, number>): { day: string; channel: string; count: number }[] {
  return [...volume.entries()]
    .map(([key, count]) => {
      const [day, channel] = key.split('|') as [string, string];
      return { day, channel, count };
    })
    .sort((a, b) => a.day.localeCompare(b.day) || a.channel.localeCompare(b.channel));
}
