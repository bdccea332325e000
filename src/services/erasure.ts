// RGPD erasure of one citizen: personal data removed everywhere it was kept (texts, addresses, names,
// files, portal links, chat sessions, bounces, the checklist's labels), the records and their dates kept
// so the statistics hold. A later message from the same address finds no identity and starts a new,
// unrelated citizen. What other parts keep (back-office deliveries, the demo sandbox's box, open chat
// sockets) is erased by the subscribers of `citizen.erased`, awaited before the answer.
import type { CitizenDoc } from '../store/models/citizen.js';
import type { Models } from '../store/index.js';
import { eraseCitizenData } from '../store/repositories/citizenErasure.js';
import { tickets as ticketsStore } from '../store/repositories/tickets.js';
import { ticketEventData } from './ticketEvents.js';
import type { Actor, Audit } from './audit.js';
import type { EventBus } from './eventBus.js';

export { ERASED_TEXT } from '../store/repositories/citizenErasure.js';

/** `text`: what stands in for their words (an erasure asked for, or a keeping period over: src/jobs/retention.ts). */
export async function eraseCitizen(deps: { models: Models; audit: Audit; events: EventBus; now: () => Date }, actor: Actor, citizen: CitizenDoc, text?: string) {
  const at = deps.now();
  const { tickets, sessions, addresses, closed } = await eraseCitizenData(deps.models, citizen, at, text);
  await deps.audit(actor, 'citizen.anonymised', { citizenId: citizen._id });
  // Each request's history says it was erased (and closed if it was open); open screens follow.
  await deps.audit.all(tickets.map((t) => [actor, 'ticket.erased', { ticketId: t._id }, { closed: closed.some((c) => String(c._id) === String(t._id)), ...(closed.some((c) => String(c._id) === String(t._id)) ? { changes: [{ field: 'status', from: t.status, to: 'closed' }] } : {}) }] as const));
  for (const ticket of tickets) {
    const fresh = await ticketsStore(deps.models).byId(ticket._id);
    if (fresh) deps.events.emit('ticket.updated', { ...(await ticketEventData(deps.models, fresh)), changes: { status: fresh.status, erased: true, byAgentId: actor.kind === 'agent' ? actor.id : null } });
  }
  await deps.events.emitSettled('citizen.erased', {
    citizenId: String(citizen._id), chatSessionIds: sessions.map((s) => String(s._id)),
    ticketIds: tickets.map((t) => String(t._id)), references: tickets.map((t) => t.reference), addresses,
  });
  return { id: String(citizen._id), anonymisedAt: at.toISOString() };
}
