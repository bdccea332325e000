// Warns when a deadline is at risk and when it is breached: each recorded once (a compare-and-set on the
// ticket), audited, and pushed to the agents concerned and the managers.
import type { Logger } from 'pino';
import { followUps } from '../store/repositories/followUps.js';
import type { Services } from '../services/index.js';
import { SYSTEM } from '../services/audit.js';
import { ticketEventData } from '../services/ticketEvents.js';

export async function checkDeadlines(services: Pick<Services, 'models' | 'events' | 'audit' | 'now'>): Promise<{ atRisk: number; breached: number }> {
  const { models } = services;
  const tickets = followUps(models);
  const now = services.now();
  const counts = { atRisk: 0, breached: 0 };
  for (const kind of ['breached', 'at_risk'] as const) {
    for (const candidate of await tickets.deadlinesReached(kind, now)) {
      // Recorded once, even with several instances watching.
      const claimed = await tickets.recordWarning(candidate, kind, now);
      if (!claimed?.sla) continue;
      counts[kind === 'breached' ? 'breached' : 'atRisk']++;
      await services.audit(SYSTEM, kind === 'breached' ? 'sla.breached' : 'sla.at_risk', { ticketId: claimed._id, citizenId: claimed.citizenId }, { deadline: claimed.sla.kind, dueAt: claimed.sla.dueAt });
      services.events.emit('sla.warning', {
        ...(await ticketEventData(models, claimed)),
        kind,
        deadline: claimed.sla.kind,
        dueAt: claimed.sla.dueAt.toISOString(),
      });
    }
  }
  return counts;
}

export function startSlaWatcher(services: Services, log: Logger, everyMs = 30_000): { stop(): void } {
  const run = () => checkDeadlines(services).catch((err: unknown) => log.error({ err }, 'SLA watcher failed'));
  const timer = setInterval(run, everyMs);
  timer.unref();
  void run();
  return { stop: () => clearInterval(timer) };
}
