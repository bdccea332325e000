// Agents and teams' members: creation and changes by admins, login (scrypt hashes, throttled per address
// and per account), availability and cover, the public view of an agent. One use case per file.
import { bindAll } from '../bind.js';
import { create, get, list, update } from './accounts.js';
import { setAvailability } from './availability.js';
import { createAgentContext, type AgentDeps } from './context.js';
import { login, setPassword } from './login.js';

export { MIN_PASSWORD_LENGTH, toAgentView, type AgentView } from './context.js';

export function createAgentService(deps: AgentDeps) {
  return bindAll(createAgentContext(deps), { create, login, update, setPassword, get, list, setAvailability });
}
export type AgentService = ReturnType<typeof createAgentService>;
