// Routing policy: who becomes a new citizen's recurring agent, and who handles a thread today.
export interface AgentForRouting {
  id: string;
  availability: 'available' | 'away';
  coverAgentId?: string | null;
  openTickets: number;
}

/** The available agent with the fewest open tickets (ties: the lowest id, so the choice is stable). */
export function chooseRecurringAgent(candidates: readonly AgentForRouting[]): AgentForRouting | undefined {
  return candidates
    .filter((a) => a.availability === 'available')
    .sort((a, b) => a.openTickets - b.openTickets || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
}

/**
 * Who answers for a recurring agent: the agent when available, else their cover (following a chain of
 * covers, never looping); the recurring agent stays recorded either way.
 */
export function handlingAgentId(
  recurringAgentId: string,
  agents: ReadonlyMap<string, Pick<AgentForRouting, 'availability' | 'coverAgentId'>>,
): string {
  const seen = new Set<string>();
  let current = recurringAgentId;
  while (!seen.has(current)) {
    seen.add(current);
    const agent = agents.get(current);
    if (!agent || agent.availability === 'available' || !agent.coverAgentId) return current;
    current = agent.coverAgentId;
  }
  return recurringAgentId;
}
