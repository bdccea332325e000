// Applies the SLA calendar (src/domain/sla.ts) to tickets: the running deadline, paused while pending.
import { businessMinutesBetween, deadlineFrom, resumeDeadline, type Deadline, type SlaCalendar } from '../domain/sla.js';

export type SlaSettings = SlaCalendar & { nextResponseHours: number };
export interface TicketSla extends Deadline {
  warnedAt: Date | null;
  breachedAt: Date | null;
  pausedAt: Date | null;
}

export function createSlaPolicy(settings: SlaSettings) {
  const fresh = (deadline: Deadline): TicketSla => ({ ...deadline, warnedAt: null, breachedAt: null, pausedAt: null });
  return {
    settings,
    first: (receivedAt: Date) => fresh(deadlineFrom('first', receivedAt, settings)),
    next: (receivedAt: Date) => fresh(deadlineFrom('next', receivedAt, { ...settings, promiseHours: settings.nextResponseHours })),
    /** Opening-hours minutes from `now` to `dueAt` (0 once past). */
    minutesLeft: (dueAt: Date, now: Date): number => (dueAt <= now ? 0 : Math.ceil(businessMinutesBetween(now, dueAt, settings.hours, settings.timeZone))),
    pause: (sla: TicketSla, at: Date): TicketSla => (sla.pausedAt ? sla : { ...sla, pausedAt: at }),
    resume: (sla: TicketSla, at: Date): TicketSla =>
      sla.pausedAt ? { ...sla, ...resumeDeadline(sla, sla.pausedAt, at, settings), pausedAt: null, warnedAt: null } : sla,
  };
}
export type SlaPolicy = ReturnType<typeof createSlaPolicy>;

