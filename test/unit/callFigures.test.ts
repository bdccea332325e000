import { describe, expect, it } from 'vitest';
import { callFigures, percentile, type CallRow } from '../../src/domain/callFigures.js';

const row = (state: string, rest: Partial<CallRow> = {}): CallRow => ({ state, rungAs: null, waitedSeconds: null, agentId: null, teamId: 't1', ...rest });

describe('call figures', () => {
  it('counts offered, answered (by the usual agent or the team), abandoned, and the wait', () => {
    const rows = [
      row('answered', { rungAs: 'usual', agentId: 'a1' }),
      row('answered', { rungAs: 'usual', agentId: 'a1' }),
      row('answered', { rungAs: 'team', agentId: 'a2', waitedSeconds: 30 }),
      row('abandoned', { waitedSeconds: 90 }),
      row('voicemail', { waitedSeconds: 180, teamId: 't2' }),
      row('missed', { teamId: null }),
    ];
    const figures = callFigures(rows, { team: (id) => id ?? 'aucune', agent: (id) => id ?? '?' });
    expect(figures).toMatchObject({ offered: 6, answered: 3, answeredByUsualAgent: 2, abandoned: 1, waitMedianSeconds: 90, waitP90Seconds: 180 });
    expect(figures.usualAgentShare).toBeCloseTo(2 / 3);
    expect(figures.perTeam.find((t) => t.teamId === 't1')).toMatchObject({ offered: 4, answered: 3, abandoned: 1 });
    expect(figures.perAgent).toEqual([
      expect.objectContaining({ agentId: 'a1', answered: 2, answeredByUsualAgent: 2 }),
      expect.objectContaining({ agentId: 'a2', answered: 1, waitMedianSeconds: 30 }),
    ]);
  });

  it('takes the 90th percentile by nearest rank, and says nothing without values', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(percentile([5], 0.9)).toBe(5);
    expect(percentile([], 0.9)).toBeNull();
    expect(callFigures([], { team: () => '', agent: () => '' })).toMatchObject({ offered: 0, usualAgentShare: null, waitMedianSeconds: null });
  });
});
