// The calls' figures as pure rules (issue 25): calls offered, answered, answered by the caller's usual
// agent (and that share), abandoned, the wait for the team (median, 90th percentile), per team and
// agent. src/services/stats.ts feeds them the period's incoming calls.
import { median } from './figures.js';

export interface CallRow {
  state: string;
  rungAs: 'usual' | 'team' | null;
  waitedSeconds: number | null;
  agentId: string | null;
  teamId: string | null;
}

/** The value below which `share` (0–1) of the values fall (nearest rank). */
export function percentile(values: readonly number[], share: number): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))]!;
}

function counts(rows: readonly CallRow[]) {
  const answered = rows.filter((r) => r.state === 'answered');
  const waits = rows.map((r) => r.waitedSeconds).filter((w): w is number => w !== null);
  return {
    offered: rows.length,
    answered: answered.length,
    answeredByUsualAgent: answered.filter((r) => r.rungAs === 'usual').length,
    abandoned: rows.filter((r) => r.state === 'abandoned').length,
    waitMedianSeconds: median(waits),
    waitP90Seconds: percentile(waits, 0.9),
  };
}

/** The period's figures, then per team and per agent (named by `names`; null keys for none). */
export function callFigures(rows: readonly CallRow[], names: { team: (id: string | null) => string; agent: (id: string | null) => string }) {
  const group = (key: (r: CallRow) => string | null) => {
    const byKey = new Map<string | null, CallRow[]>();
    for (const row of rows) byKey.set(key(row), [...(byKey.get(key(row)) ?? []), row]);
    return [...byKey.entries()];
  };
  const all = counts(rows);
  return {
    ...all,
    usualAgentShare: all.answered ? all.answeredByUsualAgent / all.answered : null,
    perTeam: group((r) => r.teamId).map(([teamId, r]) => ({ teamId, name: names.team(teamId), ...counts(r) })),
    perAgent: group((r) => r.agentId).filter(([agentId]) => agentId).map(([agentId, r]) => ({ agentId, name: names.agent(agentId), ...counts(r) })),
  };
}
