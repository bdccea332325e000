// The inbox's lines: a ticket as agents see it in a list, with its citizen's and assignee's names and whether its deadline is at risk.
import type { TicketContext } from './context.js';
import { NOTHING_DUE, type TicketDoc } from '../../store/models/ticket.js';
import { OPEN_STATUSES } from '../../domain/ticket.js';
import { slotLabel } from '../../domain/callbackSlots.js';
import { displayPhone } from '../../domain/identity.js';

/** The inbox's lines; `knownNames` are agents' names already read (no second read for them). */
export async function summaries(ctx: TicketContext, tickets: TicketDoc[], knownNames: Map<string, string> = new Map(), knownCitizens: Map<string, string | null> = new Map()) {
  const citizenIds = [...new Set(tickets.map((t) => String(t.citizenId)))].filter((id) => !knownCitizens.has(id));
  const agentIds = [...new Set(tickets.map((t) => t.assigneeId).filter(Boolean).map(String))].filter((id) => !knownNames.has(id));
  const [citizens, agents] = await Promise.all([ctx.citizens.namesOf(citizenIds), ctx.agents.namesOf(agentIds)]);
  const citizenName = new Map([...knownCitizens, ...citizens]);
  const agentName = new Map([...knownNames, ...agents]);
  const atRiskFrom = (t: TicketDoc) => isAtRisk(ctx, t);
  return tickets.map((t) => ({
    id: String(t._id),
    reference: t.reference,
    status: t.status,
    channel: t.lastInboundChannel,
    channels: t.channels?.length ? t.channels : [t.channel],
    subject: t.subject,
    category: t.category ?? null,
    priority: t.priority,
    citizen: { id: String(t.citizenId), name: citizenName.get(String(t.citizenId)) ?? null, contact: contactOf(t, ctx.settings.phoneRegion ?? 'FR') },
    assignee: t.assigneeId ? { id: String(t.assigneeId), name: agentName.get(String(t.assigneeId)) ?? '' } : null,
    unreadCount: t.unreadCount,
    lastMessageAt: t.lastMessageAt.toISOString(),
    firstResponseDueAt: t.firstResponseDueAt ? t.firstResponseDueAt.toISOString() : null,
    responseDueAt: t.inboxOrder && t.inboxOrder.getTime() !== NOTHING_DUE.getTime() ? t.inboxOrder.toISOString() : null,
    firstRespondedAt: t.firstRespondedAt ? t.firstRespondedAt.toISOString() : null,
    atRisk: atRiskFrom(t),
    overdue: isOverdue(ctx, t),
    businessMinutesLeft: t.sla && !t.sla.pausedAt && OPEN_STATUSES.includes(t.status) ? ctx.sla.minutesLeft(t.sla.dueAt, ctx.now()) : null,
    version: t.version ?? 0,
    callback: t.callback ? { slot: t.callback.slot, label: slotLabel(t.callback.slot), phone: t.callback.phone } : null,
  }));
}

/** How to name a citizen who gave no name: the number or address they last wrote from, as people write it. */
function contactOf(t: Pick<TicketDoc, 'lastFrom'>, region: string): string | null {
  const from = t.lastFrom as { sms?: string | null; email?: string | null } | undefined;
  return from?.sms ? displayPhone(from.sms, region) : (from?.email ?? null);
}

/** Overdue: a running, unpaused deadline that passed. */
export function isOverdue(ctx: TicketContext, t: Pick<TicketDoc, 'sla' | 'status'>): boolean {
  return !!t.sla && !t.sla.pausedAt && OPEN_STATUSES.includes(t.status) && t.sla.dueAt.getTime() <= ctx.now().getTime();
}

/** At risk: a running, unpaused deadline past its warning point. */
export function isAtRisk(ctx: TicketContext, t: Pick<TicketDoc, 'sla' | 'status'>): boolean {
  return !!t.sla && !t.sla.pausedAt && OPEN_STATUSES.includes(t.status) && t.sla.warnAt.getTime() <= ctx.now().getTime();
}
