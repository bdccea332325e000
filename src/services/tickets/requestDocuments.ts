// « Pièces à fournir », asked by an agent.
import type { InboundChannel } from '../../../channels/types.js';
import type { Principal } from '../tokens.js';
import { Conflict } from '../../domain/errors.js';
import { checklistView } from '../documents.js';
import { eventData, loadVisible, type TicketContext } from './context.js';
import { reply } from './reply.js';
import { t } from '../../i18n/catalogue.js';

/** "Pièces à fournir": the pieces join the checklist the portal shows, and the citizen is told which, with their link. */
export async function requestDocuments(ctx: TicketContext, principal: Principal, ticketId: string, labels: string[], channel?: InboundChannel) {
  const ticket = await loadVisible(ctx, principal, ticketId);
  if (ticket.status === 'closed') throw new Conflict('ticket.closed');
  const added = await ctx.documents.addToChecklist(ticket._id, labels);
  await ctx.audit({ kind: 'agent', id: principal.agentId }, 'ticket.documents.requested', { ticketId: ticket._id, citizenId: ticket.citizenId }, { items: added.map((d) => d.label) });
  if (added.length) {
    const text = t('document.request_text', { reference: ticket.reference, list: added.map((d) => d.label).join(', '), link: ctx.portal.redactedLink() });
    await reply(ctx, principal, ticketId, { text, channel });
  }
  const fresh = { documents: await ctx.store.checklist(ticket._id) };
  ctx.events.emit('ticket.updated', { ...(await eventData(ctx, ticket)), changes: { documents: checklistView(fresh) } });
  return { documents: checklistView(fresh) };
}
