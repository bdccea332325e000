// An agent set away "until" a date comes back by themselves then: the cover stops, the threads return.
import type { Logger } from 'pino';
import type { Services } from '../services/index.js';
import { SYSTEM } from '../services/audit.js';
import { followUps } from '../store/repositories/followUps.js';

export async function returnAgentsDue(services: Pick<Services, 'models' | 'agents' | 'now'>): Promise<number> {
  const due = await followUps(services.models).agentsBackBy(services.now());
  for (const agent of due) await services.agents.setAvailability(SYSTEM, String(agent._id), { availability: 'available' });
  return due.length;
}

export function startAvailabilityReturnJob(services: Services, log: Logger, everyMs = 60_000): { stop(): void } {
  const run = () =>
    returnAgentsDue(services)
      .then((n) => n > 0 && log.info({ agents: n }, 'agents back from absence'))
      .catch((err: unknown) => log.error({ err }, 'absence return failed'));
  const timer = setInterval(run, everyMs);
  timer.unref();
  void run();
  return { stop: () => clearInterval(timer) };
}
