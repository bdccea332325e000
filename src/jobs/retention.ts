// Retention (the CNIL's defined keeping period): requests closed for longer than RETENTION_DAYS (or
// their category's period in the automation settings) have their personal data blanked the way an
// erasure does it for one request; a citizen left with nothing but blanked requests is erased. Each
// request once (marked when done, audited by the instance that marked it); safe to run twice, on several
// instances at once, and after a crash midway (the blanking writes the same values again). The sessions,
// sign-in codes and FranceConnect flows of « Mon espace » are deleted once they can no longer serve.
import type { Logger } from 'pino';
import type { Services } from '../services/index.js';
import { SYSTEM } from '../services/audit.js';
import { eraseCitizen } from '../services/erasure.js';
import { citizensStore } from '../store/repositories/citizens.js';
import { EXPIRED_TEXT, retentionStore } from '../store/repositories/retention.js';
import { citizenSpaceStore } from '../store/repositories/citizenSpace.js';
import { LONGEST_MS } from '../services/citizenSpace/index.js';

const DAY = 86_400_000;

export async function runRetention(services: Pick<Services, 'models' | 'automation' | 'audit' | 'events' | 'now'>, defaultDays: number): Promise<{ anonymised: number; erased: number }> {
  const store = retentionStore(services.models);
  const now = services.now();
  const rules = (await services.automation.get()).retentionByCategory;
  const batches = [
    ...rules.map((r) => ({ category: r.category as string | string[], days: r.days })),
    { category: rules.map((r) => r.category), days: defaultDays },
  ];
  const result = { anonymised: 0, erased: 0 };
  for (const batch of batches) {
    for (const ticket of await store.due(new Date(now.getTime() - batch.days * DAY), batch.category)) {
      await store.blank(ticket._id);
      if (!(await store.done(ticket._id, now))) continue;
      await services.audit(SYSTEM, 'ticket.retention.anonymised', { ticketId: ticket._id }, { reference: ticket.reference, keptDays: batch.days });
      result.anonymised++;
      if (await store.hasKeptRequests(ticket.citizenId)) continue;
      const citizen = await citizensStore(services.models).byId(ticket.citizenId);
      if (citizen && !citizen.anonymisedAt) {
        await eraseCitizen(services, SYSTEM, citizen, EXPIRED_TEXT);
        result.erased++;
      }
    }
  }
  // The space's sessions, codes and flows are kept no longer than they serve.
  await citizenSpaceStore(services.models).purge(now, LONGEST_MS);
  return result;
}

export function startRetentionJob(services: Services, defaultDays: number, log: Logger, everyMs = 3_600_000): { stop(): void } {
  const run = () =>
    runRetention(services, defaultDays)
      .then((r) => (r.anonymised || r.erased) && log.info(r, 'retention'))
      .catch((err: unknown) => log.error({ err }, 'retention failed'));
  const timer = setInterval(run, everyMs);
  timer.unref();
  void run();
  return { stop: () => clearInterval(timer) };
}
