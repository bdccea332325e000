// Repetitive work taken off agents: closing resolved tickets after N days without a reply (with a
// closing message) and reminding citizens on pending tickets after N days. Each happens once.
import type { Logger } from 'pino';
import { DEFAULT_CLOSING, DEFAULT_REMINDER, renderAutomation } from '../domain/templates.js';
import type { Services } from '../services/index.js';
import { followUps } from '../store/repositories/followUps.js';

const DAY = 86_400_000;

export async function runAutomation(services: Pick<Services, 'models' | 'tickets' | 'automation' | 'now'>, serviceName: string, log?: Logger): Promise<{ closed: number; reminded: number }> {
  const tickets = followUps(services.models);
  const settings = await services.automation.get();
  const now = services.now();
  const result = { closed: 0, reminded: 0 };
  const fill = (template: string, ticket: { reference: string }) => renderAutomation(template, { 'ticket.reference': ticket.reference, 'service.name': serviceName });

  if (settings.autoCloseAfterDays) {
    for (const ticket of await tickets.resolvedBefore(new Date(now.getTime() - settings.autoCloseAfterDays * DAY))) {
      await services.tickets.sendAutomatic(String(ticket._id), fill(settings.closingMessage ?? DEFAULT_CLOSING, ticket), 'closing', `closing:${String(ticket._id)}`).catch((err: unknown) => log?.warn({ err, ticketId: String(ticket._id) }, 'closing message not queued: the request closes all the same'));
      await services.tickets.setStatusAsSystem(String(ticket._id), 'closed', `no reply ${settings.autoCloseAfterDays} days after resolution`);
      result.closed++;
    }
  }
  if (settings.reminderAfterDays) {
    for (const ticket of await tickets.pendingBefore(new Date(now.getTime() - settings.reminderAfterDays * DAY))) {
      // Claimed first: one reminder per pending period, even with several instances.
      if (!(await tickets.claimReminder(ticket._id, now))) continue;
      const key = `reminder:${String(ticket._id)}:${ticket.pendingSince!.getTime()}`;
      await services.tickets.sendAutomatic(String(ticket._id), fill(settings.reminderMessage ?? DEFAULT_REMINDER, ticket), 'reminder', key).catch((err: unknown) => log?.warn({ err, ticketId: String(ticket._id) }, 'reminder not queued'));
      result.reminded++;
    }
  }
  return result;
}

export function startAutomationJob(services: Services, serviceName: string, log: Logger, everyMs = 5 * 60_000): { stop(): void } {
  const run = () =>
    runAutomation(services, serviceName, log)
      .then((r) => (r.closed || r.reminded) && log.info(r, 'automation'))
      .catch((err: unknown) => log.error({ err }, 'automation failed'));
  const timer = setInterval(run, everyMs);
  timer.unref();
  void run();
  return { stop: () => clearInterval(timer) };
}
