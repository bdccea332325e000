// The agents as routing, events and the workspace's checks see them (name, team, role, availability,
// cover, active). A service has tens of agents, and nearly every message, reply or page needs some of
// them: the whole collection is read once and shared for a few seconds (reusedRead), one directory per
// store connection. This instance's own changes (src/services/agents.ts) forget it at once; another
// instance's are seen within AGENTS_TTL_MS; an agent not in it (just created elsewhere) reads it again.
// Logins and tokens are checked against the stored agent itself (src/http/auth.ts), not against this.
import type { Types } from 'mongoose';
import type { Models } from '../store/index.js';
import { agentsStore } from '../store/repositories/agents.js';
import { reusedRead } from './reusedRead.js';

const AGENTS_TTL_MS = 5_000;

export type AgentEntry = {
  _id: Types.ObjectId;
  name: string;
  teamId?: Types.ObjectId | null;
  role: 'agent' | 'manager' | 'admin';
  availability: 'available' | 'away';
  coverAgentId?: Types.ObjectId | null;
  active: boolean;
};

function createAgentDirectory(models: Models) {
  const agents = reusedRead(AGENTS_TTL_MS, async () => {
    const all = await agentsStore(models).directory<AgentEntry>();
    return new Map(all.map((a) => [String(a._id), a]));
  });
  return {
    /** Every agent, by id. */
    all: () => agents.get(),
    /** One agent; read again once when it is not among those kept. */
    async get(id: string | Types.ObjectId | null | undefined): Promise<AgentEntry | null> {
      if (!id) return null;
      const kept = await agents.get();
      if (kept.has(String(id))) return kept.get(String(id))!;
      agents.forget();
      return (await agents.get()).get(String(id)) ?? null;
    },
    /** After a change of an agent made here. */
    forget: () => agents.forget(),
  };
}
export type AgentDirectory = ReturnType<typeof createAgentDirectory>;

const directories = new WeakMap<Models, AgentDirectory>();
/** The directory of this store connection's agents (one per `Models`, so per instance). */
export function agentDirectory(models: Models): AgentDirectory {
  let directory = directories.get(models);
  if (!directory) directories.set(models, (directory = createAgentDirectory(models)));
  return directory;
}
