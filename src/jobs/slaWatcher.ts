// Warns when a deadline is at risk and when it is breached: each recorded once (a compare-and-set on the
// ticket), audited, and pushed to the agents concerned and the managers.
import type { Logger } from 'pino';
import { OPEN_STATUSES } from '../domain/ticket.js';
import type { Services } from '../services/index.js';
import { SYSTEM } from '../services/audit.js';
import { ticketEventData } from '../services/ticketEvents.js';

export async function checkDeadlines(services: Pick<Services, 'models' | 'events' | 'audit' | 'now'>): Promise<{ atRisk: number; breached: number }> {
  const { models } = services;
  const now = services.now();
  const counts = { atRisk: 0, breached: 0 };
  const running = { status: { $in: OPEN_STATUSES.filter((s) => s !== 'pending') }, 'sla.pausedAt': null };
  for (const [kind, due, mark] of [
    ['breached', 'sla.dueAt', 'sla.breachedAt'],
    ['at_risk', 'sla.warnAt', 'sla.warnedAt'],
  ] as const) {
    const candidates = await models.tickets.find({ ...running, [due]: { $lte: now }, [mark]: null }).limit(500);
    for (const candidate of candidates) {
      // Recorded once, even with several instances watching.
      const claimed = await models.tickets.findOneAndUpdate(
        { _id: candidate._id, [mark]: null, 'sla.dueAt': candidate.sla!.dueAt },
        { $set: { [mark]: now, ...(kind === 'breached' ? { 'sla.warnedAt': candidate.sla!.warnedAt ?? now } : {}) } },
        { returnDocument: 'after' },
      );
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
